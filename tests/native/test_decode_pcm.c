/* test_decode_pcm.c — WAV, AIFF and AIFC variants written by sox, decoded by the engine and
 * compared with sox's own decode of the same file (fixtures: tests/fixtures/decode.sh), plus
 * layouts sox does not write (RIFX, RF64, AIFC sowt, odd chunks, streaming sizes), crafted
 * here from those files. */
#include <math.h>

#include "check.h"
#include "decode/aiff.h"
#include "decode_util.h"

/* Format tag of a WAV file's fmt chunk (0 when none). */
static unsigned wav_fmt_tag(const uint8_t *b, size_t len) {
  size_t p = 12;
  while (p + 8 <= len) {
    uint32_t size = b[p + 4] | b[p + 5] << 8 | b[p + 6] << 16 | (uint32_t)b[p + 7] << 24;
    if (!memcmp(b + p, "fmt ", 4) && p + 10 <= len)
      return b[p + 8] | b[p + 9] << 8;
    p += 8 + size + (size & 1);
  }
  return 0;
}

/* One sox-made file against sox's references. */
static void check_file(char **f) {
  const char *path = f[0], *ref32 = f[1], *reff = f[2], *cont = f[3];
  double rate = atof(f[4]);
  int ch = atoi(f[5]), bits = atoi(f[6]);
  long frames = atol(f[7]);
  size_t len = 0, rlen = 0;
  uint8_t *buf = read_file(path, &len);
  CHECK(buf != NULL, "%s: cannot read", path);
  if (!buf)
    return;

  if (!strcmp(cont, "wav")) {
    unsigned tag = wav_fmt_tag(buf, len);
    int is_float = bits == 0, is_g711 = strstr(path, "law") != NULL;
    /* sox writes WAVE_FORMAT_EXTENSIBLE for integer PCM of > 2 channels or > 16 bits */
    unsigned want = is_float                ? 3
                    : is_g711               ? (strstr(path, "ulaw") ? 7 : 6)
                    : (ch > 2 || bits > 16) ? 0xFFFE
                                            : 1;
    CHECK(tag == want, "%s: fmt tag 0x%04X, expected 0x%04X", path, tag, want);
  }

  decoded d;
  int ok = decode_all(buf, len, 1000, 0, &d);
  CHECK(ok, "%s: %s", path, d.err);
  CHECK(!strcmp(d.format, cont), "%s: format %s", path, d.format);
  CHECK(d.channels == ch, "%s: %d channels, sox says %d", path, d.channels, ch);
  CHECK(d.rate == rate, "%s: rate %g, sox says %g", path, d.rate, rate);
  CHECK(d.frames == frames && d.declared == frames, "%s: %ld frames (declared %lld), sox says %ld",
        path, d.frames, (long long)d.declared, frames);
  CHECK(d.bits == bits, "%s: %d bits, expected %d", path, d.bits, bits);
  CHECK(d.warn[0] == 0, "%s: unexpected warning: %s", path, d.warn);

  /* floats against sox's float decode: exact up to 24 bits */
  float *rf = (float *)(void *)read_file(reff, &rlen);
  CHECK(rf && rlen == (size_t)frames * (size_t)ch * 4, "%s: float reference", path);
  if (ok && rf && rlen == (size_t)d.frames * (size_t)ch * 4) {
    double tol = bits == 0 ? 1e-9 : bits > 24 ? 1.0 / (1 << 23) : 0.0;
    double worst = 0;
    for (size_t k = 0; k < rlen / 4; k++) {
      double e = fabs((double)d.f[k] - (double)rf[k]);
      if (e > worst)
        worst = e;
    }
    CHECK(worst <= tol, "%s: float samples differ from sox by %.3g (tol %.3g)", path, worst, tol);
  }
  free(rf);
  decoded_free(&d);

  /* integers against sox's int32 decode (sox left-justifies to 32 bits): exact */
  if (bits > 0) {
    int32_t *ri = (int32_t *)(void *)read_file(ref32, &rlen);
    ok = decode_all(buf, len, 4096, 1, &d);
    CHECK(ok && ri && rlen == (size_t)d.frames * (size_t)ch * 4, "%s: int reference", path);
    if (ok && ri && rlen == (size_t)d.frames * (size_t)ch * 4) {
      size_t bad = 0;
      for (size_t k = 0; k < rlen / 4; k++)
        if ((int32_t)((uint32_t)d.i[k] << (32 - bits)) != ri[k])
          bad++;
      CHECK(bad == 0, "%s: %zu integer samples differ from sox", path, bad);
    }
    free(ri);
    decoded_free(&d);
  }
  free(buf);
}

