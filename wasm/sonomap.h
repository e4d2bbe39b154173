/* sonomap.h — the engine's public API.
 *
 * Everything the page's workers, the Node CLI and the native tests call stands on this one
 * header. No function here knows whether it runs in a browser, under Node or natively.
 * Errors are returned to the caller with a reason, never printed and never fatal.
 *
 * Memory: objects returned by *_new / sm_analyze_* are owned by the caller and released with
 * the matching *_free. Pointers returned by accessors stay valid until that object is freed.
 * Buffers returned through an out-length (sm_wav_encode, sm_sprite_encode) are released with
 * sm_free.
 *
 * Usage: a long recording, one point every 0.48 s, laid out by a model's embeddings. Each call
 * that can fail says why: err, sm_analysis_error, sm_map_error.
 *
 *   char err[256];
 *   sm_model *model = sm_model_load(model_bytes, model_len, err, sizeof err);
 *   sm_analysis *a = sm_analyze_file(file_bytes, file_len, SM_MODE_LONG);
 *   if (!model || !a || sm_analysis_error(a)) return -1;
 *   int n = sm_analysis_segments(a), d = sm_model_embedding_size(model);
 *   float *emb = malloc((size_t)n * d * sizeof *emb);
 *   for (int i = 0; i < n; i++)  // one 96 x 64 log-mel patch per segment
 *     sm_model_embed(model, sm_segment_logmel(a, i), 1, emb + (size_t)i * d, NULL);
 *   sm_map *map = sm_map_new(emb, n, d, SM_PROJ_UMAP, 2, 42, err, sizeof err);
 *   while (map && sm_map_step(map, 50) > 0)
 *     draw(sm_map_layout(map), n);  // n x 2 floats, better after every step
 *   sm_map_free(map); free(emb); sm_analysis_free(a); sm_model_free(model);
 */
#ifndef SONOMAP_H
#define SONOMAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __EMSCRIPTEN__
#define SM_API __attribute__((used, visibility("default")))
#else
#define SM_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Facts of the YAMNet frontend (docs/ARCHITECTURE.md, "Facts the engine matches") ---- */
#define SM_RATE 16000          /* analysis sample rate, Hz */
#define SM_WIN 400             /* STFT window, samples (25 ms) */
#define SM_HOP 160             /* STFT hop, samples (10 ms) */
#define SM_NFFT 512            /* FFT length */
#define SM_NBINS 257           /* SM_NFFT / 2 + 1 */
#define SM_NMEL 64             /* mel bands, 125..7500 Hz, HTK */
#define SM_PATCH_FRAMES 96     /* frames per patch (0.96 s) */
#define SM_PATCH_HOP_FRAMES 48 /* patch hop (0.48 s) */
#define SM_PATCH_SAMPLES 15600 /* samples giving exactly one patch (0.975 s) */
#define SM_FP 32               /* fingerprint is SM_FP x SM_FP */
#define SM_NDESC 6             /* descriptors per segment, see enum sm_descriptor */
#define SM_NMFCC 20            /* MFCCs per frame in the timbre feature */
#define SM_NTIMBRE 40          /* timbre: SM_NMFCC means, then SM_NMFCC deviations */

enum sm_mode {
  SM_MODE_CLIP = 0,  /* one segment per file: 0.96 s centred on the peak |amplitude| */
  SM_MODE_WHOLE = 1, /* one segment per file: features averaged over the whole clip */
  SM_MODE_LONG = 2,  /* 0.96 s windows every 0.48 s over the whole recording */
  SM_MODE_ONSET = 3, /* one segment per file: 0.96 s from 50 ms before the onset (the first
                        10 ms whose energy comes within 20 dB of the clip's loudest) */
  SM_MODE_BLEND = 4  /* one segment per file: half the onset window, half the whole clip's
                        mean (patch 0 is the onset window, weight 1/2; patches 1.. are the
                        whole-mode patches, weight 1 / (2 x their count)) */
};

