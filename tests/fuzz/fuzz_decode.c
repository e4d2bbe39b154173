/* fuzz_decode.c — libFuzzer target: one decoder alone (FUZZ_CODEC: dec_codec_wav, _aiff,
 * _flac or _vorbis, set when compiling), given the bytes without format probing, read to the
 * end in blocks of varying size, as float or as stored integers. Built by `make fuzz-build`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/codec.h"

#ifndef FUZZ_CODEC
#define FUZZ_CODEC dec_codec_wav
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static float f[4096 * 256];
  static int32_t s[4096 * 256];
  dec_msgs m;
  memset(&m, 0, sizeof m);
  dec_stream_info info;
  memset(&info, 0, sizeof info);
  void *st = FUZZ_CODEC.open(data, size, &info, &m);
  if (!st) {
    if (!m.err[0])
      abort(); /* refused without a reason */
    return 0;
  }
  if (info.channels < 1 || info.channels > DEC_MAX_CHANNELS || !(info.rate >= 1) ||
      info.rate > DEC_MAX_RATE)
    abort();
  long per = 4096 * 256 / info.channels, total = 0;
  int as_int = info.bits > 0 && (size & 1);
  for (int i = 0; total < (1L << 20); i++) {
    long max = 1 + (long)((i * 977 + size) % (unsigned long)per);
    dec_out out = {as_int ? NULL : f, as_int ? s : NULL};
    long n = FUZZ_CODEC.read(st, out, max, &m);
    if (n < 0) {
      if (!m.err[0])
        abort();
      break;
    }
    if (n > max)
      abort();
    if (n == 0)
      break;
    total += n;
  }
  FUZZ_CODEC.close(st);
  return 0;
}
