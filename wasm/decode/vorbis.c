/* vorbis.c — Ogg Vorbis via stb_vorbis (see vorbis.h). This file holds the one copy of the
 * stb_vorbis implementation in the engine. */
#include "vorbis.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STB_VORBIS_NO_STDIO 1
#define STB_VORBIS_NO_PUSHDATA_API 1
/* Found through -isystem, stb_vorbis compiles quietly; were it found through -I, gcc would
 * flag maybe-uninitialized variables inside it. Silenced here only, around the include. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <stb_vorbis.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#define VORBIS_MIN_ARENA (256 * 1024)
#define VORBIS_MAX_ARENA (32 * 1024 * 1024)

const char *dec_ogg_stream_kind(const uint8_t *buf, size_t len) {
  if (len < 27 || memcmp(buf, "OggS", 4) != 0)
    return NULL;
  size_t nseg = buf[26];
  size_t at = 27 + nseg; /* first packet of the first page */
  if (at > len)
    return "unknown";
  const uint8_t *p = buf + at;
  size_t n = len - at;
  if (n >= 7 && !memcmp(p, "\x01vorbis", 7))
    return "vorbis";
  if (n >= 8 && !memcmp(p, "OpusHead", 8))
    return "opus";
  if (n >= 5 && !memcmp(p,
                        "\x7F"
                        "FLAC",
                        5))
    return "flac";
  if (n >= 8 && !memcmp(p, "Speex   ", 8))
    return "speex";
  if (n >= 7 && !memcmp(p, "\x80theora", 7))
    return "theora";
  return "unknown";
}

/* 1 when the last Ogg page in buf is whole and marked end-of-stream (a file cut short ends
 * on a partial page or one without the flag). */
static int ogg_ends_cleanly(const uint8_t *buf, size_t len) {
  for (size_t q = len >= 27 ? len - 27 : 0;; q--) {
    if (!memcmp(buf + q, "OggS", 4) && buf[q + 4] == 0) {
      size_t nseg = buf[q + 26], size = 27 + nseg;
      if (q + size > len)
        return 0;
      for (size_t i = 0; i < nseg; i++)
        size += buf[q + 27 + i];
      return q + size == len && (buf[q + 5] & 4);
    }
    if (q == 0)
      return 0;
  }
}

/* ---- Ogg packets, read here to vet what stb_vorbis would trust ----
 * stb_vorbis sizes its comment allocations by the 32-bit lengths in the comment header
 * without checking them against the packet (a length of 0xFFFFFFFF makes it write before its
 * buffer; a failed list allocation crashes its cleanup). So the comment header is checked
 * here first, and the allocation arena is made large enough for whatever it holds. */

typedef struct ogg_walk {
  const uint8_t *b;
  size_t len;
  size_t page; /* start of the current page */
  size_t data; /* next segment's bytes */
  int nseg, seg;
} ogg_walk;

static int ow_page(ogg_walk *w, size_t at) {
  if (at > w->len || w->len - at < 27 || memcmp(w->b + at, "OggS", 4) != 0)
    return 0;
  int nseg = w->b[at + 26];
  if (w->len - at - 27 < (size_t)nseg)
    return 0;
  w->page = at;
  w->nseg = nseg;
  w->seg = 0;
  w->data = at + 27 + (size_t)nseg;
  return 1;
}

/* The next packet: its length, copied into out when out is not NULL; -1 when it is not whole
 * in the buffer. */
static long ow_packet(ogg_walk *w, uint8_t *out) {
  long total = 0;
  for (;;) {
    if (w->seg == w->nseg) {
      if (!ow_page(w, w->data))
        return -1;
      continue;
    }
    size_t lace = w->b[w->page + 27 + (size_t)w->seg];
    if (w->data > w->len || w->len - w->data < lace)
      return -1;
    if (out)
      memcpy(out + total, w->b + w->data, lace);
    w->data += lace;
    w->seg++;
    total += (long)lace;
    if (lace < 255)
      return total;
  }
}

