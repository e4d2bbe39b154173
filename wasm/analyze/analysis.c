/* analysis.c — the analysis section of sonomap.h: decode (or take PCM), down-mix, resample to
 * 16 kHz in blocks, then segment and compute log-mel patches, fingerprints, descriptors and
 * timbre (MFCC statistics).
 *
 * Memory: the full-rate input is never held (files are decoded in blocks of ANALYSIS_BLOCK
 * frames); what stays is the 16 kHz signal, its log-mel spectrogram in long/whole mode (64
 * floats per 160 samples, 0.4 x the signal), and per segment a fingerprint and descriptors.
 * Magnitude spectra are reduced on the fly to per-segment means. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/descriptors.h"
#include "analyze/fingerprint.h"
#include "analyze/segment.h"
#include "analyze/timbre.h"
#include "decode/decode.h"
#include "dsp/frontend.h"
#include "dsp/resample.h"
#include "sonomap.h"

#define ANALYSIS_BLOCK 4096 /* frames per decode / down-mix block */
#define ANALYSIS_MAX_CHANNELS 65535
#define ANALYSIS_RESERVE_MAX (1u << 22) /* samples reserved up front from a header's claim */
#define ANALYSIS_MAX_SAMPLES (1u << 30) /* longest 16 kHz signal: 18.6 h, 4 GiB */
#define ANALYSIS_MAX_AMPLITUDE 1e6f     /* larger |sample| values are refused */
#define PATCH (SM_PATCH_FRAMES * SM_NMEL)

typedef struct {
  double start, length; /* seconds, clamped to the signal */
  const float *logmel;  /* 96 x 64, into the analysis' own buffers */
  const float *head;    /* blend mode: patch 0 (the onset window), else NULL */
  const float *patches; /* whole mode: the patches averaged over (frames 48 p ...) */
  int npatch;           /* head (if any) + patches */
  float fp[SM_FP * SM_FP];
  float desc[SM_NDESC];
  float timbre[SM_NTIMBRE];
} segment;

struct sm_analysis {
  char error[256];
  char format[16];
  double source_rate, duration;
  int channels;
  float *audio; /* 16 kHz mono */
  size_t n, cap;
  int nseg;
  segment *seg;
  float *spec;       /* log-mel: clip mode 96 x 64, long/whole frames x 64 */
  float *peak_patch; /* whole mode: the peak-centred patch; blend: the onset window */
  ana_timbre_basis dct;
};

static void fail(sm_analysis *a, const char *fmt, ...) {
  if (a->error[0])
    return; /* keep the first reason */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->error, sizeof a->error, fmt, ap);
  va_end(ap);
  if (!a->error[0])
    snprintf(a->error, sizeof a->error, "analysis failed");
}

/* ---- Ingest: down-mix, check, resample, append ---- */

typedef struct {
  dsp_resampler *rs;
  float *mono, *out;
  size_t out_cap;
  uint64_t frames_in; /* source frames consumed */
} ingest;

static int reserve(sm_analysis *a, size_t extra) {
  if (a->n + extra <= a->cap)
    return 0;
  size_t want = a->cap ? a->cap + a->cap / 2 : 65536;
  if (want < a->n + extra)
    want = a->n + extra;
  if (want > SIZE_MAX / sizeof(float))
    return -1;
  float *p = realloc(a->audio, want * sizeof(float));
  if (!p)
    return -1;
  a->audio = p;
  a->cap = want;
  return 0;
}

