/* fuzz_analyze.c — libFuzzer target: sm_analyze_file on arbitrary bytes in one mode
 * (FUZZ_MODE, an enum sm_mode, set when compiling). Every result must either carry a
 * one-line reason or hold finite features. Built by `make fuzz-build`. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonomap.h"

#ifndef FUZZ_MODE
#define FUZZ_MODE SM_MODE_CLIP
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
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
