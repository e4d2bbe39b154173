/* test_decode_bad.c — bad input never crashes, hangs or allocates without bound, and every
 * failure comes with a clear one-line reason: non-audio files, formats left to the browser,
 * headers that lie (crafted here), every prefix of small WAV/AIFF/FLAC/Ogg files, and a few
 * thousand seeded random mutations of each. Meant to run under ASan/UBSan. */
#include "check.h"
#include "decode/flac_crc.h"
#include "decode_util.h"
#include "files.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}

static size_t worst_heap;

/* Opens and reads buf to the end (or a frame cap), checking the API's promises on the way.
 * Returns 1 when it decoded without an error; err/warn get the reasons. */
static int run(const uint8_t *buf, size_t len, char *err, size_t errlen, char *warn, size_t wlen,
               long *frames_out) {
  size_t base = heap_in_use();
  err[0] = warn[0] = 0;
  dec_decoder *d = dec_decoder_open(buf, len, err, errlen);
  long frames = 0;
  int ok = 1;
  if (!d) {
    CHECK(err[0] != 0 && strlen(err) < errlen, "open failed without a reason");
    ok = 0;
  } else {
    int ch = dec_decoder_channels(d);
    double rate = dec_decoder_rate(d);
    CHECK(ch >= 1 && ch <= 256 && rate >= 1 && rate <= 768000 && dec_decoder_frames(d) >= -1,
          "bad stream info: %d ch, %g Hz, %lld frames", ch, rate, (long long)dec_decoder_frames(d));
    if (ch < 1 || ch > 256)
      ch = 1;
    enum { BLOCK = 4096 };
    static float out[BLOCK * 256];
    for (int iter = 0; frames < (1L << 21); iter++) {
      long max = (iter % 3 == 0 ? BLOCK : (long)(rng() % BLOCK) + 1);
      long n = dec_decoder_read(d, out, max);
      if (n < 0) {
        const char *e = dec_decoder_error(d);
        CHECK(e && e[0], "read -1 without a reason");
        snprintf(err, errlen, "%s", e ? e : "");
        CHECK(dec_decoder_read(d, out, max) == -1, "read after an error did not fail again");
        ok = 0;
        break;
      }
      CHECK(n <= max, "read %ld frames into room for %ld", n, max);
      if (n == 0)
        break;
      frames += n;
      size_t h = heap_in_use() - base;
      if (h > worst_heap)
        worst_heap = h;
    }
    const char *w = dec_decoder_warning(d);
    if (w)
      snprintf(warn, wlen, "%s", w);
    dec_decoder_close(d);
  }
  if (frames_out)
    *frames_out = frames;
  return ok;
}

/* Expect open to fail with a reason containing `want`. */
static void expect_err(const char *what, const uint8_t *buf, size_t len, const char *want) {
  char err[256], warn[256];
  int ok = run(buf, len, err, sizeof err, warn, sizeof warn, NULL);
  CHECK(!ok && strstr(err, want) != NULL, "%s: error '%s', expected '%s'", what, err, want);
}