static int ingest_open(sm_analysis *a, ingest *g, double rate, int channels, int64_t frames) {
  memset(g, 0, sizeof *g);
  if (!(rate >= 1.0 && rate <= 768000.0)) {
    fail(a, "unsupported sample rate %g Hz (1..768000)", rate);
    return -1;
  }
  if (channels < 1 || channels > ANALYSIS_MAX_CHANNELS) {
    fail(a, "unsupported channel count %d", channels);
    return -1;
  }
  char err[160];
  g->rs = dsp_resampler_new(rate, SM_RATE, err, sizeof err);
  if (!g->rs) {
    fail(a, "%s", err);
    return -1;
  }
  g->out_cap = dsp_resampler_max_out(g->rs, ANALYSIS_BLOCK);
  g->mono = malloc(ANALYSIS_BLOCK * sizeof(float));
  g->out = malloc(g->out_cap * sizeof(float));
  if (!g->mono || !g->out) {
    fail(a, "out of memory");
    return -1;
  }
  if (frames > 0) {
    uint64_t expect = dsp_resampler_out_length(g->rs, (uint64_t)frames);
    if (expect > ANALYSIS_MAX_SAMPLES) {
      fail(a, "recording too long: %.1f h (at most %.1f h)", expect / (3600.0 * SM_RATE),
           ANALYSIS_MAX_SAMPLES / (3600.0 * SM_RATE));
      return -1;
    }
    if (expect > ANALYSIS_RESERVE_MAX)
      expect = ANALYSIS_RESERVE_MAX;
    if (reserve(a, (size_t)expect)) {
      fail(a, "out of memory");
      return -1;
    }
  }
  return 0;
}

static void ingest_close(ingest *g) {
  dsp_resampler_free(g->rs);
  free(g->mono);
  free(g->out);
}

static int append(sm_analysis *a, const float *y, size_t m) {
  if (m == 0)
    return 0;
  if (a->n + m > ANALYSIS_MAX_SAMPLES) {
    fail(a, "recording too long (over %.1f h)", ANALYSIS_MAX_SAMPLES / (3600.0 * SM_RATE));
    return -1;
  }
  if (reserve(a, m)) {
    fail(a, "out of memory (%zu samples at 16 kHz)", a->n + m);
    return -1;
  }
  memcpy(a->audio + a->n, y, m * sizeof(float));
  a->n += m;
  return 0;
}

/* frames (<= ANALYSIS_BLOCK) interleaved frames of ch channels. */
static int ingest_block(sm_analysis *a, ingest *g, const float *x, size_t frames, int ch,
                        double rate) {
  const float inv = 1.0f / (float)ch;
  for (size_t i = 0; i < frames; i++) {
    const float *f = x + i * (size_t)ch;
    float s = 0.0f;
    for (int c = 0; c < ch; c++) {
      if (!isfinite(f[c])) {
        uint64_t at = g->frames_in + i;
        fail(a, "%s sample at %.6f s (frame %llu, channel %d)", isnan(f[c]) ? "NaN" : "infinite",
             (double)at / rate, (unsigned long long)at, c + 1);
        return -1;
      }
      /* float formats hold [-1, 1] (some tools write the 16-bit range); far larger values
       * are garbage whose squares overflow the features' float sums to Inf and NaN */
      if (fabsf(f[c]) > ANALYSIS_MAX_AMPLITUDE) {
        uint64_t at = g->frames_in + i;
        fail(a, "sample value %.3g at %.6f s (frame %llu, channel %d) is out of range (|x| > %g)",
             (double)f[c], (double)at / rate, (unsigned long long)at, c + 1,
             (double)ANALYSIS_MAX_AMPLITUDE);
        return -1;
      }
      s += f[c];
    }
    g->mono[i] = ch == 1 ? s : s * inv;
  }
  g->frames_in += frames;
  size_t m = dsp_resampler_process(g->rs, g->mono, frames, g->out);
  return append(a, g->out, m);
}

static int ingest_finish(sm_analysis *a, ingest *g) {
  size_t need = dsp_resampler_max_out(g->rs, 0);
  if (need > g->out_cap) {
    float *p = realloc(g->out, need * sizeof(float));
    if (!p) {
      fail(a, "out of memory");
      return -1;
    }
    g->out = p;
    g->out_cap = need;
  }
  size_t m = dsp_resampler_finish(g->rs, g->out);
  return append(a, g->out, m);
}

/* ---- Features ---- */

static void add_mag(double *acc, const float *mag) {
  for (int k = 0; k < SM_NBINS; k++)
    acc[k] += mag[k];
}

/* Timbre of a 96-frame window starting at sample start: its frames whose first sample lies
 * inside the signal (all of them if none does). */
