/* test_decode_flac.c — the engine's FLAC decoder against the reference `flac -d` output, bit
 * for bit, on real recordings (sonic-pi samples) and generated streams (8..32 bits, 1..8
 * channels, block sizes 192..65535, -0/-8/--lax, wasted bits, variable block size, rates coded
 * every way), see tests/fixtures/decode.sh; then damaged and patched streams, CRC and MD5
 * known answers. */
#include "check.h"
#include "decode/flac_crc.h"
#include "decode/md5.h"
#include "decode_util.h"

static int files_exact, files_total, real_files;

/* The reference: little-endian signed, ceil(bits/8) bytes a sample. */
static int32_t ref_sample(const uint8_t *r, int nb) {
  uint32_t v = 0;
  for (int j = nb - 1; j >= 0; j--)
    v = (v << 8) | r[j];
  int sh = 32 - 8 * nb;
  return (int32_t)(v << sh) >> sh;
}

static void check_stream(const char *path, const char *refpath, int bits, int ch, double rate,
                         long frames, const char *label) {
  size_t len = 0, rlen = 0;
  uint8_t *buf = read_file(path, &len);
  uint8_t *ref = read_file(refpath, &rlen);
  CHECK(buf && ref, "%s: cannot read file or reference", path);
  if (!buf || !ref)
    goto out;
  files_total++;
  int nb = (bits + 7) / 8;
  CHECK(rlen == (size_t)frames * (size_t)ch * (size_t)nb, "%s: reference size %zu", path, rlen);

  decoded d;
  int ok = decode_all(buf, len, 4096, 1, &d);
  CHECK(ok, "%s (%s): %s", path, label, d.err);
  CHECK(!strcmp(d.format, "flac"), "%s: format %s", path, d.format);
  CHECK(d.channels == ch && d.rate == rate && d.bits == bits && d.declared == frames,
        "%s: %d ch %g Hz %d bits %lld frames, expected %d %g %d %ld", path, d.channels, d.rate,
        d.bits, (long long)d.declared, ch, rate, bits, frames);
  /* no warning: in particular the MD5 of the decoded audio matched STREAMINFO's */
  CHECK(d.warn[0] == 0, "%s: warning: %s", path, d.warn);
  CHECK(d.frames == frames, "%s: decoded %ld frames, expected %ld", path, d.frames, frames);
  size_t bad = 0;
  if (ok && d.frames == frames && rlen == (size_t)frames * (size_t)ch * (size_t)nb) {
    for (size_t k = 0; k < (size_t)frames * (size_t)ch; k++)
      if (d.i[k] != ref_sample(ref + k * (size_t)nb, nb)) {
        if (!bad)
          fprintf(stderr, "%s: first difference at sample %zu: %d vs %d\n", path, k, d.i[k],
                  ref_sample(ref + k * (size_t)nb, nb));
        bad++;
      }
    CHECK(bad == 0, "%s: %zu samples differ from flac -d", path, bad);
    if (bad == 0)
      files_exact++;
  }
  int32_t *ints = d.i;
  d.i = NULL;
  decoded_free(&d);

  /* the float path: value x 2^(bits-1) gives the integer back (exactly up to 24 bits) */
  ok = decode_all(buf, len, 1000, 0, &d);
  CHECK(ok && d.frames == frames, "%s: float decode: %s", path, d.err);
  if (ok && d.frames == frames && ints) {
    double scale = (double)(1u << (bits - 1)), worst = 0;
    for (size_t k = 0; k < (size_t)frames * (size_t)ch; k++) {
      double e = fabs((double)d.f[k] * scale - (double)ints[k]);
      if (e > worst)
        worst = e;
    }
    double tol = bits <= 24 ? 0.0 : (double)(1u << (bits - 25));
    CHECK(worst <= tol, "%s: float x 2^%d differs from the integer by %g", path, bits - 1, worst);
  }
  free(ints);
  decoded_free(&d);
out:
  free(buf);
  free(ref);
}

