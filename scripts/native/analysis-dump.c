/* analysis-dump — the native build's analysis of one file, for comparing the wasm build with it.
 * usage: analysis-dump <file> <clip|whole|long> <out.f32>
 * Prints one JSON line {"error", "format", "rate", "channels", "duration", "segments", "audio"}
 * and writes, per segment, start, length, 96x64 log-mel, 32x32 fingerprint and the descriptors
 * as float32 to out.f32. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonomap.h"

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  uint8_t *b = malloc(cap);
  size_t r;
  while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      uint8_t *nb = realloc(b, cap *= 2);
      if (!nb) {
        free(b);
        b = NULL;
      } else
        b = nb;
    }
  }
  fclose(f);
  *len = n;
  return b;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: analysis-dump <file> <clip|whole|long> <out.f32>\n");
    return 2;
  }
  int mode = !strcmp(argv[2], "long")    ? SM_MODE_LONG
             : !strcmp(argv[2], "whole") ? SM_MODE_WHOLE
                                         : SM_MODE_CLIP;
  size_t len = 0;
  uint8_t *bytes = read_all(argv[1], &len);
  if (!bytes) {
    fprintf(stderr, "%s: cannot read\n", argv[1]);
    return 2;
  }
  sm_analysis *a = sm_analyze_file(bytes, len, mode);
  const char *err = sm_analysis_error(a);
  if (err) {
    printf("{\"error\": \"%s\"}\n", err);
  } else {
    int n = sm_analysis_segments(a);
    printf("{\"error\": null, \"format\": \"%s\", \"rate\": %.17g, \"channels\": %d, \"duration\": "
           "%.17g, "
           "\"segments\": %d, \"audio\": %zu}\n",
           sm_analysis_format(a), sm_analysis_source_rate(a), sm_analysis_source_channels(a),
           sm_analysis_duration(a), n, sm_analysis_audio_length(a));
    FILE *o = fopen(argv[3], "wb");
    if (!o) {
      fprintf(stderr, "%s: cannot write\n", argv[3]);
      return 2;
    }
    for (int i = 0; i < n; i++) {
      float se[2] = {(float)sm_segment_start(a, i), (float)sm_segment_length(a, i)};
      fwrite(se, sizeof(float), 2, o);
      fwrite(sm_segment_logmel(a, i), sizeof(float), SM_PATCH_FRAMES * SM_NMEL, o);
      fwrite(sm_segment_fingerprint(a, i), sizeof(float), SM_FP * SM_FP, o);
      fwrite(sm_segment_descriptors(a, i), sizeof(float), SM_NDESC, o);
    }
    fclose(o);
  }
  sm_analysis_free(a);
  free(bytes);
  return 0;
}
