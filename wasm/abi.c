/* abi.c — sm_abi (sonomap.h): the constants, enum values and sm_map_options layout of this
 * build, by id, so the JavaScript binding reads them rather than copying them by hand. */
#include <stddef.h>

#include "sonomap.h"

int sm_abi(int id) {
  switch (id) {
  case SM_ABI_VERSION: return 1;
  case SM_ABI_RATE: return SM_RATE;
  case SM_ABI_PATCH_FRAMES: return SM_PATCH_FRAMES;
  case SM_ABI_PATCH_BANDS: return SM_NMEL;
  case SM_ABI_FP: return SM_FP;
  case SM_ABI_NDESC: return SM_NDESC;
  case SM_ABI_MODE_CLIP: return SM_MODE_CLIP;
  case SM_ABI_MODE_WHOLE: return SM_MODE_WHOLE;
  case SM_ABI_MODE_LONG: return SM_MODE_LONG;
  case SM_ABI_PROJ_PCA: return SM_PROJ_PCA;
  case SM_ABI_PROJ_UMAP: return SM_PROJ_UMAP;
  case SM_ABI_PROJ_TSNE: return SM_PROJ_TSNE;
  case SM_ABI_METRIC_EUCLIDEAN: return SM_METRIC_EUCLIDEAN;
  case SM_ABI_METRIC_COSINE: return SM_METRIC_COSINE;
  case SM_ABI_KNN_AUTO: return SM_KNN_AUTO;
  case SM_ABI_KNN_EXACT: return SM_KNN_EXACT;
  case SM_ABI_KNN_APPROX: return SM_KNN_APPROX;
  case SM_ABI_MAP_OPTIONS_SIZE: return (int)sizeof(sm_map_options);
  case SM_ABI_OFF_PROJECTION: return (int)offsetof(sm_map_options, projection);
  case SM_ABI_OFF_DIMS: return (int)offsetof(sm_map_options, dims);
  case SM_ABI_OFF_SEED: return (int)offsetof(sm_map_options, seed);
  case SM_ABI_OFF_METRIC: return (int)offsetof(sm_map_options, metric);
  case SM_ABI_OFF_N_NEIGHBORS: return (int)offsetof(sm_map_options, n_neighbors);
  case SM_ABI_OFF_MIN_DIST: return (int)offsetof(sm_map_options, min_dist);
  case SM_ABI_OFF_SPREAD: return (int)offsetof(sm_map_options, spread);
  case SM_ABI_OFF_PERPLEXITY: return (int)offsetof(sm_map_options, perplexity);
  case SM_ABI_OFF_ITERATIONS: return (int)offsetof(sm_map_options, iterations);
  case SM_ABI_OFF_PCA_DIMS: return (int)offsetof(sm_map_options, pca_dims);
  case SM_ABI_OFF_KNN: return (int)offsetof(sm_map_options, knn);
  case SM_ABI_OFF_CLUSTERS: return (int)offsetof(sm_map_options, clusters);
  case SM_ABI_OFF_SPHERICAL: return (int)offsetof(sm_map_options, spherical);
  case SM_ABI_OFF_STANDARDIZE: return (int)offsetof(sm_map_options, standardize);
  case SM_ABI_DECODER_UNKNOWN: return SM_DECODER_UNKNOWN;
  case SM_ABI_DECODER_ENGINE: return SM_DECODER_ENGINE;
  case SM_ABI_DECODER_BROWSER_MPEG: return SM_DECODER_BROWSER_MPEG;
  case SM_ABI_DECODER_BROWSER_AAC: return SM_DECODER_BROWSER_AAC;
  case SM_ABI_DECODER_BROWSER_OPUS: return SM_DECODER_BROWSER_OPUS;
  case SM_ABI_DECODER_BROWSER: return SM_DECODER_BROWSER;
  case SM_ABI_DECODER_NONE: return SM_DECODER_NONE;
  case SM_ABI_MODE_ONSET: return SM_MODE_ONSET;
  case SM_ABI_MODE_BLEND: return SM_MODE_BLEND;
  case SM_ABI_NTIMBRE: return SM_NTIMBRE;
  default: return -1;
  }
}