/* ---- crafted layouts ---- */

static void put16(uint8_t *p, unsigned v, int be) {
  if (be)
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
  else
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v, int be) {
  for (int i = 0; i < 4; i++)
    p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* A canonical 16-bit PCM WAV (44-byte header) around the given samples, optionally
 * big-endian (RIFX); extra bytes of room left after the data. */
static uint8_t *make_wav16(const int16_t *s, size_t n, int ch, uint32_t rate, int be, size_t *len) {
  size_t data = n * 2;
  uint8_t *b = calloc(1, 44 + data);
  memcpy(b, be ? "RIFX" : "RIFF", 4);
  put32(b + 4, (uint32_t)(36 + data), be);
  memcpy(b + 8, "WAVEfmt ", 8);
  put32(b + 16, 16, be);
  put16(b + 20, 1, be);
  put16(b + 22, (unsigned)ch, be);
  put32(b + 24, rate, be);
  put32(b + 28, rate * (uint32_t)ch * 2, be);
  put16(b + 32, (unsigned)ch * 2, be);
  put16(b + 34, 16, be);
  memcpy(b + 36, "data", 4);
  put32(b + 40, (uint32_t)data, be);
  for (size_t k = 0; k < n; k++)
    put16(b + 44 + 2 * k, (uint16_t)s[k], be);
  *len = 44 + data;
  return b;
}

/* Decodes b and checks it gives the n samples s (16-bit) in ch channels. */
static void expect_s16(const char *what, const uint8_t *b, size_t len, const int16_t *s, size_t n,
                       int ch, const char *want_warn) {
  decoded d;
  int ok = decode_all(b, len, 333, 1, &d);
  CHECK(ok, "%s: %s", what, d.err);
  CHECK(d.channels == ch && (size_t)d.frames * (size_t)ch == n, "%s: %d ch, %ld frames", what,
        d.channels, d.frames);
  if (ok && (size_t)d.frames * (size_t)ch == n) {
    size_t bad = 0;
    for (size_t k = 0; k < n; k++)
      bad += d.i[k] != s[k];
    CHECK(bad == 0, "%s: %zu samples differ", what, bad);
  }
  if (want_warn)
    CHECK(strstr(d.warn, want_warn) != NULL, "%s: warning '%s', expected '%s'", what, d.warn,
          want_warn);
  else
    CHECK(d.warn[0] == 0, "%s: unexpected warning '%s'", what, d.warn);
  decoded_free(&d);
}

static void crafted_wav(void) {
  enum { N = 2 * 1500 };
  static int16_t s[N];
  for (int k = 0; k < N; k++)
    s[k] = (int16_t)((k * 7919) % 65536 - 32768);
  size_t len;
  uint8_t *b = make_wav16(s, N, 2, 32000, 0, &len);
  expect_s16("plain WAV", b, len, s, N, 2, NULL);

  uint8_t *x = make_wav16(s, N, 2, 32000, 1, &len);
  expect_s16("RIFX (big-endian) WAV", x, len, s, N, 2, NULL);
  free(x);

  /* an odd-sized unknown chunk (with its pad byte) before data, another after it */
  size_t l2 = len + 8 + 5 + 1 + 8 + 3 + 1;
  x = calloc(1, l2);
  memcpy(x, b, 36);
  memcpy(x + 36, "junk", 4);
  put32(x + 40, 5, 0);
  memcpy(x + 44, "abcde", 5);
  memcpy(x + 50, b + 36, len - 36);
  memcpy(x + 50 + len - 36, "LIST\x03\0\0\0xyz", 11);
  expect_s16("odd-sized chunks, padded", x, l2, s, N, 2, NULL);
  /* the same without the pad byte (a common writer bug) */
  memmove(x + 49, x + 50, l2 - 50);
  expect_s16("odd-sized chunk without its pad byte", x, l2 - 1, s, N, 2, NULL);
  free(x);

  /* streaming writers: data size 0xFFFFFFFF and 0 */
  x = malloc(len);
  memcpy(x, b, len);
  put32(x + 4, 0xFFFFFFFFu, 0);
  put32(x + 40, 0xFFFFFFFFu, 0);
  expect_s16("data size 0xFFFFFFFF", x, len, s, N, 2, NULL);
  put32(x + 40, 0, 0);
  expect_s16("data size 0", x, len, s, N, 2, "size is 0");
  /* data claims more than the file has: decode what is there, with a warning */
  put32(x + 40, (uint32_t)(N * 2 + 4000), 0);
  expect_s16("data past the end", x, len, s, N, 2, "claims");
  /* a partial last frame is dropped */
  put32(x + 40, (uint32_t)(N * 2 - 2), 0);
  expect_s16("partial frame", x, len, s, N - 2, 2, "partial frame");
  free(x);

  /* RF64: ds64 chunk carries the 64-bit sizes, the 32-bit ones are 0xFFFFFFFF */
  size_t l3 = len + 36;
  x = calloc(1, l3);
  memcpy(x, "RF64", 4);
  put32(x + 4, 0xFFFFFFFFu, 0);
  memcpy(x + 8, "WAVEds64", 8);
  put32(x + 16, 28, 0);
  put32(x + 20, (uint32_t)(l3 - 8), 0); /* RIFF size, low */
  put32(x + 28, (uint32_t)(N * 2), 0);  /* data size, low */
  put32(x + 36, (uint32_t)(N / 2), 0);  /* sample count, low */
  memcpy(x + 48, b + 12, len - 12);
  put32(x + 48 + 28, 0xFFFFFFFFu, 0); /* data chunk size */
  expect_s16("RF64", x, l3, s, N, 2, NULL);
  free(x);

  /* fmt after data */
  x = calloc(1, len);
  memcpy(x, b, 12);
  memcpy(x + 12, b + 36, len - 36);
  memcpy(x + 12 + len - 36, b + 12, 24);
  expect_s16("fmt after data", x, len, s, N, 2, NULL);
  free(x);

  /* NaN and Inf in a float WAV pass through (the analysis layer rejects them) */
  {
    uint8_t w[44 + 16];
    memcpy(w, b, 44);
    put16(w + 20, 3, 0);
    put16(w + 22, 1, 0);
    put32(w + 28, 32000 * 4, 0);
    put16(w + 32, 4, 0);
    put16(w + 34, 32, 0);
    put32(w + 40, 16, 0);
    float v[4] = {NAN, INFINITY, -INFINITY, 0.25f};
    memcpy(w + 44, v, 16);
    decoded d;
    int ok = decode_all(w, sizeof w, 10, 0, &d);
    CHECK(ok && d.frames == 4, "NaN WAV: %s", d.err);
    if (ok && d.frames == 4)
      CHECK(isnan(d.f[0]) && isinf(d.f[1]) && d.f[1] > 0 && isinf(d.f[2]) && d.f[3] == 0.25f,
            "NaN WAV: values not passed through");
    decoded_free(&d);
  }
  free(b);
}

static void crafted_aiff(void) {
  size_t len;
  uint8_t *b = read_file(FIXDIR "s16_2.aifc", &len);
  CHECK(b != NULL, "s16_2.aifc missing");
  if (!b)
    return;
  decoded ref;
  int ok = decode_all(b, len, 4096, 1, &ref);
  CHECK(ok, "s16_2.aifc: %s", ref.err);
  /* find COMM compression type and SSND data */
  size_t p = 12, comm = 0, ssnd = 0;
  uint32_t ssnd_size = 0;
  while (p + 8 <= len) {
    uint32_t size = (uint32_t)b[p + 4] << 24 | b[p + 5] << 16 | b[p + 6] << 8 | b[p + 7];
    if (!memcmp(b + p, "COMM", 4))
      comm = p + 8;
    if (!memcmp(b + p, "SSND", 4))
      ssnd = p + 8, ssnd_size = size;
    p += 8 + size + (size & 1);
  }
  CHECK(comm && ssnd && !memcmp(b + comm + 18, "NONE", 4), "s16_2.aifc: layout");
  if (ok && comm && ssnd) {
    /* sox cannot write AIFC 'sowt': make one by swapping the sample bytes */
    uint8_t *x = malloc(len);
    memcpy(x, b, len);
    memcpy(x + comm + 18, "sowt", 4);
    size_t off =
        ssnd + 8 + ((size_t)b[ssnd] << 24 | b[ssnd + 1] << 16 | b[ssnd + 2] << 8 | b[ssnd + 3]);
    for (size_t k = off; k + 1 < ssnd + ssnd_size && k + 1 < len; k += 2) {
      uint8_t t = x[k];
      x[k] = x[k + 1];
      x[k + 1] = t;
    }
    int16_t *s = malloc((size_t)ref.frames * 2 * sizeof *s);
    for (long k = 0; k < ref.frames * 2; k++)
      s[k] = (int16_t)ref.i[k];
    expect_s16("AIFC sowt", x, len, s, (size_t)ref.frames * 2, 2, NULL);
    /* numSampleFrames larger than the data: decode what is there, warn */
    memcpy(x, b, len);
    x[comm + 2] = 0x10;
    expect_s16("AIFF frames past the end", x, len, s, (size_t)ref.frames * 2, 2, "COMM says");
    /* cut inside SSND: a whole number of frames survives */
    memcpy(x, b, len);
    size_t cut = off + 4 * 1000 + 2;
    expect_s16("AIFF truncated", x, cut, s, 2000, 2, "truncated");
    free(s);
    free(x);
  }
  decoded_free(&ref);
  free(b);
}

/* AIFC with one chunk of sample bytes as given: 44100 Hz, compression type `type`. */
static uint8_t *make_aifc(const char *type, int ch, int sample_size, const uint8_t *data,
                          size_t bytes, uint32_t frames, size_t *len) {
  size_t n = 12 + 8 + 24 + 16 + bytes + (bytes & 1);
  uint8_t *b = calloc(1, n);
  memcpy(b, "FORM", 4);
  put32(b + 4, (uint32_t)(n - 8), 1);
  memcpy(b + 8, "AIFCCOMM", 8);
  put32(b + 16, 24, 1);
  put16(b + 20, (unsigned)ch, 1);
  put32(b + 22, frames, 1);
  put16(b + 26, (unsigned)sample_size, 1);
  static const uint8_t r44100[10] = {0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0};
  memcpy(b + 28, r44100, 10);
  memcpy(b + 38, type, 4);
  /* empty pascal string + pad: b[42], b[43] = 0 */
  memcpy(b + 44, "SSND", 4);
  put32(b + 48, (uint32_t)(8 + bytes), 1);
  memcpy(b + 60, data, bytes);
  *len = n;
  return b;
}

static void crafted_g711_and_ext80(void) {
  /* AIFC ulaw/alaw (sox writes these as plain PCM): same bytes as the WAV G.711 fixtures */
  const char *wavs[2] = {FIXDIR "ulaw_1.wav", FIXDIR "alaw_2.wav"};
  const char *types[2] = {"ulaw", "alaw"};
  for (int t = 0; t < 2; t++) {
    size_t len, alen;
    uint8_t *w = read_file(wavs[t], &len);
    CHECK(w != NULL, "%s missing", wavs[t]);
    if (!w)
      continue;
    decoded ref;
    int ok = decode_all(w, len, 4096, 1, &ref);
    CHECK(ok && ref.frames > 1000, "%s: %s", wavs[t], ref.err);
    size_t bytes = (size_t)ref.frames * (size_t)ref.channels;
    const uint8_t *data = NULL;
    for (size_t p = 12; p + 8 <= len;) {
      uint32_t size = w[p + 4] | w[p + 5] << 8 | w[p + 6] << 16 | (uint32_t)w[p + 7] << 24;
      if (!memcmp(w + p, "data", 4))
        data = w + p + 8;
      p += 8 + size + (size & 1);
    }
    if (ok && data && data + bytes <= w + len) {
      uint8_t *a = make_aifc(types[t], ref.channels, 16, data, bytes, (uint32_t)ref.frames, &alen);
      int16_t *s = malloc(bytes * sizeof *s);
      for (size_t k = 0; k < bytes; k++)
        s[k] = (int16_t)ref.i[k];
      expect_s16(types[t], a, alen, s, bytes, ref.channels, NULL);
      free(s);
      free(a);
    }
    decoded_free(&ref);
    free(w);
  }

  /* 80-bit extended sample rates */
  static const uint8_t r8000[10] = {0x40, 0x0B, 0xFA, 0, 0, 0, 0, 0, 0, 0};
  static const uint8_t r22050_5[10] = {0x40, 0x0D, 0xAC, 0x45, 0, 0, 0, 0, 0, 0};
  static const uint8_t rnan[10] = {0x7F, 0xFF, 0xC0, 0, 0, 0, 0, 0, 0, 0};
  static const uint8_t rneg[10] = {0xC0, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0};
  static const uint8_t rhuge[10] = {0x43, 0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0};
  static const uint8_t rtiny[10] = {0x00, 0x01, 0x80, 0, 0, 0, 0, 0, 0, 0};
  double v = -1;
  CHECK(dec_aiff_ext80(r8000, &v) && v == 8000.0, "ext80 8000: %g", v);
  CHECK(dec_aiff_ext80(r22050_5, &v) && v == 22050.5, "ext80 22050.5: %g", v);
  CHECK(!dec_aiff_ext80(rnan, &v), "ext80 NaN accepted");
  CHECK(!dec_aiff_ext80(rneg, &v), "ext80 negative accepted");
  CHECK(!dec_aiff_ext80(rhuge, &v), "ext80 2^1023 accepted");
  CHECK(dec_aiff_ext80(rtiny, &v) && v == 0.0, "ext80 tiny: %g", v);
}

int main(void) {
  FILE *lst = fopen(FIXDIR "pcm.list", "r");
  CHECK(lst != NULL, "no %spcm.list: run make fixtures", FIXDIR);
  int files = 0, wav = 0, aiff = 0;
  char line[2048];
  while (lst && fgets(line, sizeof line, lst)) {
    char *f[8];
    if (split_fields(line, f, 8) != 8)
      continue;
    check_file(f);
    files++;
    wav += !strcmp(f[3], "wav");
    aiff += !strcmp(f[3], "aiff");
  }
  if (lst)
    fclose(lst);
  CHECK(wav >= 15 && aiff >= 8, "only %d WAV and %d AIFF fixtures", wav, aiff);
  crafted_wav();
  crafted_aiff();
  crafted_g711_and_ext80();
  printf("pcm: %d sox files compared (%d WAV, %d AIFF/AIFC)\n", files, wav, aiff);
  return check_report("test_decode_pcm");
}