enum sm_descriptor {
  SM_DESC_CENTROID = 0,  /* spectral centroid, Hz */
  SM_DESC_ROLLOFF = 1,   /* 85 % spectral roll-off, Hz */
  SM_DESC_BANDWIDTH = 2, /* spectral bandwidth (spread around the centroid), Hz */
  SM_DESC_RMS = 3,       /* RMS amplitude of the segment, linear */
  SM_DESC_ZCR = 4,       /* zero-crossing rate, crossings per sample */
  SM_DESC_DURATION = 5   /* duration of the source clip (whole file), s */
};

/* ---- Analysis: file bytes or PCM in, segments with features out ---- */
typedef struct sm_analysis sm_analysis;

/* Decode an encoded file (WAV, AIFF/AIFC, FLAC, Ogg Vorbis), down-mix, resample to 16 kHz,
 * segment (mode: enum sm_mode) and compute features. Never returns NULL except when out of memory;
 * check sm_analysis_error(). Samples that are NaN, infinite or beyond +-1e6 (float formats hold
 * [-1, 1]) fail the analysis with a reason naming the first one. */
SM_API sm_analysis *sm_analyze_file(const uint8_t *bytes, size_t len, int mode);
/* Only the first half of sm_analyze_file: decode, down-mix and resample to 16 kHz (the signal
 * through sm_analysis_audio, no segments); what benchmarks time against a browser's decoder. */
SM_API sm_analysis *sm_decode_file(const uint8_t *bytes, size_t len);
/* Same, for PCM decoded elsewhere (interleaved float32, any rate and channel count). */
SM_API sm_analysis *sm_analyze_pcm(const float *interleaved, size_t frames, int channels,
                                   double rate, int mode);
/* NULL when the analysis succeeded, else a one-line reason ("FLAC: frame CRC mismatch ..."). */
SM_API const char *sm_analysis_error(const sm_analysis *a);
/* Name of the detected container/codec ("wav", "aiff", "flac", "ogg", "pcm"). */
SM_API const char *sm_analysis_format(const sm_analysis *a);
SM_API double sm_analysis_source_rate(const sm_analysis *a);
SM_API int sm_analysis_source_channels(const sm_analysis *a);
SM_API double sm_analysis_duration(const sm_analysis *a); /* seconds */
/* The whole signal, mono, 16 kHz (what spriteclips are cut from). */
SM_API const float *sm_analysis_audio(const sm_analysis *a);
SM_API size_t sm_analysis_audio_length(const sm_analysis *a);
SM_API int sm_analysis_segments(const sm_analysis *a);
SM_API double sm_segment_start(const sm_analysis *a, int i);             /* s, into the signal */
SM_API double sm_segment_length(const sm_analysis *a, int i);            /* s */
SM_API const float *sm_segment_logmel(const sm_analysis *a, int i);      /* 96 x 64, frame-major */
SM_API const float *sm_segment_fingerprint(const sm_analysis *a, int i); /* 32 x 32 */
SM_API const float *sm_segment_descriptors(const sm_analysis *a, int i); /* SM_NDESC */
/* The 96 x 64 patches segment i's features stand for: 1 in clip, onset and long mode (its own
 * log-mel); in whole mode every patch of the clip (hop 48 frames), whose fingerprints the
 * segment's fingerprint averages: average their embeddings the same way; in blend mode the
 * onset window, then every patch of the clip (see sm_segment_patch_weight). */
SM_API int sm_segment_patches(const sm_analysis *a, int i);
SM_API const float *sm_segment_patch_logmel(const sm_analysis *a, int i, int p);
/* Weight of patch p in segment i's average (the weights sum to 1): 1 / sm_segment_patches in
 * clip, onset, whole and long mode; in blend mode 1/2 for patch 0 (the onset window) and
 * 1 / (2 (patches - 1)) for the others. A caller's embedding is sum_p weight_p emb(patch p);
 * the fingerprint and timbre are already averaged this way. 0 for a bad index. */
SM_API double sm_segment_patch_weight(const sm_analysis *a, int i, int p);
/* Timbre of segment i (SM_NTIMBRE): mean and standard deviation over its frames of the first
 * SM_NMFCC coefficients of the orthonormal DCT-II of each 64-band log-mel frame (MFCCs), frames
 * whose first sample lies inside the signal: the segment's window in clip, onset and long mode,
 * the whole clip in whole mode, the average of onset and whole in blend mode. */