static void known_answers(void) {
  const uint8_t *s = (const uint8_t *)"123456789";
  CHECK(dec_flac_crc8(s, 9) == 0xF4, "CRC-8 check value 0x%02X", dec_flac_crc8(s, 9));
  CHECK(dec_flac_crc16(s, 9) == 0xFEE8, "CRC-16 check value 0x%04X", dec_flac_crc16(s, 9));
  static const struct {
    const char *msg, *hex;
  } v[] = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
       "57edf4a22be3c955ac49da2e2107b67a"},
  };
  for (size_t t = 0; t < sizeof v / sizeof v[0]; t++) {
    dec_md5 c;
    uint8_t dg[16];
    char hex[33];
    dec_md5_init(&c);
    /* fed in uneven pieces to exercise the block buffering */
    size_t n = strlen(v[t].msg);
    for (size_t i = 0; i < n; i += 7)
      dec_md5_update(&c, v[t].msg + i, n - i < 7 ? n - i : 7);
    dec_md5_final(&c, dg);
    for (int i = 0; i < 16; i++)
      snprintf(hex + 2 * i, 3, "%02x", dg[i]);
    CHECK(!strcmp(hex, v[t].hex), "MD5(\"%s\") = %s", v[t].msg, hex);
  }
}

/* Damaged and patched copies of one generated stream. */
static void damaged(void) {
  size_t len;
  uint8_t *b = read_file(FIXDIR "g16_c8.flac", &len);
  CHECK(b != NULL, "g16_c8.flac missing");
  if (!b)
    return;
  decoded ref, d;
  CHECK(decode_all(b, len, 4096, 1, &ref), "g16_c8: %s", ref.err);
  uint8_t *x = malloc(len + 4096);
  /* STREAMINFO fields: block at 8, rate at +10 */
  const size_t si = 8;

  /* sample rate 0 in STREAMINFO: taken from the frame headers */
  memcpy(x, b, len);
  x[si + 10] = 0;
  x[si + 11] = 0;
  x[si + 12] &= 0x0F;
  int ok = decode_all(x, len, 4096, 1, &d);
  CHECK(ok && d.rate == 44100 && d.frames == ref.frames, "STREAMINFO rate 0: %s %g", d.err, d.rate);
  decoded_free(&d);

  /* total samples unknown (0): frames -1, everything still decoded */
  memcpy(x, b, len);
  x[si + 13] &= 0xF0;
  memset(x + si + 14, 0, 4);
  ok = decode_all(x, len, 4096, 1, &d);
  CHECK(ok && d.declared == -1 && d.frames == ref.frames && !d.warn[0], "total 0: %s %lld %ld %s",
        d.err, (long long)d.declared, d.frames, d.warn);
  decoded_free(&d);

  /* a wrong MD5 signature: decodes, with a warning */
  memcpy(x, b, len);
  x[si + 20] ^= 0x55;
  ok = decode_all(x, len, 4096, 1, &d);
  CHECK(ok && d.frames == ref.frames && strstr(d.warn, "MD5"), "MD5 mismatch: %s / %s", d.err,
        d.warn);
  decoded_free(&d);

  /* a leading ID3v2 tag */
  memcpy(x, "ID3\x04\x00\x00\x00\x00\x01\x00", 10); /* 128-byte tag body */
  memset(x + 10, 0, 128);
  memcpy(x + 138, b, len);
  ok = decode_all(x, len + 138, 4096, 1, &d);
  CHECK(ok && d.frames == ref.frames && !d.warn[0], "ID3v2 + FLAC: %s %s", d.err, d.warn);
  decoded_free(&d);

  /* last byte (the last frame's CRC-16) damaged: an error naming the frame */
  memcpy(x, b, len);
  x[len - 1] ^= 0x01;
  ok = decode_all(x, len, 4096, 1, &d);
  CHECK(!ok && strstr(d.err, "CRC-16 mismatch") && strstr(d.err, "FLAC: frame "), "CRC-16: '%s'",
        d.err);
  decoded_free(&d);

  /* truncated in the middle: what was decoded matches, with a warning */
  ok = decode_all(b, len / 2, 4096, 1, &d);
  CHECK(ok && d.frames > 0 && d.frames < ref.frames && strstr(d.warn, "truncated"),
        "truncated: %s %ld %s", d.err, d.frames, d.warn);
  if (ok && d.frames > 0 && d.frames <= ref.frames)
    CHECK(!memcmp(d.i, ref.i, (size_t)d.frames * 2 * sizeof *d.i), "truncated: prefix differs");
  decoded_free(&d);

  /* junk between frames: skipped with a warning, the rest decodes. Find the second frame
   * header by its sync code after the first one. */
  size_t f1 = 0, f2 = 0;
  for (size_t p = 8 + 38; p + 1 < len && !f2; p++)
    if (b[p] == 0xFF && b[p + 1] == 0xF8) {
      if (!f1)
        f1 = p;
      else if (p > f1 + 16)
        f2 = p;
    }
  CHECK(f2 > 0, "no second frame found");
  if (f2) {
    memcpy(x, b, f2);
    memset(x + f2, 0xA5, 100);
    memcpy(x + f2 + 100, b + f2, len - f2);
    ok = decode_all(x, len + 100, 4096, 1, &d);
    CHECK(ok && d.frames == ref.frames && strstr(d.warn, "skipped 100 bytes"), "junk: %s %ld %s",
          d.err, d.frames, d.warn);
    if (ok && d.frames == ref.frames)
      CHECK(!memcmp(d.i, ref.i, (size_t)d.frames * 2 * sizeof *d.i), "junk: samples differ");
    decoded_free(&d);
  }
  free(x);
  decoded_free(&ref);
  free(b);
}

