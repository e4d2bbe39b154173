/* timbre.h — the timbre feature: MFCC statistics from the engine's own log-mel (sonomap.h,
 * sm_segment_timbre).
 *
 * Per frame (SM_NMEL log-mel values v_m = ln(mel_m + 0.001), as the frontend gives them):
 *   c_k = s_k sum_{m=0}^{63} v_m cos(pi k (m + 0.5) / 64),  k = 0 .. SM_NMFCC - 1,
 *   s_0 = sqrt(1 / 64), s_k = sqrt(2 / 64)   (the orthonormal DCT-II, scipy's norm="ortho").
 * Over a set of frames: timbre[k] = mean c_k, timbre[SM_NMFCC + k] = population standard
 * deviation of c_k (sqrt(max(0, mean c_k^2 - mean^2)), in double).
 * Which frames: those of the segment whose first sample lies inside the signal, so the zero
 * padding of a window that runs past either end of the clip does not count; in whole mode
 * every such frame of the clip. */
#ifndef ANA_TIMBRE_H
#define ANA_TIMBRE_H

#include "sonomap.h"

typedef struct {
  double dct[SM_NMFCC][SM_NMEL];
} ana_timbre_basis;

/* Running sums of c_k and c_k^2 over frames. */
typedef struct {
  double sum[SM_NMFCC], sq[SM_NMFCC];
  long frames;
} ana_timbre_acc;

void ana_timbre_basis_init(ana_timbre_basis *b);
/* c (SM_NMFCC) of one log-mel frame. */
void ana_mfcc(const ana_timbre_basis *b, const float *logmel, double *c);
void ana_timbre_add(ana_timbre_acc *t, const double *c);
/* t += u */
void ana_timbre_merge(ana_timbre_acc *t, const ana_timbre_acc *u);
/* Means and deviations into out (SM_NTIMBRE); all zero when no frame was added. */
void ana_timbre_finish(const ana_timbre_acc *t, float *out);

#endif