/* Length of the comment header (the second packet) after checking that every length in it
 * fits inside it; -1 when it is malformed or not whole. */
static long vet_comment_header(const uint8_t *buf, size_t len, size_t max) {
  ogg_walk w;
  memset(&w, 0, sizeof w);
  w.b = buf;
  w.len = len;
  if (!ow_page(&w, 0) || ow_packet(&w, NULL) < 0)
    return -1;
  ogg_walk start = w;
  long n = ow_packet(&w, NULL);
  if (n < 0 || (size_t)n > max)
    return -1;
  uint8_t *p = malloc((size_t)n + 1);
  if (!p)
    return -1;
  w = start;
  ow_packet(&w, p);
  long ok = -1;
  size_t at = 7, left;
  if (n >= 7 + 4 && !memcmp(p, "\x03vorbis", 7)) {
#define U32(q) ((size_t)(q)[0] | (size_t)(q)[1] << 8 | (size_t)(q)[2] << 16 | (size_t)(q)[3] << 24)
    size_t vendor = U32(p + at);
    at += 4;
    left = (size_t)n - at;
    if (vendor <= left && left - vendor >= 4) {
      at += vendor;
      size_t count = U32(p + at);
      at += 4;
      size_t i = 0;
      if (count <= ((size_t)n - at) / 4) {
        for (; i < count; i++) {
          if ((size_t)n - at < 4)
            break;
          size_t c = U32(p + at);
          at += 4;
          if (c > (size_t)n - at)
            break;
          at += c;
        }
      }
      if (i == count && at < (size_t)n && (p[at] & 1))
        ok = n;
    }
#undef U32
  }
  free(p);
  return ok;
}

/* ---- the setup header's codebooks, walked here before stb_vorbis reads them ----
 * stb_vorbis computes a lookup-type-1 codebook's value count with floating point
 * (lookup1_values) and converts results far beyond int range to int (undefined behaviour:
 * dimensions 516 with 81 entries gives 2^516), and multiplies entries by dimensions in int for
 * lookup type 2. The codebooks are read here with the same arithmetic, and a setup header whose
 * numbers leave int range, or whose codebooks run past the packet, is refused. */

typedef struct vb_reader {
  const uint8_t *p;
  size_t bits, at; /* size and position in bits */
} vb_reader;

/* n (0..32) bits, least significant first; 0 with at past bits at the end. */
static uint32_t vb_get(vb_reader *r, int n) {
  uint32_t v = 0;
  for (int k = 0; k < n; k++, r->at++)
    if (r->at < r->bits)
      v |= (uint32_t)(r->p[r->at >> 3] >> (r->at & 7) & 1) << k;
  return v;
}

static int vb_ilog(uint32_t n) {
  int b = 0;
  for (; n; n >>= 1)
    b++;
  return b;
}

/* stb_vorbis's lookup1_values computed without leaving int range: its value, or -1 (stb
 * refuses the codebook), or -2 (a step stb would convert to int is out of int range). */
static long vb_lookup1_values(int entries, int dim) {
  double r0 = floor(exp((float)log((float)entries) / dim));
  if (!(r0 >= 0 && r0 <= INT_MAX))
    return -2;
  int r = (int)r0;
  double p = floor(pow((float)r + 1, dim));
  if (!(p >= 0 && p <= INT_MAX))
    return -2;
  if ((int)p <= entries)
    ++r;
  if (pow((float)r + 1, dim) <= entries)
    return -1;
  p = floor(pow((float)r, dim));
  if (!(p >= 0 && p <= INT_MAX))
    return -2;
  if ((int)p > entries)
    return -1;
  return r;
}

/* Checks the codebooks of the setup packet p[0..n). 1 when stb_vorbis may read them; 0 with
 * the reason in m->err otherwise. */
