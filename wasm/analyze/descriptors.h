/* descriptors.h — per-segment descriptors (sonomap.h enum sm_descriptor).
 *
 * Spectral ones come from the segment's mean magnitude spectrum: the YAMNet STFT magnitudes
 * (SM_NBINS bins, bin k at k * SM_RATE / SM_NFFT Hz) averaged over the segment's frames, so
 * zero padding and silent frames do not bias them:
 *   centroid  = sum f_k S_k / sum S_k
 *   roll-off  = the lowest f_k with sum_{j <= k} S_j >= 0.85 sum S
 *   bandwidth = sqrt(sum S_k (f_k - centroid)^2 / sum S_k)
 * (librosa's definitions, on magnitudes); all 0 for a silent segment.
 * RMS = sqrt(mean x^2) and ZCR = sign changes between neighbours / (n - 1) (a zero counts as
 * positive) are taken over the segment's samples inside the signal (no padding). */
#ifndef ANA_DESCRIPTORS_H
#define ANA_DESCRIPTORS_H

#include <stddef.h>

#include "sonomap.h"

#define ANA_ROLLOFF_FRACTION 0.85

/* mean_mag: SM_NBINS values (any common scale). Writes centroid, roll-off, bandwidth into
 * desc[SM_DESC_CENTROID], desc[SM_DESC_ROLLOFF], desc[SM_DESC_BANDWIDTH]. */
void ana_spectral_descriptors(const double *mean_mag, float *desc);
double ana_rms(const float *x, size_t n);
double ana_zcr(const float *x, size_t n);

#endif
