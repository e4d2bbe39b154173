/* test_decode_vorbis.c — Ogg Vorbis (oggenc-made tones, mono to 6 channels, 22.05..48 kHz)
 * decoded through stb_vorbis and compared with sox's libvorbis decode of the same file:
 * length, rate, channels, and samples within a small tolerance. */
#include <math.h>

#include "check.h"
#include "decode_util.h"

static void check_ogg(const char *path, const char *refpath, double rate, int ch, long frames) {
  size_t len = 0, rlen = 0;
  uint8_t *buf = read_file(path, &len);
  float *ref = (float *)(void *)read_file(refpath, &rlen);
  CHECK(buf && ref, "%s: cannot read file or reference", path);
  if (!buf || !ref)
    goto out;
  decoded d;
  int ok = decode_all(buf, len, 4096, 0, &d);
  if (ch == 6) {
    /* libvorbis's 5.1 mapping, which stb_vorbis gets wrong: refused, for the browser */
    CHECK(!ok && strstr(d.err, "decoded by the browser, not the engine"), "%s: '%s'", path, d.err);
    decoded_free(&d);
    goto out;
  }
  CHECK(ok, "%s: %s", path, d.err);
  CHECK(!strcmp(d.format, "ogg"), "%s: format %s", path, d.format);
  CHECK(d.channels == ch && d.rate == rate, "%s: %d ch %g Hz, sox says %d ch %g Hz", path,
        d.channels, d.rate, ch, rate);
  CHECK(d.frames == frames && d.declared == frames, "%s: %ld frames (declared %lld), sox says %ld",
        path, d.frames, (long long)d.declared, frames);
  CHECK(d.warn[0] == 0, "%s: warning %s", path, d.warn);
  CHECK(d.bits == 0, "%s: bits %d for a lossy format", path, d.bits);
  size_t n = rlen / 4;
  if (ok && n == (size_t)d.frames * (size_t)ch) {
    double worst = 0, se = 0, sr = 0;
    for (size_t k = 0; k < n; k++) {
      double e = (double)d.f[k] - (double)ref[k];
      se += e * e;
      sr += (double)ref[k] * ref[k];
      if (fabs(e) > worst)
        worst = fabs(e);
    }
    /* two float implementations of the same inverse MDCT: differences at rounding level */
    CHECK(worst < 2e-4, "%s: largest difference from libvorbis %.3g", path, worst);
    CHECK(sr > 0 && sqrt(se / sr) < 1e-4, "%s: relative RMS difference %.3g", path,
          sr > 0 ? sqrt(se / sr) : -1.0);
    printf("vorbis: %s: max |diff| %.2g, relative RMS %.2g\n", path, worst, sqrt(se / sr));
  }
  decoded_free(&d);

  /* integer reads are refused for a lossy format, with a reason */
  char err[200];
  dec_decoder *dec = dec_decoder_open(buf, len, err, sizeof err);
  CHECK(dec != NULL, "%s: reopen: %s", path, err);
  if (dec) {
    int32_t tmp[64];
    CHECK(dec_decoder_read_i32(dec, tmp, 64 / ch) == -1 && dec_decoder_error(dec),
          "%s: int read of Vorbis did not fail", path);
    dec_decoder_close(dec);
  }
  /* a copy cut halfway through the audio pages ends early with a warning */
  size_t audio = 0; /* start of the third page: the first with audio */
  for (size_t q = 0, pages = 0; q + 27 <= len && pages < 2; pages++) {
    size_t size = 27 + buf[q + 26];
    for (size_t i = 0; i < buf[q + 26] && q + 27 + i < len; i++)
      size += buf[q + 27 + i];
    q += size;
    audio = q;
  }
  CHECK(audio > 0 && audio < len, "%s: no audio pages found", path);
  ok = decode_all(buf, audio + (len - audio) / 2, 4096, 0, &d);
  CHECK(ok && d.frames > 0 && d.frames < frames && d.warn[0], "%s cut: %s %ld %s", path, d.err,
        d.frames, d.warn);
  decoded_free(&d);
out:
  free(buf);
  free(ref);
}

int main(void) {
  FILE *lst = fopen(FIXDIR "ogg.list", "r");
  CHECK(lst != NULL, "no %sogg.list: run make fixtures", FIXDIR);
  char line[2048];
  int files = 0;
  while (lst && fgets(line, sizeof line, lst)) {
    char *f[5];
    if (split_fields(line, f, 5) != 5)
      continue;
    check_ogg(f[0], f[1], atof(f[2]), atoi(f[3]), atol(f[4]));
    files++;
  }
  if (lst)
    fclose(lst);
  CHECK(files >= 5, "only %d Ogg fixtures", files);
  return check_report("test_decode_vorbis");
}