/* Memory held while a long stream decodes stays bounded by the block size. */
static void bounded_memory(void) {
  size_t len;
  uint8_t *b = read_file(FIXDIR "real_loop_tabla.flac", &len);
  CHECK(b != NULL, "real_loop_tabla.flac missing");
  if (!b)
    return;
  size_t base = heap_in_use(), peak = 0;
  char err[200];
  dec_decoder *d = dec_decoder_open(b, len, err, sizeof err);
  CHECK(d != NULL, "open: %s", err);
  float out[4096 * 2];
  long total = 0, n;
  while (d && (n = dec_decoder_read(d, out, 4096)) > 0) {
    total += n;
    size_t now = heap_in_use() - base;
    if (now > peak)
      peak = now;
  }
  CHECK(total == dec_decoder_frames(d), "decoded %ld of %lld", total,
        (long long)dec_decoder_frames(d));
  dec_decoder_close(d);
  if (HAVE_HEAP_COUNT) {
    /* 2 channels x 4096-sample blocks x 8 bytes, plus the state: far below the 1.9 MB decoded */
    CHECK(peak < 128 * 1024, "FLAC decoder holds %zu bytes for a %zu-byte file", peak, len);
    printf("flac: peak decoder heap %zu bytes for %zu-byte file (%ld frames)\n", peak, len, total);
  }
  free(b);
}

/* ---- a hand-built stream: subframe kinds the reference encoder rarely or never emits ----
 * (Checked once by hand: `flac -d` decodes this stream to the same 64 samples.) */

typedef struct bitw {
  uint8_t b[4096];
  size_t n; /* bits written */
} bitw;

