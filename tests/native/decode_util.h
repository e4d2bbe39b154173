/* decode_util.h — helpers shared by the decoder tests (test_decode_*.c): reading fixture files
 * and lists, decoding a whole buffer in blocks, memory in use (under ASan). */
#ifndef TEST_DECODE_UTIL_H
#define TEST_DECODE_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"

#if defined(__SANITIZE_ADDRESS__)
/* from the ASan runtime (its header is not always installed) */
size_t __sanitizer_get_current_allocated_bytes(void);
#define HAVE_HEAP_COUNT 1
static inline size_t heap_in_use(void) { return __sanitizer_get_current_allocated_bytes(); }
#else
#define HAVE_HEAP_COUNT 0
static inline size_t heap_in_use(void) { return 0; }
#endif

#define FIXDIR "build/fixtures/decode/"

/* Whole file in a malloc'd buffer (NULL when it cannot be read). */
static inline uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
  if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = n > 0 ? (size_t)n : 0;
  return buf;
}

/* Decoded stream: interleaved samples, as floats or int32. */
typedef struct decoded {
  float *f;
  int32_t *i;
  long frames;
  int channels;
  double rate;
  int64_t declared; /* dec_decoder_frames */
  int bits;
  char err[256]; /* open or read error, "" when none */
  char warn[256];
  char format[16];
} decoded;

/* Decodes buf completely in blocks of `block` frames; ints: read int32 instead of float.
 * Returns 1 when it opened and read to the end without error. */
static inline int decode_all(const uint8_t *buf, size_t len, long block, int ints, decoded *out) {
  memset(out, 0, sizeof *out);
  dec_decoder *d = dec_decoder_open(buf, len, out->err, sizeof out->err);
  if (!d)
    return 0;
  snprintf(out->format, sizeof out->format, "%s", dec_decoder_format(d));
  out->channels = dec_decoder_channels(d);
  out->rate = dec_decoder_rate(d);
  out->declared = dec_decoder_frames(d);
  out->bits = dec_decoder_bits(d);
  size_t cap = 0, nc = (size_t)out->channels;
  int ok = 1;
  for (;;) {
    if ((size_t)out->frames + (size_t)block > cap) {
      cap = cap * 2 + (size_t)block;
      if (ints)
        out->i = realloc(out->i, cap * nc * sizeof *out->i);
      else
        out->f = realloc(out->f, cap * nc * sizeof *out->f);
    }
    long n = ints ? dec_decoder_read_i32(d, out->i + (size_t)out->frames * nc, block)
                  : dec_decoder_read(d, out->f + (size_t)out->frames * nc, block);
    if (n < 0) {
      const char *e = dec_decoder_error(d);
      snprintf(out->err, sizeof out->err, "%s", e ? e : "(read -1 without a reason)");
      ok = 0;
      break;
    }
    if (n == 0)
      break;
    out->frames += n;
  }
  const char *w = dec_decoder_warning(d);
  if (w)
    snprintf(out->warn, sizeof out->warn, "%s", w);
  dec_decoder_close(d);
  return ok;
}

static inline void decoded_free(decoded *d) {
  free(d->f);
  free(d->i);
  d->f = NULL;
  d->i = NULL;
}

/* Splits a list line into up to max whitespace-separated fields (in place). */
static inline int split_fields(char *line, char **fields, int max) {
  int n = 0;
  for (char *t = strtok(line, " \t\r\n"); t && n < max; t = strtok(NULL, " \t\r\n"))
    fields[n++] = t;
  return n;
}

#endif
