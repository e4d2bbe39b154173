/* The spriteclip's FLAC encoder: what it writes decodes (with the engine's own bit-exact
 * decoder, and with the reference `flac -t` when installed) to exactly the 16-bit samples a
 * WAV would hold, and it is smaller than that WAV. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "decode/decode.h"
#include "sonomap.h"

static uint32_t rng = 12345;
static float frand(void) {
  rng = rng * 1664525u + 1013904223u;
  return (float)(rng >> 8) / 16777216.0f * 2 - 1;
}

static int16_t q16(float v) {
  if (!(v == v))
    v = 0;
  v = v > 1 ? 1 : v < -1 ? -1 : v;
  return (int16_t)lrintf(v * 32767.0f);
}

static void roundtrip(const char *what, const float *x, size_t n, int rate, int check_size) {
  size_t len = 0, wlen = 0;
  uint8_t *f = sm_flac_encode(x, n, rate, &len);
  CHECK(f && len > 42, "%s: encoded (%zu bytes)", what, len);
  if (!f)
    return;
  char err[256] = "";
  dec_decoder *d = dec_decoder_open(f, len, err, sizeof err);
  CHECK(d != NULL, "%s: decodes (%s)", what, err);
  if (d) {
    CHECK(dec_decoder_rate(d) == rate, "%s: rate %g", what, dec_decoder_rate(d));
    CHECK(dec_decoder_frames(d) == (int64_t)n, "%s: %lld frames", what,
          (long long)dec_decoder_frames(d));
    float *y = malloc(sizeof(float) * (n + 16));
    long got = 0, r;
    while ((r = dec_decoder_read(d, y + got, (long)(n + 16 - (size_t)got))) > 0)
      got += r;
    CHECK(r == 0 && got == (long)n, "%s: read %ld of %zu (%s)", what, got, n,
          dec_decoder_error(d) ? dec_decoder_error(d) : "");
    size_t bad = 0;
    for (size_t i = 0; i < (size_t)got; i++)
      bad += lrintf(y[i] * 32768.0f) != q16(x[i]);
    CHECK(bad == 0, "%s: %zu samples differ from the 16-bit input", what, bad);
    CHECK(dec_decoder_warning(d) == NULL, "%s: warning %s", what, dec_decoder_warning(d));
    free(y);
    dec_decoder_close(d);
  }
  uint8_t *w = sm_wav_encode(x, n, rate, &wlen);
  if (check_size)
    CHECK(len < wlen * 6 / 10, "%s: FLAC %zu bytes vs WAV %zu", what, len, wlen);
  /* the reference decoder agrees (MD5 and CRCs checked) */
  if (system("command -v flac >/dev/null 2>&1") == 0) {
    char path[] = "/tmp/sonomap-flacw-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) {
      FILE *o = fdopen(fd, "wb");
      fwrite(f, 1, len, o);
      fclose(o);
      char cmd[256];
      snprintf(cmd, sizeof cmd, "flac -s -t %s 2>/dev/null", path);
      CHECK(system(cmd) == 0, "%s: flac -t rejects the stream", what);
      remove(path);
    }
  }
  sm_free(w);
  sm_free(f);
}

int main(void) {
  size_t n = 100000;
  float *x = malloc(sizeof(float) * n);
  for (size_t i = 0; i < n; i++)
    x[i] = 0.5f * sinf(2 * 3.14159265f * 440 * (float)i / 16000) + 0.001f * frand();
  roundtrip("tone + noise", x, n, 16000, 1);
  for (size_t i = 0; i < n; i++)
    x[i] = frand();
  roundtrip("full-scale noise (verbatim frames)", x, n, 16000, 0);
  for (size_t i = 0; i < n; i++)
    x[i] = (i / 3000) % 2 ? 1.5f : -1.5f; /* clipped square, constant runs */
  roundtrip("clipped square", x, n, 16000, 1);
  memset(x, 0, sizeof(float) * n);
  roundtrip("silence", x, n, 16000, 1);
  for (size_t i = 0; i < n; i++)
    x[i] = 0.3f * sinf((float)i * 0.01f);
  size_t lens[] = {1, 15, 4095, 4096, 4097, 8192 + 3};
  for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
    char what[64];
    snprintf(what, sizeof what, "length %zu", lens[k]);
    roundtrip(what, x, lens[k], 16000, 0);
  }
  roundtrip("44.1 kHz", x, 20000, 44100, 1);
  roundtrip("an odd rate (12345 Hz)", x, 20000, 12345, 1);
  x[10] = NAN;
  roundtrip("NaN becomes silence", x, 20000, 16000, 1);
  size_t len = 7;
  CHECK(sm_flac_encode(x, 10, 0, &len) == NULL && len == 0, "rate 0 refused");
  free(x);
  return check_report("test_flac_write");
}