static void put(bitw *w, uint64_t v, int bits) {
  for (int i = bits - 1; i >= 0; i--) {
    if ((v >> i) & 1)
      w->b[w->n >> 3] |= (uint8_t)(0x80 >> (w->n & 7));
    w->n++;
  }
}
static void put_rice(bitw *w, int64_t r, int k) {
  uint64_t u = r >= 0 ? (uint64_t)r * 2 : (uint64_t)(-r) * 2 - 1;
  for (uint64_t q = u >> k; q > 0; q--)
    put(w, 0, 1);
  put(w, 1, 1);
  put(w, u & ((1u << k) - 1), k);
}

/* Appends one frame: header for `n` samples of 16-bit mono (variable-blocksize numbering by
 * `first`, written in the longest, 7-byte form from 32 on), subframe bits from `sub`. */
static void frame(bitw *w, uint64_t first, int n, const bitw *sub) {
  size_t start = w->n >> 3;
  put(w, 0xFFF9, 16); /* sync + variable block size */
  put(w, 7, 4);       /* block size: 16-bit field follows */
  put(w, 0, 4);       /* sample rate from STREAMINFO */
  put(w, 0, 4);       /* 1 channel */
  put(w, 4, 3);       /* 16 bits */
  put(w, 0, 1);
  if (first < 0x20) {
    put(w, first, 8);
  } else { /* 7-byte form: 0xFE then six 6-bit groups */
    put(w, 0xFE, 8);
    for (int g = 5; g >= 0; g--)
      put(w, 0x80 | ((first >> (6 * g)) & 0x3F), 8);
  }
  put(w, (uint64_t)(n - 1), 16);
  put(w, dec_flac_crc8(w->b + start, (w->n >> 3) - start), 8);
  for (size_t i = 0; i < sub->n; i++)
    put(w, (sub->b[i >> 3] >> (7 - (i & 7))) & 1, 1);
  while (w->n & 7)
    put(w, 0, 1);
  put(w, dec_flac_crc16(w->b + start, (w->n >> 3) - start), 16);
}

