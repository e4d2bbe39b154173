/* fuzz_analyze.c — libFuzzer target: sm_analyze_file on arbitrary bytes in one mode
 * (FUZZ_MODE, an enum sm_mode, set when compiling). Every result must either carry a
 * one-line reason or hold finite features. Built by `make fuzz-build`. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "sonomap.h"

#ifndef FUZZ_MODE
#define FUZZ_MODE SM_MODE_CLIP
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs whose header promises more than a minute of audio (2 s below 1 kHz), or audio of
 * unknown length below 4 kHz, are skipped: analysing them is merely slow (the limit is 18.6 h), and
 * the bad-input corpus analyses such files (a one-hour file, rates of 1 Hz). */
static int too_long(const uint8_t *data, size_t size) {
  char err[200];
  dec_decoder *d = dec_decoder_open(data, size, err, sizeof err);
  if (!d)
    return 0;
  double rate = dec_decoder_rate(d);
  int64_t frames = dec_decoder_frames(d);
  dec_decoder_close(d);
  if (frames < 0)
    return rate < 4000;
  /* resampling from below 1 kHz costs ~15x more per output sample */
  return (double)frames / rate > (rate < 1000 ? 2.0 : 60.0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (too_long(data, size))
    return 0;
  sm_analysis *a = sm_analyze_file(data, size, FUZZ_MODE);
  if (!a)
    return 0; /* out of memory */
  const char *e = sm_analysis_error(a);
  if (e) {
    if (!e[0] || strchr(e, '\n'))
      abort(); /* a failure without a one-line reason */
  } else {
    int n = sm_analysis_segments(a);
    if (n < 0 || sm_analysis_source_rate(a) <= 0 || sm_analysis_source_channels(a) < 1)
      abort();
    for (int i = 0; i < n; i++) {
      const float *d = sm_segment_descriptors(a, i);
      for (int k = 0; k < SM_NDESC; k++)
        if (!isfinite(d[k]))
          abort();
    }
  }
  sm_analysis_free(a);
  return 0;
}
