/* frontend.h — the YAMNet log-mel frontend (docs/ARCHITECTURE.md, "Facts the engine matches").
 *
 * 16 kHz mono in. Frame t covers samples [160 t, 160 t + 400); there is no padding inside:
 * n samples give 1 + (n - 400) / 160 frames (0 when n < 400; the caller pads short signals to
 * SM_PATCH_SAMPLES as YAMNet does). Each frame is multiplied by a 400-point periodic Hann window
 * (0.5 - 0.5 cos(2 pi i / 400)), zero-padded to 512 and transformed with KissFFT's real FFT;
 * the magnitude of the 257 bins is projected onto 64 mel bands with the matrix that
 * tf.signal.linear_to_mel_weight_matrix(64, 257, 16000, 125, 7500) builds (HTK mel
 * 1127 ln(1 + f / 700); bin k at k * 8000 / 256 Hz; bin 0 (DC) weighted zero; band m is the
 * triangle in mel space between edges m, m + 1, m + 2 of 66 points equally spaced in mel from
 * mel(125) to mel(7500)); the output is ln(mel + 0.001).
 *
 * Plan once with dsp_frontend_new (it owns the FFT plan and scratch), run many times on
 * caller-owned buffers. Not thread-safe per object (scratch), but objects are independent. */
#ifndef DSP_FRONTEND_H
#define DSP_FRONTEND_H

#include <stddef.h>

#include "sonomap.h" /* SM_RATE, SM_WIN, SM_HOP, SM_NFFT, SM_NBINS, SM_NMEL, SM_PATCH_* */

#define DSP_LOG_OFFSET 0.001f
#define DSP_MEL_LO_HZ 125.0
#define DSP_MEL_HI_HZ 7500.0

typedef struct dsp_frontend dsp_frontend;

dsp_frontend *dsp_frontend_new(void); /* NULL when out of memory */
void dsp_frontend_free(dsp_frontend *f);

/* Frames for n samples: 1 + (n - SM_WIN) / SM_HOP, or 0 when n < SM_WIN. */
size_t dsp_frontend_frames(size_t n);

/* The mel weight matrix, SM_NBINS x SM_NMEL, bin-major (the layout TF returns). */
const float *dsp_frontend_mel_matrix(const dsp_frontend *f);

/* One frame: frame points at SM_WIN samples. mag (SM_NBINS) and/or logmel (SM_NMEL) may be NULL. */
void dsp_frontend_frame(dsp_frontend *f, const float *frame, float *mag, float *logmel);

/* A whole signal: writes dsp_frontend_frames(n) rows of logmel (frame-major, SM_NMEL each) and,
 * when mag is not NULL, of magnitudes (SM_NBINS each). Returns the number of frames. */
size_t dsp_frontend_run(dsp_frontend *f, const float *x, size_t n, float *logmel, float *mag);

/* Mel weight matrix computed on its own (SM_NBINS x SM_NMEL, bin-major). */
void dsp_mel_matrix(float *w);

#endif