SM_API const float *sm_segment_timbre(const sm_analysis *a, int i);
SM_API void sm_analysis_free(sm_analysis *a);

/* ---- Projection: feature rows in, 2-D / 3-D layout out, advanced in steps ---- */
enum sm_projection { SM_PROJ_PCA = 0, SM_PROJ_UMAP = 1, SM_PROJ_TSNE = 2 };
enum sm_metric { SM_METRIC_EUCLIDEAN = 0, SM_METRIC_COSINE = 1 };
enum sm_knn_method { SM_KNN_AUTO = 0, SM_KNN_EXACT = 1, SM_KNN_APPROX = 2 };

/* Options of a map. Every field is 4 bytes, in this order (JS may fill it in place); start
 * from sm_map_options_init, which sets the defaults in brackets. */
typedef struct sm_map_options {
  int32_t projection;  /* enum sm_projection [SM_PROJ_UMAP] */
  int32_t dims;        /* 2 or 3 [2] */
  uint32_t seed;       /* [42]; same input, options and seed give a bit-identical layout */
  int32_t metric;      /* enum sm_metric [SM_METRIC_EUCLIDEAN]; cosine works on L2-normalised
                          rows after standardisation and PCA */
  int32_t n_neighbors; /* UMAP neighbourhood, counting the point itself as umap-learn [15] */
  float min_dist;      /* UMAP [0.1] */
  float spread;        /* UMAP [1.0] */
  float perplexity;    /* t-SNE [30]; lowered to (n - 1) / 3 for small n */
  int32_t iterations;  /* UMAP epochs / t-SNE iterations; 0: UMAP 500 up to 10,000 rows, else
                          200; t-SNE 1000 [0] */
  int32_t pca_dims;    /* PCA preprocessing to this many components when d is larger [50] */
  int32_t knn;         /* enum sm_knn_method [SM_KNN_AUTO: exact up to 8,000 rows (10,000
                          when k > 30), NN-descent beyond] */
  int32_t clusters;    /* k-means clusters computed with the map, 0: none [0] */
  int32_t spherical;   /* clusters by spherical k-means (cosine) [0] */
  int32_t standardize; /* 1: each column to zero mean and unit deviation (constant columns to
                          zero) before PCA and kNN; 0: columns as given [1] */
} sm_map_options;

typedef struct sm_map sm_map;

SM_API void sm_map_options_init(sm_map_options *o);
/* X is n x d row-major. Rows holding NaN/Inf are left out (sm_map_excluded); columns are
 * standardised (constant columns get zero weight) unless o->standardize is 0; d > pca_dims is
 * reduced by PCA (axes fitted on max(5,000, n / 5) sampled rows, at most 20,000, every row
 * projected); then the projection runs in steps. The map starts as the PCA layout of the
 * rows (visible at once); the neighbour graph of UMAP / t-SNE is built afterwards, in bounded
 * chunks, by sm_map_prepare (or by the first sm_map_step). Returns NULL with a reason in err
 * (errlen bytes) only when nothing can be mapped (no rows, no finite rows, bad options, out of
 * memory). */
SM_API sm_map *sm_map_new_with(const float *X, int n, int d, const sm_map_options *o, char *err,
                               size_t errlen);
/* The same with default options but these three. */
SM_API sm_map *sm_map_new(const float *X, int n, int d, int projection, int dims, uint32_t seed,
                          char *err, size_t errlen);
/* One bounded chunk of the setup (a part of the neighbour search, then the graph); returns
 * the chunks still to do (0: ready to step), or -1 on failure (sm_map_error). The layout stays
 * the PCA one meanwhile. */
SM_API int sm_map_prepare(sm_map *m);
SM_API int sm_map_prepare_total(const sm_map *m); /* chunks of the whole setup */
/* What the map is doing: "neighbours", "graph", "layout" (iterating) or "done". */
SM_API const char *sm_map_stage(const sm_map *m);
/* Advance by up to `work` iterations (finishing the setup first if needed); returns the
 * iterations still to do (0 when done), or -1 on failure (sm_map_error; the layout stays the
 * last valid one). */