static void window_timbre(const sm_analysis *a, int64_t start, const float *patch, float *out) {
  ana_timbre_acc t = {0};
  double c[SM_NMFCC];
  for (int pass = 0; pass < 2 && t.frames == 0; pass++)
    for (int f = 0; f < SM_PATCH_FRAMES; f++) {
      int64_t s0 = start + (int64_t)f * SM_HOP;
      if (pass == 0 && (s0 < 0 || s0 >= (int64_t)a->n))
        continue;
      ana_mfcc(&a->dct, patch + f * SM_NMEL, c);
      ana_timbre_add(&t, c);
    }
  ana_timbre_finish(&t, out);
}

/* Log-mel of the 96 frames of the window starting at sample start (zero-padded), into patch;
 * the sum of its magnitude spectra into acc (if not NULL). */
static int window_patch(dsp_frontend *fe, const float *x, size_t n, int64_t start, float *patch,
                        double *acc) {
  float *buf = malloc(SM_PATCH_SAMPLES * sizeof(float));
  if (!buf)
    return -1;
  ana_copy_padded(x, n, start, SM_PATCH_SAMPLES, buf);
  float mag[SM_NBINS];
  for (int t = 0; t < SM_PATCH_FRAMES; t++) {
    dsp_frontend_frame(fe, buf + t * SM_HOP, mag, patch + t * SM_NMEL);
    if (acc)
      add_mag(acc, mag);
  }
  free(buf);
  return 0;
}

static void time_descriptors(const sm_analysis *a, segment *s, size_t lo, size_t count) {
  s->desc[SM_DESC_RMS] = (float)ana_rms(a->audio + lo, count);
  s->desc[SM_DESC_ZCR] = (float)ana_zcr(a->audio + lo, count);
  s->desc[SM_DESC_DURATION] = (float)a->duration;
  s->start = (double)lo / SM_RATE;
  s->length = (double)count / SM_RATE;
}

static void spectral(segment *s, double *acc, int frames) {
  for (int k = 0; k < SM_NBINS; k++)
    acc[k] /= frames;
  ana_spectral_descriptors(acc, s->desc);
}

/* Clip and onset modes: one window starting at sample start. */
static int analyze_clip(sm_analysis *a, dsp_frontend *fe, int64_t start) {
  a->spec = malloc(PATCH * sizeof(float));
  a->seg = calloc(1, sizeof(segment));
  if (!a->spec || !a->seg)
    return -1;
  a->nseg = 1;
  segment *s = a->seg;
  double acc[SM_NBINS] = {0};
  if (window_patch(fe, a->audio, a->n, start, a->spec, acc))
    return -1;
  window_timbre(a, start, a->spec, s->timbre);
  s->logmel = a->spec;
  s->patches = a->spec;
  s->npatch = 1;
  ana_fingerprint(s->logmel, s->fp);
  spectral(s, acc, SM_PATCH_FRAMES);
  size_t lo, count;
  ana_clamp_span(a->n, start, SM_PATCH_SAMPLES, &lo, &count);
  time_descriptors(a, s, lo, count);
  return 0;
}

/* Blend mode's segment: the whole-mode one (fingerprint, timbre, patches) averaged half and
 * half with the onset window's, the onset window as patch 0; descriptors stay the clip's. */
static int blend_onset(sm_analysis *a, dsp_frontend *fe, segment *s) {
  int64_t start = ana_onset_window_start(a->audio, a->n);
  float fp[SM_FP * SM_FP], tb[SM_NTIMBRE];
  if (window_patch(fe, a->audio, a->n, start, a->peak_patch, NULL))
    return -1;
  ana_fingerprint(a->peak_patch, fp);
  window_timbre(a, start, a->peak_patch, tb);
  for (int i = 0; i < SM_FP * SM_FP; i++)
    s->fp[i] = 0.5f * (s->fp[i] + fp[i]);
  for (int i = 0; i < SM_NTIMBRE; i++)
    s->timbre[i] = 0.5f * (s->timbre[i] + tb[i]);
  s->logmel = a->peak_patch;
  s->head = a->peak_patch;
  s->npatch++;
  return 0;
}

/* Long, whole and blend modes: the log-mel spectrogram of the YAMNet-padded signal, frame by
 * frame; magnitude sums and MFCC sums per 48-frame block give each window's mean spectrum and
 * timbre (window p = blocks p and p + 1). */