static int vet_codebooks(const uint8_t *p, size_t n, dec_msgs *m) {
  if (n < 8 || memcmp(p, "\x05vorbis", 7) != 0) {
    dec_msg_set(m->err, "Ogg Vorbis: invalid setup header (no setup packet)");
    return 0;
  }
  vb_reader r = {p + 7, (n - 7) * 8, 0};
  int count = (int)vb_get(&r, 8) + 1;
  const char *why = NULL;
  int i;
  for (i = 0; i < count && !why; i++) {
    if (vb_get(&r, 24) != 0x564342) {
      why = "bad sync pattern";
      break;
    }
    int dim = (int)vb_get(&r, 16), entries = (int)vb_get(&r, 24);
    int ordered = (int)vb_get(&r, 1);
    int sparse = ordered ? 0 : (int)vb_get(&r, 1);
    if (dim == 0 && entries != 0) {
      why = "zero dimensions";
      break;
    }
    if (ordered) {
      int entry = 0, length = (int)vb_get(&r, 5) + 1;
      while (entry < entries && r.at <= r.bits) {
        int k = (int)vb_get(&r, vb_ilog((uint32_t)(entries - entry)));
        if (length >= 32 || k > entries - entry) {
          why = "codeword lengths out of range";
          break;
        }
        entry += k;
        length++;
      }
    } else {
      for (int j = 0; j < entries && r.at <= r.bits; j++)
        if (!sparse || vb_get(&r, 1))
          if (vb_get(&r, 5) + 1 == 32) {
            why = "codeword lengths out of range";
            break;
          }
    }
    if (why)
      break;
    int type = (int)vb_get(&r, 4);
    if (type > 2) {
      why = "unknown lookup type";
      break;
    }
    if (type > 0) {
      vb_get(&r, 32); /* minimum */
      vb_get(&r, 32); /* delta */
      int value_bits = (int)vb_get(&r, 4) + 1;
      vb_get(&r, 1); /* sequence_p */
      int64_t values = type == 1 ? vb_lookup1_values(entries, dim) : (int64_t)entries * dim;
      if (values < 0 || values > INT_MAX) {
        why = "lookup values out of range";
        break;
      }
      if ((uint64_t)values * (uint64_t)value_bits > r.bits - (r.at < r.bits ? r.at : r.bits)) {
        why = "lookup values run past the end of the packet";
        break;
      }
      r.at += (size_t)values * (size_t)value_bits;
    }
    if (r.at > r.bits) {
      why = "runs past the end of the packet";
      break;
    }
  }
  if (!why)
    return 1;
  dec_msg_set(m->err, "Ogg Vorbis: invalid setup header (codebook %d: %s)", i, why);
  return 0;
}

/* Copies the third packet (the setup header) and vets its codebooks; 0 with m->err set when
 * it is refused or not whole in the buffer. */
static int vet_setup_header(const uint8_t *buf, size_t len, dec_msgs *m) {
  ogg_walk w;
  memset(&w, 0, sizeof w);
  w.b = buf;
  w.len = len;
  long n = -1;
  if (ow_page(&w, 0) && ow_packet(&w, NULL) >= 0 && ow_packet(&w, NULL) >= 0) {
    ogg_walk start = w;
    n = ow_packet(&w, NULL);
    w = start;
  }
  if (n < 0) {
    dec_msg_set(m->err, "Ogg Vorbis: setup header missing or cut short (truncated file?)");
    return 0;
  }
  uint8_t *p = malloc((size_t)n + 1);
  if (!p) {
    dec_msg_set(m->err, "Ogg Vorbis: out of memory");
    return 0;
  }
  ow_packet(&w, p);
  int ok = vet_codebooks(p, (size_t)n, m);
  free(p);
  return ok;
}