SM_API int sm_map_step(sm_map *m, int work);
SM_API int sm_map_total_steps(const sm_map *m);
/* Current layout, n x dims, row-major, row i = input row i (NaN for excluded rows); valid
 * between steps (progressive display). */
SM_API const float *sm_map_layout(const sm_map *m);
SM_API int sm_map_rows(const sm_map *m); /* n */
SM_API int sm_map_dims(const sm_map *m);
/* Input rows left out for NaN/Inf values: how many, and their indices (ascending). */
SM_API int sm_map_excluded_count(const sm_map *m);
SM_API const int *sm_map_excluded(const sm_map *m);
/* NULL, or why the last step failed. */
SM_API const char *sm_map_error(const sm_map *m);
/* k-means (spherical: cosine) on the preprocessed rows, k-means++ seeded with the map's seed.
 * Returns 0, or -1 (sm_map_error). */
SM_API int sm_map_cluster(sm_map *m, int k, int spherical);
/* n cluster labels 0..k-1 (-1 for excluded rows), or NULL when no clustering was asked. */
SM_API const int *sm_map_clusters(const sm_map *m);
SM_API int sm_map_cluster_count(const sm_map *m);
/* Trustworthiness and continuity at k of the current layout against the preprocessed rows
 * (standardised, PCA-reduced), summed over up to `queries` sampled rows (<= 0: all).
 * Returns 0, or -1 when out of memory. */
SM_API int sm_map_quality(const sm_map *m, int k, int queries, double *trust, double *cont);
/* 1-NN label accuracy in the current layout; labels: n, < 0 for unlabelled rows. NaN when
 * fewer than two mapped rows are labelled. */
SM_API double sm_map_label_accuracy(const sm_map *m, const int *labels, int queries);
/* Places n more rows X (n x d, d as the rows the map was made of) in the map's current layout
 * without moving it: maps of many rows fitted on a sample, the rest placed block by block (the
 * whole input need never be in memory at once). Each row goes through the map's own
 * standardization, PCA and metric; UMAP / t-SNE maps then start it at the weighted mean of its
 * n_neighbors nearest mapped rows (exact search, UMAP's fuzzy strengths) and refine it for
 * `epochs` epochs of SGD that move only it (attraction to those neighbours, negative samples
 * from the mapped rows; t-SNE maps with the Student-t kernel; epochs < 0: 100, 0: the mean
 * only), as umap-learn's transform. PCA maps project it on their axes. first: the number of
 * X's first row among all rows placed (each row has its own seeded stream, so any split into
 * blocks gives the same places). out: n x dims, NaN for rows holding NaN / Inf. Finishes the
 * setup first (sm_map_prepare). Returns 0, or -1 (sm_map_error). */
SM_API int sm_map_place(sm_map *m, const float *X, int n, int d, int first, int epochs, float *out);
SM_API void sm_map_free(sm_map *m);
/* Trustworthiness and continuity at k of any layout Y (n x dims) against rows X (n x d) as
 * given (euclidean, no preprocessing), over up to `queries` rows sampled with `seed` (<= 0:
 * all): what a benchmark needs to rate another tool's layout and sonomap's on the same data.
 * Returns 0, or -1 (bad arguments, out of memory). */
SM_API int sm_layout_quality(const float *X, int n, int d, const float *Y, int dims, int k,
                             int queries, uint32_t seed, double *trust, double *cont);

/* Grid layout: assign n points (x, y at xy[i * stride], xy[i * stride + 1]) to distinct cells of
 * a cols x rows grid (cols * rows >= n), keeping neighbours together: exact linear assignment
 * of the normalised cloud to the cell centres (least total squared distance) up to
 * SM_GRID_EXACT_MAX points; beyond that a recursive balanced split into leaves of 32 cells
 * solved exactly, then exact re-solves of windows of cells (strided ones move points far,
 * contiguous ones straddle the leaf borders), then swaps of adjacent cells: within 1 % of the
 * optimum on clustered clouds of 2,000-5,000 points (1.2 % on a UMAP map of 1,000 real clips,
 * 6 times faster than exact there; the exact solver grows about as n^2.5 and overtakes it near
 * 400 points). cell[i] = row * cols + col. Returns 0, or -1 with a reason. */