static int analyze_windows(sm_analysis *a, dsp_frontend *fe, int mode) {
  const int whole = mode != SM_MODE_LONG;
  size_t W = ana_long_windows(a->n);
  size_t frames = SM_PATCH_FRAMES + (W - 1) * SM_PATCH_HOP_FRAMES;
  size_t inside = (a->n + SM_HOP - 1) / SM_HOP; /* frames whose first sample is in the signal */
  ana_timbre_acc tprev = {0}, tcur = {0}, tall = {0};
  double c[SM_NMFCC];
  if (W > (size_t)INT32_MAX / 2 || frames > SIZE_MAX / (SM_NMEL * sizeof(float)))
    return -1;
  a->spec = malloc(frames * SM_NMEL * sizeof(float));
  a->nseg = whole ? 1 : (int)W;
  a->seg = calloc((size_t)a->nseg, sizeof(segment));
  double *prev = calloc(SM_NBINS, sizeof(double)), *cur = calloc(SM_NBINS, sizeof(double));
  double *all = calloc(SM_NBINS, sizeof(double));
  float *fp_sum_tmp = NULL;
  int rc = -1;
  if (!a->spec || !a->seg || !prev || !cur || !all)
    goto done;
  float frame[SM_WIN], mag[SM_NBINS];
  for (size_t t = 0; t < frames; t++) {
    size_t s0 = t * SM_HOP;
    const float *src;
    if (s0 + SM_WIN <= a->n) {
      src = a->audio + s0;
    } else {
      ana_copy_padded(a->audio, a->n, (int64_t)s0, SM_WIN, frame);
      src = frame;
    }
    dsp_frontend_frame(fe, src, mag, a->spec + t * SM_NMEL);
    add_mag(cur, mag);
    if (whole)
      add_mag(all, mag);
    if (t < inside) {
      ana_mfcc(&a->dct, a->spec + t * SM_NMEL, c);
      ana_timbre_add(whole ? &tall : &tcur, c);
    }
    if ((t + 1) % SM_PATCH_HOP_FRAMES == 0) {
      size_t b = t / SM_PATCH_HOP_FRAMES; /* block just completed */
      if (b >= 1 && !whole) {
        segment *s = &a->seg[b - 1];
        for (int k = 0; k < SM_NBINS; k++)
          prev[k] += cur[k];
        spectral(s, prev, SM_PATCH_FRAMES);
        ana_timbre_merge(&tprev, &tcur);
        ana_timbre_finish(&tprev, s->timbre);
      }
      tprev = tcur;
      memset(&tcur, 0, sizeof tcur);
      double *tmp = prev;
      prev = cur;
      cur = tmp;
      memset(cur, 0, SM_NBINS * sizeof(double));
    }
  }
  if (whole) {
    segment *s = &a->seg[0];
    a->peak_patch = malloc(PATCH * sizeof(float));
    fp_sum_tmp = calloc(SM_FP * SM_FP, sizeof(float));
    if (!a->peak_patch || !fp_sum_tmp)
      goto done;
    if (mode == SM_MODE_WHOLE &&
        window_patch(fe, a->audio, a->n, ana_clip_window_start(a->audio, a->n), a->peak_patch,
                     NULL))
      goto done;
    s->logmel = a->peak_patch;
    s->patches = a->spec;
    s->npatch = (int)W;
    double fsum[SM_FP * SM_FP] = {0};
    for (size_t p = 0; p < W; p++) {
      ana_fingerprint(a->spec + p * SM_PATCH_HOP_FRAMES * SM_NMEL, fp_sum_tmp);
      for (int i = 0; i < SM_FP * SM_FP; i++)
        fsum[i] += fp_sum_tmp[i];
    }
    for (int i = 0; i < SM_FP * SM_FP; i++)
      s->fp[i] = (float)(fsum[i] / (double)W);
    spectral(s, all, (int)frames);
    time_descriptors(a, s, 0, a->n);
    ana_timbre_finish(&tall, s->timbre);
    if (mode == SM_MODE_BLEND && blend_onset(a, fe, s))
      goto done;
  } else {
    for (size_t p = 0; p < W; p++) {
      segment *s = &a->seg[p];
      s->logmel = a->spec + p * SM_PATCH_HOP_FRAMES * SM_NMEL;
      s->patches = s->logmel;
      s->npatch = 1;
      ana_fingerprint(s->logmel, s->fp);
      size_t lo, count;
      ana_clamp_span(a->n, (int64_t)(p * ANA_PATCH_HOP_SAMPLES), SM_PATCH_SAMPLES, &lo, &count);
      time_descriptors(a, s, lo, count);
    }
  }
  rc = 0;
done:
  free(prev);
  free(cur);
  free(all);
  free(fp_sum_tmp);
  return rc;
}