static const char *stb_reason(int e) {
  switch (e) {
  case VORBIS_outofmem: return "setup needs more memory than allowed";
  case VORBIS_feature_not_supported: return "floor type 0 is not supported";
  case VORBIS_too_many_channels: return "too many channels (at most 16)";
  case VORBIS_unexpected_eof: return "file is truncated";
  case VORBIS_invalid_setup: return "invalid setup header";
  case VORBIS_invalid_stream: return "invalid stream";
  case VORBIS_missing_capture_pattern: return "missing Ogg capture pattern";
  case VORBIS_invalid_stream_structure_version: return "unknown Ogg stream structure version";
  case VORBIS_continued_packet_flag_invalid: return "invalid continued-packet flag";
  case VORBIS_incorrect_stream_serial_number: return "inconsistent stream serial number";
  case VORBIS_invalid_first_page: return "invalid first page";
  case VORBIS_bad_packet_type: return "bad packet type";
  case VORBIS_cant_find_last_page: return "cannot find the last page";
  case VORBIS_ogg_skeleton_not_supported: return "Ogg skeleton streams are not supported";
  default: return "decoding failed";
  }
}

typedef struct vorbis_state {
  stb_vorbis *v;
  char *arena;
  int channels;
  int done;
  int64_t decoded, expected;
} vorbis_state;

/* What stb_vorbis would get wrong or trip over, checked after it has read the setup header
 * and before it decodes any audio. Its structures are visible here because this file holds
 * the implementation. 0 with m->err set when the stream is refused. */
static int vet_setup(stb_vorbis *f, dec_msgs *m) {
  /* stb_vorbis 1.22 mis-decodes mappings with several submaps or coupling steps, which is
   * what libvorbis writes for 5.1 (nothings/stb issues 879, 1594): leave those to the
   * browser rather than return wrong audio. */
  for (int i = 0; i < f->mapping_count; i++)
    if (f->mapping[i].submaps > 1 || f->mapping[i].coupling_steps > 1) {
      dec_msg_set(m->err,
                  "ogg: %d-channel Vorbis with a multi-step channel mapping: decoded by the "
                  "browser, not the engine",
                  f->channels);
      m->browser = 1;
      return 0;
    }
  /* Codewords of 31 or 32 bits (legal, never written by real encoders) make stb_vorbis's
   * codebook search shift a signed 1 by 31: refuse them as corrupt. */
  for (int i = 0; i < f->codebook_count; i++) {
    Codebook *c = &f->codebooks[i];
    int n = c->sparse ? c->sorted_entries : c->entries;
    for (int j = 0; c->codeword_lengths && j < n; j++)
      if (c->codeword_lengths[j] != NO_CODE && c->codeword_lengths[j] > 30) {
        dec_msg_set(m->err, "Ogg Vorbis: codebook %d has %d-bit codewords (corrupt file?)", i,
                    c->codeword_lengths[j]);
        return 0;
      }
  }
  return 1;
}

/* stb_vorbis_open_memory with vet_setup between reading the headers and decoding the first
 * packet. NULL with *error set (-1: refused by vet_setup, reason in m->err). */
static stb_vorbis *open_vetted(const uint8_t *data, int len, int *error,
                               const stb_vorbis_alloc *alloc, dec_msgs *m) {
  stb_vorbis *f, p;
  vorbis_init(&p, alloc);
  p.stream = (uint8 *)data;
  p.stream_end = (uint8 *)data + len;
  p.stream_start = p.stream;
  p.stream_len = (uint32)len;
  p.push_mode = FALSE;
  if (start_decoder(&p)) {
    f = vorbis_alloc(&p);
    if (f) {
      *f = p;
      if (!vet_setup(f, m)) {
        *error = -1;
        stb_vorbis_close(f);
        return NULL;
      }
      vorbis_pump_first_frame(f);
      *error = VORBIS__no_error;
      return f;
    }
  }
  *error = p.error;
  vorbis_deinit(&p);
  return NULL;
}

static void vorbis_close(void *st) {
  vorbis_state *s = st;
  if (!s)
    return;
  if (s->v)
    stb_vorbis_close(s->v);
  free(s->arena);
  free(s);
}