#define SM_GRID_EXACT_MAX 400
SM_API int sm_grid_assign(const float *xy, int n, int stride, int cols, int rows, int *cell,
                          char *err, size_t errlen);

/* ---- Model: YAMNet-style embeddings and class scores (wasm/nn/, models/FORMAT.md) ---- */
typedef struct sm_model sm_model;

/* Load a model from file bytes: a YAMNet-family classification .tflite (int8 or float; its
 * body from the first convolution on is imported and dequantized to f32) or sonomap's own
 * SMNN format. The bytes may be freed afterwards. NULL with a one-line reason in err. */
SM_API sm_model *sm_model_load(const uint8_t *bytes, size_t len, char *err, size_t errlen);
/* n patches (each frames x bands, frame-major, as sm_segment_logmel gives them) ->
 * emb (n x sm_model_embedding_size) and, if scores is not NULL, class scores in [0, 1]
 * (n x sm_model_classes). Patches are batched internally. Returns 0, or -1 (bad arguments,
 * out of memory). */
SM_API int sm_model_embed(sm_model *m, const float *patches, int n, float *emb, float *scores);
SM_API int sm_model_input_frames(const sm_model *m);   /* 96 for YAMNet */
SM_API int sm_model_input_bands(const sm_model *m);    /* 64 for YAMNet */
SM_API int sm_model_embedding_size(const sm_model *m); /* 1024 for YAMNet */
SM_API int sm_model_classes(const sm_model *m);        /* 521 for YAMNet, 0 if none */
/* Class name i when the file carries names (the .tflite's label list), else "". */
SM_API const char *sm_model_class_name(const sm_model *m, int i);
SM_API const char *sm_model_kind(const sm_model *m); /* "tflite" or "smnn" */
SM_API double sm_model_macs(const sm_model *m);      /* multiply-adds per patch */
SM_API void sm_model_free(sm_model *m);

/* ---- Outputs ---- */
/* Colour-map one log-mel patch (frames x bands) into a w x h RGBA tile, low bands at the bottom. */
SM_API void sm_logmel_tile(const float *logmel, int frames, int bands, int w, int h, uint8_t *rgba);
/* Sprite sheet of n tiles (tile x tile px each) in a square grid; returns PNG (quality 0) or
 * JPEG (quality 1..100) bytes, sets *len and *cols. tiles_rgba is n x tile x tile x 4. */
SM_API uint8_t *sm_sprite_encode(const uint8_t *tiles_rgba, int n, int tile, int quality,
                                 size_t *len, int *cols);
/* 16-bit PCM mono WAV of x (clipped to [-1, 1]). */
SM_API uint8_t *sm_wav_encode(const float *x, size_t n, int rate, size_t *len);
/* The same samples as a FLAC stream (16-bit mono, lossless for what the WAV would hold). */
SM_API uint8_t *sm_flac_encode(const float *x, size_t n, int rate, size_t *len);
SM_API void *sm_malloc(size_t n);
SM_API void sm_free(void *p);

/* ---- Contracts with the JavaScript binding (web/core/engine.js) ----
 * Which decoder a file needs, and the constants and struct layout the binding would otherwise
 * copy by hand: the binding reads them at load instead, and refuses an engine it does not fit. */