static void features(sm_analysis *a, int mode) {
  if (a->n == 0) {
    fail(a, "no audio samples");
    return;
  }
  dsp_frontend *fe = dsp_frontend_new();
  int rc = -1;
  ana_timbre_basis_init(&a->dct);
  if (fe) {
    if (mode == SM_MODE_CLIP)
      rc = analyze_clip(a, fe, ana_clip_window_start(a->audio, a->n));
    else if (mode == SM_MODE_ONSET)
      rc = analyze_clip(a, fe, ana_onset_window_start(a->audio, a->n));
    else
      rc = analyze_windows(a, fe, mode);
  }
  dsp_frontend_free(fe);
  if (rc) {
    fail(a, "out of memory computing features");
    a->nseg = 0;
  }
}

static sm_analysis *new_analysis(int mode, const char *format) {
  sm_analysis *a = calloc(1, sizeof *a);
  if (!a)
    return NULL;
  snprintf(a->format, sizeof a->format, "%s", format);
  if (mode < SM_MODE_CLIP || mode > SM_MODE_BLEND)
    fail(a, "unknown analysis mode %d", mode);
  return a;
}

static void trim(sm_analysis *a) { /* give back the unused reserve */
  if (a->cap > a->n && a->n > 0) {
    float *p = realloc(a->audio, a->n * sizeof(float));
    if (p) {
      a->audio = p;
      a->cap = a->n;
    }
  }
}

sm_analysis *sm_analyze_pcm(const float *x, size_t frames, int channels, double rate, int mode) {
  sm_analysis *a = new_analysis(mode, "pcm");
  if (!a || a->error[0])
    return a;
  a->source_rate = rate;
  a->channels = channels;
  if (frames == 0) {
    fail(a, "no audio samples");
    return a;
  }
  if (!x) {
    fail(a, "no sample buffer");
    return a;
  }
  ingest g;
  if (ingest_open(a, &g, rate, channels, (int64_t)frames) == 0) {
    a->duration = (double)frames / rate;
    for (size_t i = 0; i < frames; i += ANALYSIS_BLOCK) {
      size_t b = frames - i < ANALYSIS_BLOCK ? frames - i : ANALYSIS_BLOCK;
      if (ingest_block(a, &g, x + i * (size_t)channels, b, channels, rate))
        break;
    }
    if (!a->error[0])
      ingest_finish(a, &g);
  }
  ingest_close(&g);
  if (!a->error[0]) {
    trim(a);
    features(a, mode);
  }
  return a;
}

/* decode, down-mix and resample the file into a->audio; the reason in a->error on failure */
static void decode_into(sm_analysis *a, const uint8_t *bytes, size_t len) {
  if (!bytes || len == 0) {
    fail(a, "empty file");
    return;
  }
  char err[256] = "";
  dec_decoder *d = dec_decoder_open(bytes, len, err, sizeof err);
  if (!d) {
    fail(a, "%s", err[0] ? err : "not a supported audio file");
    return;
  }
  snprintf(a->format, sizeof a->format, "%s", dec_decoder_format(d));
  a->source_rate = dec_decoder_rate(d);
  a->channels = dec_decoder_channels(d);
  ingest g;
  float *block = NULL;
  if (ingest_open(a, &g, a->source_rate, a->channels, dec_decoder_frames(d)) == 0) {
    /* Keep the interleaved block under 1 Mi floats whatever the channel count. */
    long max_frames = ANALYSIS_BLOCK;
    if ((size_t)max_frames * (size_t)a->channels > (1u << 20))
      max_frames = (long)((1u << 20) / (size_t)a->channels);
    if (max_frames < 1)
      max_frames = 1;
    block = malloc((size_t)max_frames * (size_t)a->channels * sizeof(float));
    if (!block)
      fail(a, "out of memory");
    while (!a->error[0]) {
      long got = dec_decoder_read(d, block, max_frames);
      if (got < 0) {
        const char *e = dec_decoder_error(d);
        fail(a, "%s", e && e[0] ? e : "decoding error");
        break;
      }
      if (got == 0)
        break;
      if (ingest_block(a, &g, block, (size_t)got, a->channels, a->source_rate))
        break;
    }
    if (!a->error[0]) {
      a->duration = (double)g.frames_in / a->source_rate;
      ingest_finish(a, &g);
    }
  }
  free(block);
  ingest_close(&g);
  dec_decoder_close(d);
}

