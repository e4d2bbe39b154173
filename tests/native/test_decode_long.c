/* test_decode_long.c — a 1-hour mono 16-bit 16 kHz WAV (115 MB) synthesised in memory decodes
 * in 4096-frame blocks to the right frame count and values, while the decoder itself holds
 * only a bounded amount of memory (measured under ASan). */
#include "check.h"
#include "decode_util.h"

static int16_t sample_at(uint32_t k) { return (int16_t)(uint16_t)((k * 2654435761u) >> 13); }

int main(void) {
  const uint32_t rate = 16000, frames = 3600u * rate;
  size_t len = 44 + (size_t)frames * 2;
  uint8_t *b = malloc(len);
  CHECK(b != NULL, "cannot allocate %zu bytes", len);
  if (!b)
    return check_report("test_decode_long");
  memcpy(b, "RIFF", 4);
  uint32_t v[] = {(uint32_t)(len - 8), 0, 16, 0, rate, rate * 2, 0, 0, frames * 2};
  for (int i = 0; i < 4; i++)
    b[4 + i] = (uint8_t)(v[0] >> (8 * i));
  memcpy(b + 8, "WAVEfmt ", 8);
  b[16] = 16, b[17] = b[18] = b[19] = 0;
  b[20] = 1, b[21] = 0, b[22] = 1, b[23] = 0; /* PCM, mono */
  for (int i = 0; i < 4; i++)
    b[24 + i] = (uint8_t)(rate >> (8 * i));
  for (int i = 0; i < 4; i++)
    b[28 + i] = (uint8_t)((rate * 2) >> (8 * i));
  b[32] = 2, b[33] = 0, b[34] = 16, b[35] = 0;
  memcpy(b + 36, "data", 4);
  for (int i = 0; i < 4; i++)
    b[40 + i] = (uint8_t)((frames * 2) >> (8 * i));
  for (uint32_t k = 0; k < frames; k++) {
    uint16_t s = (uint16_t)sample_at(k);
    b[44 + 2 * (size_t)k] = (uint8_t)s;
    b[45 + 2 * (size_t)k] = (uint8_t)(s >> 8);
  }

  size_t base = heap_in_use(), peak = 0;
  char err[200];
  dec_decoder *d = dec_decoder_open(b, len, err, sizeof err);
  CHECK(d != NULL, "open: %s", err);
  if (d) {
    CHECK(dec_decoder_frames(d) == frames && dec_decoder_rate(d) == rate &&
              dec_decoder_channels(d) == 1,
          "header: %lld frames", (long long)dec_decoder_frames(d));
    static float out[4096];
    uint64_t total = 0, wrong = 0;
    long n;
    while ((n = dec_decoder_read(d, out, 4096)) > 0) {
      for (long i = 0; i < n; i++)
        wrong += out[i] != (float)sample_at((uint32_t)(total + (uint64_t)i)) / 32768.0f;
      total += (uint64_t)n;
      size_t h = heap_in_use() - base;
      if (h > peak)
        peak = h;
    }
    CHECK(n == 0, "read error: %s", dec_decoder_error(d));
    CHECK(total == frames, "decoded %llu of %u frames", (unsigned long long)total, frames);
    CHECK(wrong == 0, "%llu samples wrong", (unsigned long long)wrong);
    CHECK(dec_decoder_warning(d) == NULL, "warning: %s", dec_decoder_warning(d));
    dec_decoder_close(d);
  }
  if (HAVE_HEAP_COUNT) {
    printf("long: 1 h WAV (%zu bytes) decoded holding at most %zu bytes of decoder heap\n", len,
           peak);
    CHECK(peak < 4096, "decoder heap %zu bytes while decoding", peak);
  }
  free(b);
  return check_report("test_decode_long");
}
