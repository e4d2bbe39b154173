/* segment.h — where the analysis windows go on the 16 kHz signal (docs/ARCHITECTURE.md, "Data
 * flow").
 *
 * Clip mode: one window of SM_PATCH_SAMPLES (15600) samples whose centre (sample 7800 of the
 *   window) is the first sample of largest |amplitude|; the parts before 0 or past the end are
 *   zeros.
 * Onset and blend modes: one window of 15600 samples starting ANA_ONSET_PREROLL samples (50 ms)
 *   before the clip's onset, and never before sample 0. The onset is the first 10 ms block
 *   (samples 160 k .. 160 k + 159) whose energy sum x^2 reaches ANA_ONSET_DB below the loudest
 *   block's: the rising edge of the clip's first loud event, so a note or a word whose loudest
 *   moment comes late, or a sound preceded by silence, is seen from its start (the peak-centred
 *   window puts up to half a window of silence or padding before a note's attack). A silent
 *   clip starts at 0.
 * Long and whole modes: windows of 15600 samples every ANA_PATCH_HOP_SAMPLES (7680, 0.48 s) from
 *   sample 0, as YAMNet pads a waveform: a signal of n <= 15600 samples gives one window, a
 *   longer one 1 + ceil((n - 15600) / 7680), the last one zero-padded. Since 7680 = 48 x 160,
 *   window p's 96 frames are frames 48 p .. 48 p + 95 of the padded signal. */
#ifndef ANA_SEGMENT_H
#define ANA_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "sonomap.h"

#define ANA_PATCH_HOP_SAMPLES (SM_PATCH_HOP_FRAMES * SM_HOP) /* 7680 */

/* First index of the largest |x[i]| (0 for n == 0). */
size_t ana_peak_index(const float *x, size_t n);
/* Start of the clip-mode window (may be negative or run past the end). */
int64_t ana_clip_window_start(const float *x, size_t n);
#define ANA_ONSET_DB 20.0     /* onset threshold below the loudest 10 ms block, dB */
#define ANA_ONSET_PREROLL 800 /* samples kept before the onset (50 ms) */

/* Start of the onset-mode window (0 .. n - 1; 0 for n == 0). */
int64_t ana_onset_window_start(const float *x, size_t n);
/* Number of long-mode windows for n samples (1 for n <= 15600). */
size_t ana_long_windows(size_t n);
/* out[i] = x[start + i] for i < len, zero where start + i lies outside 0 .. n - 1. */
void ana_copy_padded(const float *x, size_t n, int64_t start, size_t len, float *out);
/* The part of [start, start + len) inside 0 .. n: writes its first index and length. */
void ana_clamp_span(size_t n, int64_t start, size_t len, size_t *a, size_t *count);

#endif
