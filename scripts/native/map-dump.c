/* map-dump — run one map natively and write its layout, for the wasm-vs-native test.
 *   map-dump ROWS.f32 N D PROJECTION DIMS SEED ITERATIONS OUT.f32 [KNN]
 * ROWS.f32: N x D little-endian float32. PROJECTION: pca | umap | tsne. KNN: auto (default) |
 * exact | approx. Writes the N x DIMS
 * layout (float32) to OUT.f32 and prints the total step count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonomap.h"

int main(int argc, char **argv) {
  if (argc != 9 && argc != 10) {
    fprintf(stderr,
            "usage: map-dump ROWS.f32 N D pca|umap|tsne DIMS SEED ITERATIONS OUT.f32 [KNN]\n");
    return 2;
  }
  long n = atol(argv[2]), d = atol(argv[3]);
  if (n < 1 || d < 1 || n > 10000000 / d) {
    fprintf(stderr, "map-dump: bad shape %ld x %ld\n", n, d);
    return 2;
  }
  sm_map_options o;
  sm_map_options_init(&o);
  o.projection = !strcmp(argv[4], "pca")    ? SM_PROJ_PCA
                 : !strcmp(argv[4], "tsne") ? SM_PROJ_TSNE
                                            : SM_PROJ_UMAP;
  o.dims = atoi(argv[5]);
  o.seed = (uint32_t)strtoul(argv[6], NULL, 10);
  o.iterations = atoi(argv[7]);
  if (argc == 10)
    o.knn = !strcmp(argv[9], "exact")    ? SM_KNN_EXACT
            : !strcmp(argv[9], "approx") ? SM_KNN_APPROX
                                         : SM_KNN_AUTO;
  float *X = malloc(sizeof(float) * (size_t)(n * d));
  FILE *f = fopen(argv[1], "rb");
  if (!X || !f || fread(X, sizeof(float), (size_t)(n * d), f) != (size_t)(n * d)) {
    fprintf(stderr, "map-dump: cannot read %s\n", argv[1]);
    return 1;
  }
  fclose(f);
  char err[200];
  sm_map *m = sm_map_new_with(X, (int)n, (int)d, &o, err, sizeof err);
  if (!m) {
    fprintf(stderr, "map-dump: %s\n", err);
    return 1;
  }
  while (sm_map_step(m, 7) > 0) {
  }
  FILE *g = fopen(argv[8], "wb");
  if (!g || fwrite(sm_map_layout(m), sizeof(float) * o.dims, (size_t)n, g) != (size_t)n) {
    fprintf(stderr, "map-dump: cannot write %s\n", argv[8]);
    return 1;
  }
  fclose(g);
  printf("%d\n", sm_map_total_steps(m));
  sm_map_free(m);
  free(X);
  return 0;
}