static void handmade(void) {
  enum { N = 16 };
  static bitw w, sub;
  int64_t want[4 * N];
  memset(&w, 0, sizeof w);
  memcpy(w.b, "fLaC", 4);
  w.n = 32;
  put(&w, 0x80, 8); /* last metadata block, STREAMINFO */
  put(&w, 34, 24);
  put(&w, N, 16);
  put(&w, N, 16);
  put(&w, 0, 24);
  put(&w, 0, 24);
  put(&w, 22050, 20);
  put(&w, 0, 3);
  put(&w, 15, 5);
  put(&w, 4 * N, 36);
  for (int i = 0; i < 16; i++)
    put(&w, 0, 8); /* no MD5 */

  /* 1: CONSTANT -1234 */
  memset(&sub, 0, sizeof sub);
  put(&sub, 0x00, 8);
  put(&sub, (uint64_t)(-1234) & 0xFFFF, 16);
  for (int i = 0; i < N; i++)
    want[i] = -1234;
  frame(&w, 0, N, &sub);

  /* 2: VERBATIM with 3 wasted bits */
  memset(&sub, 0, sizeof sub);
  put(&sub, 0x03, 8); /* type 1, wasted flag */
  put(&sub, 0x1, 3);  /* unary 2 -> 3 wasted bits */
  for (int i = 0; i < N; i++) {
    int v = (i * 977) % 8192 - 4096; /* 13-bit values */
    put(&sub, (uint64_t)v & 0x1FFF, 13);
    want[N + i] = (int64_t)v * 8;
  }
  frame(&w, N, N, &sub);

  /* 3: FIXED order 2; residual method 0, partition order 1: an escaped partition of 7-bit
   * raw values, then a Rice partition with parameter 3 */
  memset(&sub, 0, sizeof sub);
  put(&sub, 0x0A << 1, 8);
  int64_t *s = want + 2 * N;
  s[0] = 100;
  s[1] = 90;
  put(&sub, (uint64_t)s[0], 16);
  put(&sub, (uint64_t)s[1], 16);
  put(&sub, 0, 2);
  put(&sub, 1, 4);
  put(&sub, 15, 4); /* escape */
  put(&sub, 7, 5);
  for (int i = 2; i < N; i++) {
    int64_t r = (i * 37) % 100 - 50; /* fits 7 bits signed */
    if (i == N / 2) {
      put(&sub, 3, 4); /* second partition: Rice, k = 3 */
    }
    if (i < N / 2)
      put(&sub, (uint64_t)r & 0x7F, 7);
    else
      put_rice(&sub, r, 3);
    s[i] = 2 * s[i - 1] - s[i - 2] + r;
  }
  frame(&w, 2 * N, N, &sub);

  /* 4: LPC order 1, 5-bit Rice parameters (method 1), parameter 20 */
  memset(&sub, 0, sizeof sub);
  put(&sub, (0x20 | 0) << 1, 8); /* LPC order 1 */
  s = want + 3 * N;
  s[0] = -3000;
  put(&sub, (uint64_t)s[0] & 0xFFFF, 16);
  put(&sub, 4, 4); /* precision 5 */
  put(&sub, 2, 5); /* shift 2 */
  put(&sub, 3, 5); /* coefficient 3: predict 3/4 of the last sample */
  put(&sub, 1, 2);
  put(&sub, 0, 4);
  put(&sub, 20, 5);
  for (int i = 1; i < N; i++) {
    int64_t r = (i % 2 ? 1 : -1) * (int64_t)i * 1500;
    put_rice(&sub, r, 20);
    s[i] = r + ((3 * s[i - 1]) >> 2);
  }
  frame(&w, 3 * N, N, &sub);

  decoded d;
  int ok = decode_all(w.b, w.n >> 3, 5, 1, &d);
  CHECK(ok && d.frames == 4 * N && d.rate == 22050, "hand-made stream: %s (%ld frames)", d.err,
        d.frames);
  if (ok && d.frames == 4 * N) {
    int bad = 0;
    for (int i = 0; i < 4 * N; i++)
      if (d.i[i] != want[i]) {
        if (!bad)
          fprintf(stderr, "hand-made: sample %d: %d, expected %lld\n", i, d.i[i],
                  (long long)want[i]);
        bad++;
      }
    CHECK(bad == 0,
          "hand-made stream: %d samples wrong (CONSTANT, VERBATIM+wasted, FIXED+escape, LPC+5-bit "
          "Rice)",
          bad);
  }
  decoded_free(&d);
}

int main(void) {
  known_answers();
  FILE *lst = fopen(FIXDIR "flac.list", "r");
  CHECK(lst != NULL, "no %sflac.list: run make fixtures", FIXDIR);
  char line[2048];
  int bits_seen[33] = {0}, ch_seen[9] = {0};
  while (lst && fgets(line, sizeof line, lst)) {
    char *f[8];
    if (split_fields(line, f, 8) < 7)
      continue;
    int bits = atoi(f[2]), ch = atoi(f[3]);
    check_stream(f[0], f[1], bits, ch, atof(f[4]), atol(f[5]), f[6]);
    if (!strncmp(f[6], "sonic-pi", 8))
      real_files++;
    if (bits > 0 && bits <= 32)
      bits_seen[bits] = 1;
    if (ch > 0 && ch <= 8)
      ch_seen[ch] = 1;
  }
  if (lst)
    fclose(lst);
  CHECK(real_files >= 10, "only %d real FLAC files", real_files);
  CHECK(bits_seen[8] && bits_seen[12] && bits_seen[16] && bits_seen[20] && bits_seen[24] &&
            bits_seen[32],
        "bit depths missing from the fixtures");
  for (int c = 1; c <= 6; c++)
    CHECK(ch_seen[c], "no %d-channel fixture", c);
  damaged();
  handmade();
  bounded_memory();
  printf("flac: %d of %d streams bit-exact against flac -d (%d real recordings)\n", files_exact,
         files_total, real_files);
  return check_report("test_decode_flac");
}