static void put16le(uint8_t *p, unsigned v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32le(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static void put32be(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[3 - i] = (uint8_t)(v >> (8 * i));
}

/* 44-byte WAV header + n bytes of data. */
static void wav_header(uint8_t *b, unsigned tag, unsigned ch, uint32_t rate, unsigned bits,
                       uint32_t data) {
  memcpy(b, "RIFF", 4);
  put32le(b + 4, 36 + data);
  memcpy(b + 8, "WAVEfmt ", 8);
  put32le(b + 16, 16);
  put16le(b + 20, tag);
  put16le(b + 22, ch);
  put32le(b + 24, rate);
  put32le(b + 28, rate * ch * (bits / 8));
  put16le(b + 32, ch * (bits / 8));
  put16le(b + 34, bits);
  memcpy(b + 36, "data", 4);
  put32le(b + 40, data);
}

static void not_audio(void) {
  char err[256], name[16];
  CHECK(!dec_decoder_open(NULL, 0, err, sizeof err) && strstr(err, "empty"), "NULL: %s", err);
  uint8_t z[1] = {0};
  expect_err("empty", z, 0, "empty file");
  expect_err("3 bytes", (const uint8_t *)"RIF", 3, "only 3 bytes");
  static const uint8_t png[16] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                  0,    0,   0,   13,  'I',  'H',  'D',  'R'};
  expect_err("PNG", png, sizeof png, "not a supported audio file (starts with '\\x89PNG')");
  static const uint8_t zip[30] = {'P', 'K', 3, 4, 20, 0};
  expect_err("ZIP", zip, sizeof zip, "not a supported audio file (starts with 'PK\\x03\\x04')");
  uint8_t rnd[1000];
  for (int t = 0; t < 50; t++) {
    for (size_t i = 0; i < sizeof rnd; i++)
      rnd[i] = (uint8_t)rng();
    char warn[256];
    run(rnd, sizeof rnd, err, sizeof err, warn, sizeof warn, NULL);
  }
  CHECK(dec_decoder_probe(zip, sizeof zip, name, sizeof name) == DEC_PROBE_UNKNOWN && !name[0],
        "ZIP probed as '%s'", name);
  /* tiny buffers around magic lengths */
  for (size_t n = 1; n <= 12; n++) {
    char warn[256];
    run((const uint8_t *)"RIFF\x04\0\0\0WAVE", n, err, sizeof err, warn, sizeof warn, NULL);
    run((const uint8_t *)"FORM\x04\0\0\0AIFF", n, err, sizeof err, warn, sizeof warn, NULL);
    run((const uint8_t *)"fLaC\0\0\0\x22\0\0\0\0", n, err, sizeof err, warn, sizeof warn, NULL);
    run((const uint8_t *)"OggS\0\x02\0\0\0\0\0\0", n, err, sizeof err, warn, sizeof warn, NULL);
    run((const uint8_t *)"ID3\x04\0\0\0\0\0\x10\0\0", n, err, sizeof err, warn, sizeof warn, NULL);
  }
}

static void browser_formats(void) {
  char name[16];
  uint8_t b[64];
  memset(b, 0, sizeof b);
  /* ID3v2 then an MPEG-1 layer III frame header */
  memcpy(b, "ID3\x03\0\0\0\0\0\x0A", 10);
  memcpy(b + 20, "\xFF\xFB\x90\x64", 4);
  CHECK(dec_decoder_probe(b, 40, name, sizeof name) == DEC_PROBE_BROWSER && !strcmp(name, "mp3"),
        "ID3 mp3 probed as '%s'", name);
  expect_err("ID3 mp3", b, 40, "mp3: decoded by the browser, not the engine");
  expect_err("bare mp3", (const uint8_t *)"\xFF\xFB\x90\x64\0\0\0\0", 8,
             "mp3: decoded by the browser");
  expect_err("ADTS", (const uint8_t *)"\xFF\xF1\x50\x80\x02\x1F\xFC\0", 8,
             "aac: decoded by the browser");
  expect_err("m4a",
             (const uint8_t *)"\0\0\0\x20"
                              "ftypM4A \0\0\0\0",
             16, "m4a: decoded by the browser");
  expect_err("webm", (const uint8_t *)"\x1A\x45\xDF\xA3\0\0\0\0", 8,
             "webm: decoded by the browser");
  /* Ogg page whose first packet is OpusHead */
  memset(b, 0, sizeof b);
  memcpy(b, "OggS", 4);
  b[5] = 2;
  b[26] = 1;
  b[27] = 19;
  memcpy(b + 28, "OpusHead\x01\x02", 10);
  CHECK(dec_decoder_probe(b, 47, name, sizeof name) == DEC_PROBE_BROWSER && !strcmp(name, "opus"),
        "Opus probed as '%s'", name);
  expect_err("opus", b, 47, "opus: decoded by the browser, not the engine");
  memcpy(b + 28,
         "\x7F"
         "FLAC\x01\x00",
         7);
  expect_err("ogg flac", b, 47, "ogg-flac: this audio format is not supported");
  expect_err("caf", (const uint8_t *)"caff\0\x01\0\0", 8,
             "caf: this audio format is not supported");
  /* engine formats probe as such */
  CHECK(dec_decoder_probe((const uint8_t *)"RIFF\0\0\0\0WAVE", 12, name, sizeof name) ==
                DEC_PROBE_ENGINE &&
            !strcmp(name, "wav"),
        "WAV probe: %s", name);
}

/* ---- Ogg Vorbis built here: pages with their CRCs, packets bit by bit ---- */

static uint32_t ogg_crc(const uint8_t *p, size_t n) {
  uint32_t c = 0;
  for (size_t i = 0; i < n; i++) {
    c ^= (uint32_t)p[i] << 24;
    for (int k = 0; k < 8; k++)
      c = c & 0x80000000u ? c << 1 ^ 0x04C11DB7u : c << 1;
  }
  return c;
}

/* Appends one page holding the packets (each < 255 * 255 bytes) to out at *at. */
static void ogg_page(uint8_t *out, size_t *at, int flags, uint32_t seq, const uint8_t **pk,
                     const size_t *len, int npk) {
  uint8_t *h = out + *at;
  memset(h, 0, 27);
  memcpy(h, "OggS", 4);
  h[5] = (uint8_t)flags;
  put32le(h + 14, 0x5EED);
  put32le(h + 18, seq);
  int nseg = 0;
  for (int i = 0; i < npk; i++) {
    size_t n = len[i];
    for (; n >= 255; n -= 255)
      h[27 + nseg++] = 255;
    h[27 + nseg++] = (uint8_t)n;
  }
  h[26] = (uint8_t)nseg;
  size_t body = 27 + (size_t)nseg;
  for (int i = 0; i < npk; i++) {
    memcpy(h + body, pk[i], len[i]);
    body += len[i];
  }
  put32le(h + 22, ogg_crc(h, body));
  *at += body;
}

typedef struct bitw {
  uint8_t *p;
  size_t at; /* bits */
} bitw;

static void put_bits(bitw *w, uint32_t v, int n) {
  for (int k = 0; k < n; k++, w->at++)
    if (v >> k & 1)
      w->p[w->at >> 3] |= (uint8_t)(1u << (w->at & 7));
}

/* A mono 44.1 kHz Ogg Vorbis stream whose setup header's only codebook has `dim` dimensions,
 * `entries` entries of 7-bit codewords and the given lookup type: the headers and nothing
 * else. Returns its length. */
static size_t vorbis_codebook_stream(uint8_t *out, int dim, int entries, int lookup) {
  uint8_t id[30] = {1, 'v', 'o', 'r', 'b', 'i', 's'};
  id[11] = 1;              /* channels */
  put32le(id + 12, 44100); /* rate */
  id[28] = 8 | 11 << 4;    /* block sizes 256 and 2048 */
  id[29] = 1;              /* framing */
  static const uint8_t comment[] = {3, 'v', 'o', 'r', 'b', 'i', 's', 4, 0, 0,
                                    0, 't', 'e', 's', 't', 0,   0,   0, 0, 1};
  static uint8_t setup[4096];
  memset(setup, 0, sizeof setup);
  memcpy(setup, "\x05vorbis", 7);
  bitw w = {setup + 7, 0};
  put_bits(&w, 0, 8); /* one codebook */
  put_bits(&w, 0x564342, 24);
  put_bits(&w, (uint32_t)dim, 16);
  put_bits(&w, (uint32_t)entries, 24);
  put_bits(&w, 0, 1); /* not ordered */
  put_bits(&w, 0, 1); /* not sparse */
  for (int i = 0; i < entries; i++)
    put_bits(&w, 6, 5); /* length 7 */
  put_bits(&w, (uint32_t)lookup, 4);
  put_bits(&w, 0, 32);
  put_bits(&w, 0, 32);
  put_bits(&w, 3, 4); /* 4-bit values */
  put_bits(&w, 0, 1);
  size_t slen = 7 + (w.at + 7) / 8 + 64; /* some room for the values */
  size_t at = 0;
  const uint8_t *p0[] = {id};
  size_t l0[] = {sizeof id};
  ogg_page(out, &at, 2, 0, p0, l0, 1);
  const uint8_t *p1[] = {comment, setup};
  size_t l1[] = {sizeof comment, slen};
  ogg_page(out, &at, 0, 1, p1, l1, 2);
  return at;
}

/* The libFuzzer finding: a lookup-type-1 codebook of 81 entries in 516 dimensions made
 * stb_vorbis convert 2^516 to int (undefined behaviour). Refused before stb_vorbis sees it. */
static void vorbis_setup_codebooks(void) {
  static uint8_t b[8192];
  size_t n = vorbis_codebook_stream(b, 516, 81, 1);
  expect_err("vorbis lookup1 overflow", b, n,
             "Ogg Vorbis: invalid setup header (codebook 0: lookup values out of range)");
  n = vorbis_codebook_stream(b, 31, 2, 1); /* 2^31 */
  expect_err("vorbis lookup1 2^31", b, n, "codebook 0: lookup values out of range");
  n = vorbis_codebook_stream(b, 65535, 300, 2); /* entries x dimensions past the packet */
  expect_err("vorbis lookup2 huge", b, n, "codebook 0: lookup values run past the end");
  n = vorbis_codebook_stream(b, 4, 81, 3);
  expect_err("vorbis lookup3", b, n, "codebook 0: unknown lookup type");
  /* a legal codebook (3^4 = 81 values of 4 bits) passes the check and fails later in
   * stb_vorbis (its floor is of type 0), with its reason */
  n = vorbis_codebook_stream(b, 4, 81, 1);
  expect_err("vorbis lookup1 legal", b, n, "Ogg Vorbis: ");
  char err[256], warn[256];
  run(b, n, err, sizeof err, warn, sizeof warn, NULL);
  CHECK(!strstr(err, "codebook"), "legal codebook refused by the pre-check: %s", err);
  /* every prefix: refused with a reason, never read past */
  size_t full = vorbis_codebook_stream(b, 516, 81, 1);
  for (size_t k = 0; k < full; k += 7) {
    uint8_t *x = malloc(k ? k : 1);
    memcpy(x, b, k);
    CHECK(!run(x, k, err, sizeof err, warn, sizeof warn, NULL) && err[0], "prefix %zu: '%s'", k,
          err);
    free(x);
  }
}

/* SM_BAD_FILES=a:b:...: more files that must be refused with a reason (e.g. fuzzer findings
 * kept outside the repository). */
static void extra_bad_files(void) {
  const char *list = getenv("SM_BAD_FILES");
  if (!list)
    return;
  char paths[4096];
  snprintf(paths, sizeof paths, "%s", list);
  for (char *p = strtok(paths, ":"); p; p = strtok(NULL, ":")) {
    size_t len;
    uint8_t *b = read_bytes(p, &len);
    CHECK(b != NULL, "cannot read %s", p);
    if (!b)
      continue;
    char err[256], warn[256];
    int ok = run(b, len, err, sizeof err, warn, sizeof warn, NULL);
    printf("bad: %s: %s\n", p, ok ? "decoded" : err);
    CHECK(!ok && err[0], "%s was not refused", p);
    free(b);
  }
}

static void lying_wav(void) {
  uint8_t b[44 + 64];
  memset(b, 0, sizeof b);
  wav_header(b, 1, 0, 44100, 16, 64);
  expect_err("0 channels", b, sizeof b, "WAV: 0 channels");
  wav_header(b, 1, 65535, 44100, 16, 64);
  expect_err("65535 channels", b, sizeof b, "WAV: 65535 channels (at most 256 are supported)");
  wav_header(b, 1, 2, 0, 16, 64);
  expect_err("rate 0", b, sizeof b, "WAV: sample rate 0 Hz is out of range (1..768000)");
  wav_header(b, 1, 2, 1000000000u, 16, 64);
  expect_err("rate 1e9", b, sizeof b, "WAV: sample rate 1000000000 Hz is out of range (1..768000)");
  wav_header(b, 0x55, 2, 44100, 16, 64);
  expect_err("mp3 in wav", b, sizeof b, "WAV: format tag 0x0055 (MPEG layer 3) is not supported");
  wav_header(b, 1, 2, 44100, 0, 64);
  expect_err("0 bits", b, sizeof b, "0-bit integer PCM is not supported");
  wav_header(b, 1, 2, 44100, 48, 64);
  expect_err("48 bits", b, sizeof b, "48-bit integer PCM is not supported");
  wav_header(b, 3, 2, 44100, 16, 64);
  expect_err("16-bit float", b, sizeof b, "16-bit float is not supported");
  /* fmt chunk claiming to be larger than the file */
  wav_header(b, 1, 2, 44100, 16, 64);
  put32le(b + 16, 0x7FFFFFF0u);
  expect_err("huge fmt", b, sizeof b, "WAV: fmt chunk runs past the end of the file");
  /* no data chunk at all */
  wav_header(b, 1, 2, 44100, 16, 64);
  expect_err("no data", b, 36, "WAV: no data chunk");
  /* data size far past the end: decodes what is there, warns */
  char err[256], warn[256];
  long frames = 0;
  wav_header(b, 1, 2, 44100, 16, 0xFFFFFFF0u);
  int ok = run(b, sizeof b, err, sizeof err, warn, sizeof warn, &frames);
  CHECK(ok && frames == 16 && strstr(warn, "data chunk claims"), "data past end: %s %ld %s", err,
        frames, warn);
  /* WAVE_FORMAT_EXTENSIBLE with a sub-format GUID that is not audio */
  uint8_t x[68 + 16];
  memset(x, 0, sizeof x);
  memcpy(x, "RIFF", 4);
  put32le(x + 4, sizeof x - 8);
  memcpy(x + 8, "WAVEfmt ", 8);
  put32le(x + 16, 40);
  put16le(x + 20, 0xFFFE);
  put16le(x + 22, 2);
  put32le(x + 24, 44100);
  put16le(x + 32, 4);
  put16le(x + 34, 16);
  put16le(x + 36, 22);
  memcpy(x + 44, "\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x72", 16);
  memcpy(x + 60, "data", 4);
  put32le(x + 64, 16);
  expect_err("bad GUID", x, sizeof x, "sub-format GUID");
}

/* FORM AIFF with COMM and a small SSND. */
static size_t aiff(uint8_t *b, unsigned ch, uint32_t frames, unsigned bits, const uint8_t rate[10],
                   const char *aifc_type) {
  size_t comm = aifc_type ? 24 : 18, n = 12 + 8 + comm + 8 + 8 + 32;
  memset(b, 0, n);
  memcpy(b, "FORM", 4);
  put32be(b + 4, (uint32_t)(n - 8));
  memcpy(b + 8, aifc_type ? "AIFC" : "AIFF", 4);
  memcpy(b + 12, "COMM", 4);
  put32be(b + 16, (uint32_t)comm);
  b[20] = (uint8_t)(ch >> 8), b[21] = (uint8_t)ch;
  put32be(b + 22, frames);
  b[26] = (uint8_t)(bits >> 8), b[27] = (uint8_t)bits;
  memcpy(b + 28, rate, 10);
  if (aifc_type)
    memcpy(b + 38, aifc_type, 4);
  size_t s = 20 + comm;
  memcpy(b + s, "SSND", 4);
  put32be(b + s + 4, 8 + 32);
  return n;
}

static void lying_aiff(void) {
  static const uint8_t r44k[10] = {0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0};
  static const uint8_t rnan[10] = {0x7F, 0xFF, 0xC0, 0, 0, 0, 0, 0, 0, 0};
  static const uint8_t rzero[10] = {0};
  static const uint8_t rhuge[10] = {0x40, 0x1C, 0xEE, 0x6B, 0x28, 0, 0, 0, 0, 0}; /* 1e9 */
  uint8_t b[128];
  char err[256], warn[256];
  long frames;
  size_t n = aiff(b, 2, 8, 16, r44k, NULL);
  int ok = run(b, n, err, sizeof err, warn, sizeof warn, &frames);
  CHECK(ok && frames == 8 && !warn[0], "AIFF baseline: %s %ld %s", err, frames, warn);
  n = aiff(b, 2, 0xFFFFFFFFu, 16, r44k, NULL);
  ok = run(b, n, err, sizeof err, warn, sizeof warn, &frames);
  CHECK(ok && frames == 8 && strstr(warn, "4294967295 frames"), "absurd numSampleFrames: %s %ld %s",
        err, frames, warn);
  n = aiff(b, 0, 8, 16, r44k, NULL);
  expect_err("AIFF 0 channels", b, n, "AIFF: 0 channels");
  n = aiff(b, 65535, 8, 16, r44k, NULL);
  expect_err("AIFF 65535 channels", b, n, "AIFF: 65535 channels");
  n = aiff(b, 2, 8, 16, rnan, NULL);
  expect_err("AIFF NaN rate", b, n, "AIFF: sample rate is not a finite positive number");
  n = aiff(b, 2, 8, 16, rzero, NULL);
  expect_err("AIFF rate 0", b, n, "AIFF: sample rate 0 Hz is out of range");
  n = aiff(b, 2, 8, 16, rhuge, NULL);
  expect_err("AIFF rate 1e9", b, n, "AIFF: sample rate 1000000000 Hz is out of range");
  n = aiff(b, 2, 8, 0, r44k, NULL);
  expect_err("AIFF 0 bits", b, n, "AIFF: 0-bit samples are not supported");
  n = aiff(b, 2, 8, 16, r44k, "ima4");
  expect_err("AIFC ima4", b, n, "AIFF: AIFC compression 'ima4' is not supported");
  /* SSND offset past the end */
  n = aiff(b, 2, 8, 16, r44k, NULL);
  put32be(b + 46, 0x7FFFFFFFu);
  expect_err("SSND offset", b, n, "SSND offset");
}

/* fLaC + STREAMINFO (34 bytes) with the given fields. */
static size_t flac_head(uint8_t *b, unsigned minbs, unsigned maxbs, uint32_t rate, unsigned ch,
                        unsigned bps, uint64_t total) {
  memset(b, 0, 42);
  memcpy(b, "fLaC", 4);
  b[4] = 0x80;
  b[7] = 34;
  uint8_t *s = b + 8;
  s[0] = (uint8_t)(minbs >> 8), s[1] = (uint8_t)minbs;
  s[2] = (uint8_t)(maxbs >> 8), s[3] = (uint8_t)maxbs;
  s[10] = (uint8_t)(rate >> 12);
  s[11] = (uint8_t)(rate >> 4);
  s[12] = (uint8_t)(((rate & 15) << 4) | ((ch - 1) << 1) | ((bps - 1) >> 4));
  s[13] = (uint8_t)((((bps - 1) & 15) << 4) | ((total >> 32) & 15));
  put32be(s + 14, (uint32_t)total);
  return 42;
}

static void lying_flac(void) {
  uint8_t b[256];
  char err[256], warn[256];
  long frames;
  size_t n = flac_head(b, 4096, 4096, 44100, 2, 3, 1000);
  expect_err("FLAC 3 bits", b, n, "FLAC: 3 bits per sample in STREAMINFO (4..32 are valid)");
  n = flac_head(b, 4096, 4096, 1000000, 2, 16, 1000);
  expect_err("FLAC rate 1e6", b, n, "FLAC: sample rate 1000000 Hz is out of range (1..768000)");
  n = flac_head(b, 4096, 4096, 0, 2, 16, 1000);
  expect_err("FLAC rate 0", b, n,
             "FLAC: sample rate is 0 in STREAMINFO and not in the first frame");
  n = flac_head(b, 4096, 4096, 44100, 2, 16, 1000);
  b[7] = 200; /* STREAMINFO length past the end */
  expect_err("FLAC metadata", b, n, "FLAC: metadata block of type 0 runs past the end of the file");
  n = flac_head(b, 4096, 4096, 44100, 2, 16, 1000);
  b[4] = 0x84; /* first block VORBIS_COMMENT */
  expect_err("FLAC first block", b, n, "not STREAMINFO");
  b[4] = 0xFF;
  expect_err("FLAC type 127", b, n, "invalid metadata block type 127");
  /* huge block sizes and totals: nothing is allocated from them, the missing frames end it */
  n = flac_head(b, 65535, 65535, 44100, 8, 32, (1ull << 36) - 1);
  int ok = run(b, n, err, sizeof err, warn, sizeof warn, &frames);
  CHECK(ok && frames == 0 && strstr(warn, "truncated"), "huge totals: %s %ld %s", err, frames,
        warn);
  /* a frame header for a 65536-sample block, then nothing */
  uint8_t fh[8] = {0xFF, 0xF8, 0x79, 0x7E, 0x00, 0xFF, 0xFF, 0}; /* 8 channels, 32 bits */
  fh[7] = dec_flac_crc8(fh, 7);
  memcpy(b + n, fh, 8);
  ok = run(b, n + 8, err, sizeof err, warn, sizeof warn, &frames);
  CHECK(ok && frames == 0 && strstr(warn, "truncated"), "65536-sample frame cut: %s %ld %s", err,
        frames, warn);
  /* the same frame declaring 3 channels in a stereo stream: an error naming the frame */
  n = flac_head(b, 4096, 4096, 44100, 2, 16, 100);
  fh[3] = 0x28;
  fh[7] = dec_flac_crc8(fh, 7);
  memcpy(b + n, fh, 8);
  memset(b + n + 8, 0, 32);
  expect_err("FLAC channel change", b, n + 40, "FLAC: frame 0: 3 channels where STREAMINFO says 2");
}

/* Every prefix of a file, then random mutations of it. */
static void torture(const char *name, int mutations) {
  char path[256];
  snprintf(path, sizeof path, FIXDIR "%s", name);
  size_t len;
  uint8_t *orig = read_file(path, &len);
  CHECK(orig != NULL, "%s missing", path);
  if (!orig)
    return;
  char err[256], warn[256];
  long full = 0;
  int ok = run(orig, len, err, sizeof err, warn, sizeof warn, &full);
  CHECK(ok && full > 0 && !warn[0], "%s: %s %s", name, err, warn);
  uint8_t *x = malloc(len);
  int cut_ok = 0, cut_fail = 0;
  for (size_t cut = 0; cut < len; cut += cut < 256 ? 1 : 1 + cut / 64) {
    memcpy(x, orig, cut); /* a copy of exactly cut bytes: ASan sees any overread */
    uint8_t *y = malloc(cut ? cut : 1);
    memcpy(y, orig, cut);
    long frames = 0;
    if (run(y, cut, err, sizeof err, warn, sizeof warn, &frames)) {
      cut_ok++;
      CHECK(frames <= full, "%s cut at %zu: %ld frames of %ld", name, cut, frames, full);
      if (frames < full && frames > 0)
        CHECK(warn[0] != 0, "%s cut at %zu: %ld of %ld frames without a warning", name, cut, frames,
              full);
    } else {
      cut_fail++;
    }
    free(y);
  }
  int mut_ok = 0;
  for (int t = 0; t < mutations; t++) {
    memcpy(x, orig, len);
    int k = 1 + (int)(rng() % 8);
    for (int j = 0; j < k; j++) {
      size_t at = (size_t)(rng() % len);
      /* half the hits in the first 128 bytes (headers), some in the second half (audio) */
      uint64_t r = rng() % 4;
      if (r < 2)
        at %= len < 128 ? len : 128;
      else if (r == 2)
        at = len / 2 + at % (len - len / 2);
      if (rng() & 1)
        x[at] ^= (uint8_t)(1u << (rng() % 8));
      else
        x[at] = (uint8_t)rng();
    }
    mut_ok += run(x, len, err, sizeof err, warn, sizeof warn, NULL);
  }
  printf("bad: %s: %d prefixes opened and decoded, %d refused; %d of %d mutations decoded\n", name,
         cut_ok, cut_fail, mut_ok, mutations);
  free(x);
  free(orig);
}

int main(void) {
  /* SM_FUZZ_SEED / SM_FUZZ_SCALE: other seeds and more mutations for a longer run by hand */
  const char *seed = getenv("SM_FUZZ_SEED"), *scale_s = getenv("SM_FUZZ_SCALE");
  if (seed)
    rng_state += strtoull(seed, NULL, 10) * 0xD1B54A32D192ED03ull;
  if (!rng_state)
    rng_state = 1;
  int scale = scale_s ? atoi(scale_s) : 1;
  if (scale < 1)
    scale = 1;
  not_audio();
  browser_formats();
  lying_wav();
  lying_aiff();
  lying_flac();
  vorbis_setup_codebooks();
  extra_bad_files();
  torture("small.wav", 3000 * scale);
  torture("small.aiff", 3000 * scale);
  torture("small.aifc", 3000 * scale);
  torture("small.flac", 5000 * scale);
  torture("small.ogg", 4000 * scale);
  if (HAVE_HEAP_COUNT) {
    printf("bad: largest decoder heap seen %zu bytes\n", worst_heap);
    CHECK(worst_heap < 40u * 1024 * 1024, "a decoder held %zu bytes", worst_heap);
  }
  return check_report("test_decode_bad");
}
