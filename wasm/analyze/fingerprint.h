/* fingerprint.h — the 32 x 32 AudioNotebooks-style fingerprint of one 96 x 64 log-mel patch.
 *
 * Definition (level-independent, fixed range [0, 1]):
 *   1. undo the log offset: mel = max(exp(v) - 0.001, 0) for each of the 96 x 64 values v;
 *   2. decibels relative to the patch maximum, clipped at -80 dB:
 *        r = max(20 log10(mel / max mel), -80)     (-80 where mel is 0);
 *   3. mean-pool 3 frames x 2 bands -> 32 time steps x 32 bands;
 *   4. map to [0, 1]: fp = 1 + pooled / 80.
 * Output is time-major like the patch: fp[t * 32 + b], t = frames 3t..3t+2, b = bands 2b, 2b+1.
 * Scaling the signal by any gain leaves it unchanged (up to float rounding, as long as the
 * patch stays well above the 0.001 log offset's precision). A silent patch gives all zeros. */
#ifndef ANA_FINGERPRINT_H
#define ANA_FINGERPRINT_H

#include "sonomap.h"

#define ANA_FP_RANGE_DB 80.0

void ana_fingerprint(const float *logmel, float *fp);

#endif