sm_analysis *sm_analyze_file(const uint8_t *bytes, size_t len, int mode) {
  sm_analysis *a = new_analysis(mode, "");
  if (!a || a->error[0])
    return a;
  decode_into(a, bytes, len);
  if (!a->error[0]) {
    trim(a);
    features(a, mode);
  }
  return a;
}

sm_analysis *sm_decode_file(const uint8_t *bytes, size_t len) {
  sm_analysis *a = new_analysis(SM_MODE_CLIP, "");
  if (a && !a->error[0])
    decode_into(a, bytes, len);
  return a;
}

/* ---- Accessors ---- */

static const segment *seg_at(const sm_analysis *a, int i) {
  return a && !a->error[0] && i >= 0 && i < a->nseg ? &a->seg[i] : NULL;
}

const char *sm_analysis_error(const sm_analysis *a) {
  if (!a)
    return "out of memory";
  return a->error[0] ? a->error : NULL;
}
const char *sm_analysis_format(const sm_analysis *a) { return a ? a->format : ""; }
double sm_analysis_source_rate(const sm_analysis *a) { return a ? a->source_rate : 0.0; }
int sm_analysis_source_channels(const sm_analysis *a) { return a ? a->channels : 0; }
double sm_analysis_duration(const sm_analysis *a) { return a && !a->error[0] ? a->duration : 0.0; }
const float *sm_analysis_audio(const sm_analysis *a) { return a && !a->error[0] ? a->audio : NULL; }
size_t sm_analysis_audio_length(const sm_analysis *a) { return a && !a->error[0] ? a->n : 0; }
int sm_analysis_segments(const sm_analysis *a) { return a && !a->error[0] ? a->nseg : 0; }
double sm_segment_start(const sm_analysis *a, int i) {
  const segment *s = seg_at(a, i);
  return s ? s->start : 0.0;
}
double sm_segment_length(const sm_analysis *a, int i) {
  const segment *s = seg_at(a, i);
  return s ? s->length : 0.0;
}
const float *sm_segment_logmel(const sm_analysis *a, int i) {
  const segment *s = seg_at(a, i);
  return s ? s->logmel : NULL;
}
const float *sm_segment_fingerprint(const sm_analysis *a, int i) {
  const segment *s = seg_at(a, i);
  return s ? s->fp : NULL;
}
const float *sm_segment_descriptors(const sm_analysis *a, int i) {
  const segment *s = seg_at(a, i);
  return s ? s->desc : NULL;
}
int sm_segment_patches(const sm_analysis *a, int i) {
  const segment *s = seg_at(a, i);
  return s ? s->npatch : 0;
}
const float *sm_segment_patch_logmel(const sm_analysis *a, int i, int p) {
  const segment *s = seg_at(a, i);
  if (!s || p < 0 || p >= s->npatch)
    return NULL;
  if (s->head) {
    if (p == 0)
      return s->head;
    p--;
  }
  return s->patches + (size_t)p * SM_PATCH_HOP_FRAMES * SM_NMEL;
}
double sm_segment_patch_weight(const sm_analysis *a, int i, int p) {
  const segment *s = seg_at(a, i);
  if (!s || p < 0 || p >= s->npatch)
    return 0.0;
  if (!s->head)
    return 1.0 / s->npatch;
  return p == 0 ? 0.5 : 0.5 / (s->npatch - 1);
}
const float *sm_segment_timbre(const sm_analysis *a, int i) {
  const segment *s = seg_at(a, i);
  return s ? s->timbre : NULL;
}

void sm_analysis_free(sm_analysis *a) {
  if (!a)
    return;
  free(a->audio);
  free(a->seg);
  free(a->spec);
  free(a->peak_patch);
  free(a);
}