static void *vorbis_open(const uint8_t *buf, size_t len, dec_stream_info *info, dec_msgs *m) {
  const char *kind = dec_ogg_stream_kind(buf, len);
  if (!kind || strcmp(kind, "vorbis") != 0) {
    dec_msg_set(m->err, "Ogg: not a Vorbis stream");
    return NULL;
  }
  if (len > INT_MAX) {
    dec_msg_set(m->err, "Ogg Vorbis: file larger than 2 GiB");
    return NULL;
  }
  vorbis_state *s = calloc(1, sizeof *s);
  if (!s) {
    dec_msg_set(m->err, "Ogg Vorbis: out of memory");
    return NULL;
  }
  long comments = vet_comment_header(buf, len, VORBIS_MAX_ARENA / 4);
  if (comments < 0) {
    dec_msg_set(m->err, "Ogg Vorbis: missing, cut or malformed comment header");
    vorbis_close(s);
    return NULL;
  }
  if (!vet_setup_header(buf, len, m)) {
    vorbis_close(s);
    return NULL;
  }
  /* room for the comments stb_vorbis copies (at most 3 x their size with pointers) */
  int e = VORBIS_outofmem, size = VORBIS_MIN_ARENA;
  while (size < 3 * comments + VORBIS_MIN_ARENA)
    size *= 2;
  for (; size <= VORBIS_MAX_ARENA && e == VORBIS_outofmem; size *= 4) {
    free(s->arena);
    s->arena = malloc((size_t)size);
    if (!s->arena)
      break;
    stb_vorbis_alloc a = {s->arena, size};
    e = 0;
    s->v = open_vetted(buf, (int)len, &e, &a, m);
  }
  if (!s->v) {
    if (e != -1)
      dec_msg_set(m->err, "Ogg Vorbis: %s", stb_reason(e));
    vorbis_close(s);
    return NULL;
  }
  stb_vorbis_info vi = stb_vorbis_get_info(s->v);
  if (vi.channels < 1) {
    dec_msg_set(m->err, "Ogg Vorbis: %d channels", vi.channels);
    vorbis_close(s);
    return NULL;
  }
  if (!dec_check_rate((double)vi.sample_rate, "Ogg Vorbis", m)) {
    vorbis_close(s);
    return NULL;
  }
  unsigned int n = stb_vorbis_stream_length_in_samples(s->v);
  (void)stb_vorbis_get_error(s->v); /* a missing last page is not fatal: length unknown */
  if (!ogg_ends_cleanly(buf, len))
    dec_msg_warn(m, "Ogg Vorbis: the file does not end with a complete last page (truncated?)");
  s->channels = vi.channels;
  s->expected = (n == 0 || n == 0xFFFFFFFFu) ? -1 : (int64_t)n;
  info->rate = vi.sample_rate;
  info->channels = vi.channels;
  info->frames = s->expected;
  info->bits = 0;
  return s;
}

static long vorbis_read(void *st, dec_out out, long max_frames, dec_msgs *m) {
  vorbis_state *s = st;
  if (out.i) {
    dec_msg_set(m->err, "Ogg Vorbis: no integer samples (lossy format)");
    return -1;
  }
  if (s->done || max_frames <= 0)
    return 0;
  long cap = INT_MAX / s->channels;
  if (max_frames > cap)
    max_frames = cap;
  long got = 0;
  while (got < max_frames) {
    int n = stb_vorbis_get_samples_float_interleaved(s->v, s->channels,
                                                     out.f + (size_t)got * (size_t)s->channels,
                                                     (int)((max_frames - got) * s->channels));
    if (n <= 0) {
      s->done = 1;
      int e = stb_vorbis_get_error(s->v);
      if (e != VORBIS__no_error && e != VORBIS_need_more_data)
        dec_msg_warn(m, "Ogg Vorbis: stream ends early after %lld samples (%s)",
                     (long long)(s->decoded + got), stb_reason(e));
      else if (s->expected >= 0 && s->decoded + got < s->expected)
        dec_msg_warn(m, "Ogg Vorbis: stream ends after %lld of %lld samples (truncated?)",
                     (long long)(s->decoded + got), (long long)s->expected);
      break;
    }
    got += n;
  }
  s->decoded += got;
  return got;
}

const dec_codec dec_codec_vorbis = {"ogg", vorbis_open, vorbis_read, vorbis_close};