/* Who decodes a file, from its first bytes (and, for Ogg Vorbis, its setup header). */
enum sm_decoder_kind {
  SM_DECODER_UNKNOWN = 0,      /* not recognised as audio */
  SM_DECODER_ENGINE = 1,       /* WAV, AIFF/AIFC, FLAC, Ogg Vorbis: sm_analyze_file reads it */
  SM_DECODER_BROWSER_MPEG = 2, /* MPEG-1/2/2.5 audio (an ID3v2 tag first or not); WebCodecs
                                  decodes layer III as "mp3" */
  SM_DECODER_BROWSER_AAC = 3,  /* AAC in ADTS frames (WebCodecs "mp4a.40.2") */
  SM_DECODER_BROWSER_OPUS = 4, /* Opus in Ogg (WebCodecs "opus") */
  SM_DECODER_BROWSER = 5,      /* M4A/MP4, WebM, and Ogg Vorbis with a channel mapping the
                                  bundled decoder gets wrong (5.1): the browser's own decoder */
  SM_DECODER_NONE = 6          /* recognised, decoded by neither (Ogg FLAC, CAF, MIDI, ...) */
};
/* An enum sm_decoder_kind for the encoded file bytes[0..len). Every kind from
 * SM_DECODER_BROWSER_MPEG to SM_DECODER_BROWSER is one sm_analyze_file refuses and a browser
 * may decode; the PCM then goes through sm_analyze_pcm. */
SM_API int sm_decoder_for(const uint8_t *bytes, size_t len);

/* Facts of this build, by id (enum sm_abi_id); -1 for an id it does not know. */
enum sm_abi_id {
  SM_ABI_VERSION = 0,      /* this list's version: 1 */
  SM_ABI_RATE = 1,         /* SM_RATE */
  SM_ABI_PATCH_FRAMES = 2, /* SM_PATCH_FRAMES */
  SM_ABI_PATCH_BANDS = 3,  /* SM_NMEL */
  SM_ABI_FP = 4,           /* SM_FP */
  SM_ABI_NDESC = 5,        /* SM_NDESC */
  SM_ABI_MODE_CLIP = 6,    /* enum sm_mode values */
  SM_ABI_MODE_WHOLE = 7,
  SM_ABI_MODE_LONG = 8,
  SM_ABI_PROJ_PCA = 9, /* enum sm_projection values */
  SM_ABI_PROJ_UMAP = 10,
  SM_ABI_PROJ_TSNE = 11,
  SM_ABI_METRIC_EUCLIDEAN = 12, /* enum sm_metric values */
  SM_ABI_METRIC_COSINE = 13,
  SM_ABI_KNN_AUTO = 14, /* enum sm_knn_method values */
  SM_ABI_KNN_EXACT = 15,
  SM_ABI_KNN_APPROX = 16,
  SM_ABI_MAP_OPTIONS_SIZE = 17, /* sizeof(sm_map_options) */
  /* offsetof(sm_map_options, field), in the struct's order */
  SM_ABI_OFF_PROJECTION = 18,
  SM_ABI_OFF_DIMS = 19,
  SM_ABI_OFF_SEED = 20,
  SM_ABI_OFF_METRIC = 21,
  SM_ABI_OFF_N_NEIGHBORS = 22,
  SM_ABI_OFF_MIN_DIST = 23,
  SM_ABI_OFF_SPREAD = 24,
  SM_ABI_OFF_PERPLEXITY = 25,
  SM_ABI_OFF_ITERATIONS = 26,
  SM_ABI_OFF_PCA_DIMS = 27,
  SM_ABI_OFF_KNN = 28,
  SM_ABI_OFF_CLUSTERS = 29,
  SM_ABI_OFF_SPHERICAL = 30,
  SM_ABI_OFF_STANDARDIZE = 31,
  SM_ABI_DECODER_UNKNOWN = 32, /* enum sm_decoder_kind values */
  SM_ABI_DECODER_ENGINE = 33,
  SM_ABI_DECODER_BROWSER_MPEG = 34,
  SM_ABI_DECODER_BROWSER_AAC = 35,
  SM_ABI_DECODER_BROWSER_OPUS = 36,
  SM_ABI_DECODER_BROWSER = 37,
  SM_ABI_DECODER_NONE = 38,
  SM_ABI_MODE_ONSET = 39, /* enum sm_mode values added later */
  SM_ABI_MODE_BLEND = 40,
  SM_ABI_NTIMBRE = 41, /* SM_NTIMBRE */
  SM_ABI_COUNT = 42    /* ids are 0 .. SM_ABI_COUNT - 1 */
};
SM_API int sm_abi(int id);

#ifdef __cplusplus
}
#endif
#endif
