/* flac.c — FLAC stream: metadata, frame headers, channel decorrelation, output and the MD5
 * check (see flac.h). Subframes are decoded by flac_subframe.c. */
#include "flac.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "flac_bits.h"
#include "flac_crc.h"
#include "flac_subframe.h"
#include "md5.h"

#define FLAC_MAX_CHANNELS 8

size_t dec_id3v2_size(const uint8_t *buf, size_t len) {
  size_t pos = 0;
  /* several tags may follow each other; each is "ID3" ver rev flags size(4 x 7 bits) */
  while (len - pos >= 10 && !memcmp(buf + pos, "ID3", 3)) {
    const uint8_t *h = buf + pos;
    if ((h[6] | h[7] | h[8] | h[9]) & 0x80)
      break; /* not a syncsafe size: not a tag */
    size_t size = ((size_t)h[6] << 21) | ((size_t)h[7] << 14) | ((size_t)h[8] << 7) | h[9];
    size_t total = 10 + size + ((h[5] & 0x10) ? 10 : 0);
    if (total > len - pos)
      return len - pos + total; /* cut short: report past the end */
    pos += total;
  }
  return pos;
}

typedef struct flac_hdr {
  int blocksize; /* 1..65536 */
  uint32_t rate; /* Hz; 0: STREAMINFO's */
  int assign;    /* channel assignment code 0..10 */
  int channels;
  int bps;         /* 0: STREAMINFO's */
  int variable;    /* blocking strategy */
  uint64_t number; /* frame number (fixed) or first sample number (variable) */
  size_t len;      /* header bytes including the CRC-8 */
} flac_hdr;

/* Frame header at p (RFC 9639 9.1): 1 valid, 0 invalid, -1 cut short while valid so far. */
static int parse_header(const uint8_t *p, size_t avail, flac_hdr *h) {
#define NEED(k)                                                                                    \
  if ((k) > avail)                                                                                 \
  return -1
  NEED(2);
  if (p[0] != 0xFF || (p[1] & 0xFE) != 0xF8)
    return 0;
  NEED(4);
  int bs = p[2] >> 4, sr = p[2] & 15, ch = p[3] >> 4, bc = (p[3] >> 1) & 7;
  if (bs == 0 || sr == 15 || ch > 10 || bc == 3 || (p[3] & 1))
    return 0;
  h->variable = p[1] & 1;
  size_t i = 4;
  NEED(i + 1);
  uint8_t c0 = p[i++];
  int extra;
  uint64_t v;
  if (c0 < 0x80)
    extra = 0, v = c0;
  else if ((c0 & 0xE0) == 0xC0)
    extra = 1, v = c0 & 0x1F;
  else if ((c0 & 0xF0) == 0xE0)
    extra = 2, v = c0 & 0x0F;
  else if ((c0 & 0xF8) == 0xF0)
    extra = 3, v = c0 & 0x07;
  else if ((c0 & 0xFC) == 0xF8)
    extra = 4, v = c0 & 0x03;
  else if ((c0 & 0xFE) == 0xFC)
    extra = 5, v = c0 & 0x01;
  else if (c0 == 0xFE)
    extra = 6, v = 0;
  else
    return 0;
  if (!h->variable && extra > 5)
    return 0; /* frame numbers have at most 31 bits */
  NEED(i + (size_t)extra);
  for (int k = 0; k < extra; k++, i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    v = (v << 6) | (p[i] & 0x3F);
  }
  h->number = v;
  if (bs == 1)
    h->blocksize = 192;
  else if (bs <= 5)
    h->blocksize = 576 << (bs - 2);
  else if (bs == 6) {
    NEED(i + 1);
    h->blocksize = p[i] + 1;
    i += 1;
  } else if (bs == 7) {
    NEED(i + 2);
    h->blocksize = (p[i] << 8 | p[i + 1]) + 1;
    i += 2;
  } else
    h->blocksize = 256 << (bs - 8);
  static const uint32_t rates[12] = {0,     88200, 176400, 192000, 8000,  16000,
                                     22050, 24000, 32000,  44100,  48000, 96000};
  if (sr < 12)
    h->rate = rates[sr];
  else if (sr == 12) {
    NEED(i + 1);
    h->rate = p[i] * 1000u;
    i += 1;
  } else if (sr == 13) {
    NEED(i + 2);
    h->rate = (uint32_t)(p[i] << 8 | p[i + 1]);
    i += 2;
  } else {
    NEED(i + 2);
    h->rate = (uint32_t)(p[i] << 8 | p[i + 1]) * 10u;
    i += 2;
  }
  if (sr >= 12 && h->rate == 0)
    return 0;
  static const int depths[8] = {0, 8, 12, 0, 16, 20, 24, 32};
  h->bps = depths[bc];
  h->assign = ch;
  h->channels = ch <= 7 ? ch + 1 : 2;
  NEED(i + 1);
  if (dec_flac_crc8(p, i) != p[i])
    return 0;
  h->len = i + 1;
  return 1;
#undef NEED
}

typedef struct flac_state {
  const uint8_t *buf;
  size_t len, pos; /* pos: the next frame */
  int channels, bps;
  uint32_t rate;
  uint64_t total; /* samples per channel from STREAMINFO; 0 unknown */
  int64_t *ch[FLAC_MAX_CHANNELS];
  int cap; /* samples each ch[] holds */
  int block_n, block_pos;
  uint64_t decoded; /* samples per channel decoded so far */
  long frame_no;
  int done, failed;
  int rate_warned;
  int md5_check; /* STREAMINFO has a signature and nothing was skipped so far */
  uint8_t md5_want[16];
  dec_md5 md5;
} flac_state;

enum { FR_OK, FR_END, FR_ERR };

static void warn_short(flac_state *f, dec_msgs *m) {
  f->md5_check = 0;
  if (f->total)
    dec_msg_warn(m, "FLAC: stream truncated in frame %ld (%llu of %llu samples decoded)",
                 f->frame_no, (unsigned long long)f->decoded, (unsigned long long)f->total);
  else
    dec_msg_warn(m, "FLAC: stream truncated in frame %ld (%llu samples decoded)", f->frame_no,
                 (unsigned long long)f->decoded);
}

/* A header consistent with this stream (for resynchronisation). */
static int header_fits(const flac_state *f, const flac_hdr *h) {
  return h->channels == f->channels && (h->bps == 0 || h->bps == f->bps);
}

static void md5_frame(flac_state *f, int n) {
  uint8_t tmp[4096];
  size_t k = 0;
  int nb = (f->bps + 7) / 8;
  for (int i = 0; i < n; i++) {
    for (int c = 0; c < f->channels; c++) {
      uint64_t v = (uint64_t)f->ch[c][i];
      for (int j = 0; j < nb; j++)
        tmp[k++] = (uint8_t)(v >> (8 * j));
    }
    if (k + (size_t)(nb * FLAC_MAX_CHANNELS) > sizeof tmp) {
      dec_md5_update(&f->md5, tmp, k);
      k = 0;
    }
  }
  dec_md5_update(&f->md5, tmp, k);
}

static void decorrelate(flac_state *f, int assign, int n) {
  uint64_t *a = (uint64_t *)(void *)f->ch[0], *b = (uint64_t *)(void *)f->ch[1];
  switch (assign) {
  case 8: /* left, side: right = left - side */
    for (int i = 0; i < n; i++)
      b[i] = a[i] - b[i];
    break;
  case 9: /* side, right: left = side + right */
    for (int i = 0; i < n; i++)
      a[i] += b[i];
    break;
  case 10: /* mid, side */
    for (int i = 0; i < n; i++) {
      uint64_t side = b[i], mid = (a[i] << 1) | (side & 1);
      a[i] = (uint64_t)((int64_t)(mid + side) >> 1);
      b[i] = (uint64_t)((int64_t)(mid - side) >> 1);
    }
    break;
  default: break;
  }
}

static int grow(flac_state *f, int n, dec_msgs *m) {
  if (n <= f->cap)
    return 1;
  for (int c = 0; c < f->channels; c++) {
    int64_t *p = realloc(f->ch[c], (size_t)n * sizeof *p);
    if (!p) {
      dec_msg_set(m->err, "FLAC: out of memory for a %d-sample block", n);
      return 0;
    }
    f->ch[c] = p;
  }
  f->cap = n;
  return 1;
}

/* Next position >= from where a frame header of this stream starts, or len. */
static size_t resync(const flac_state *f, size_t from) {
  for (size_t q = from; q + 2 <= f->len; q++) {
    if (f->buf[q] != 0xFF || (f->buf[q + 1] & 0xFE) != 0xF8)
      continue;
    flac_hdr h;
    if (parse_header(f->buf + q, f->len - q, &h) == 1 && header_fits(f, &h))
      return q;
  }
  return f->len;
}

static int next_frame(flac_state *f, dec_msgs *m) {
  flac_hdr h;
  for (;;) {
    if (f->total && f->decoded >= f->total)
      return FR_END; /* trailing bytes (tags) ignored */
    size_t avail = f->len - f->pos;
    if (avail == 0) {
      if (f->total)
        warn_short(f, m);
      return FR_END;
    }
    int r = parse_header(f->buf + f->pos, avail, &h);
    if (r == 1)
      break;
    if (r < 0) {
      warn_short(f, m);
      return FR_END;
    }
    size_t q = resync(f, f->pos + 1);
    f->md5_check = 0;
    if (q >= f->len) {
      if (f->total)
        dec_msg_warn(m, "FLAC: no frame found after sample %llu of %llu; %zu bytes ignored",
                     (unsigned long long)f->decoded, (unsigned long long)f->total, avail);
      return FR_END;
    }
    dec_msg_warn(m, "FLAC: skipped %zu bytes of junk before frame %ld", q - f->pos, f->frame_no);
    f->pos = q;
  }
  if (h.channels != f->channels) {
    dec_msg_set(m->err, "FLAC: frame %ld: %d channels where STREAMINFO says %d", f->frame_no,
                h.channels, f->channels);
    return FR_ERR;
  }
  if (h.bps && h.bps != f->bps) {
    dec_msg_set(m->err, "FLAC: frame %ld: %d bits per sample where STREAMINFO says %d", f->frame_no,
                h.bps, f->bps);
    return FR_ERR;
  }
  if (h.rate && h.rate != f->rate && !f->rate_warned) {
    f->rate_warned = 1;
    dec_msg_warn(m, "FLAC: frame %ld: sample rate %u Hz differs from STREAMINFO's %u Hz",
                 f->frame_no, (unsigned)h.rate, (unsigned)f->rate);
  }
  int n = h.blocksize;
  if (!grow(f, n, m))
    return FR_ERR;

  dec_flac_bits b;
  fb_init(&b, f->buf + f->pos + h.len, f->len - f->pos - h.len);
  for (int c = 0; c < f->channels; c++) {
    int side = (h.assign == 8 && c == 1) || (h.assign == 9 && c == 0) || (h.assign == 10 && c == 1);
    char why[120];
    int rc = dec_flac_subframe(&b, f->ch[c], n, f->bps + side, why, sizeof why);
    if (rc == DEC_SUB_SHORT) {
      warn_short(f, m);
      return FR_END;
    }
    if (rc == DEC_SUB_BAD) {
      dec_msg_set(m->err, "FLAC: frame %ld: channel %d: %s", f->frame_no, c, why);
      return FR_ERR;
    }
  }
  fb_align(&b);
  uint32_t crc = fb_read(&b, 16);
  if (b.err) {
    warn_short(f, m);
    return FR_END;
  }
  size_t flen = h.len + fb_byte_pos(&b);
  if (dec_flac_crc16(f->buf + f->pos, flen - 2) != crc) {
    dec_msg_set(m->err, "FLAC: frame %ld: CRC-16 mismatch", f->frame_no);
    return FR_ERR;
  }
  decorrelate(f, h.assign, n);
  if (f->md5_check)
    md5_frame(f, n);
  f->pos += flen;
  f->decoded += (uint64_t)n;
  f->frame_no++;
  f->block_n = n;
  f->block_pos = 0;
  return FR_OK;
}

static void finish_md5(flac_state *f, dec_msgs *m) {
  if (!f->md5_check)
    return;
  f->md5_check = 0;
  uint8_t got[16];
  dec_md5_final(&f->md5, got);
  if (memcmp(got, f->md5_want, 16) != 0)
    dec_msg_warn(m, "FLAC: decoded audio does not match the MD5 signature in STREAMINFO");
}

static long flac_read(void *st, dec_out out, long max_frames, dec_msgs *m) {
  flac_state *f = st;
  if (f->failed)
    return -1;
  long got = 0;
  int nc = f->channels;
  double scale = 1.0 / (double)(UINT64_C(1) << (f->bps - 1));
  while (got < max_frames) {
    if (f->block_pos >= f->block_n) {
      if (f->done)
        break;
      int r = next_frame(f, m);
      if (r == FR_END) {
        f->done = 1;
        finish_md5(f, m);
        break;
      }
      if (r == FR_ERR) {
        f->failed = 1;
        f->done = 1;
        return got ? got : -1; /* frames already copied are returned; the error comes next */
      }
    }
    long take = f->block_n - f->block_pos;
    if (take > max_frames - got)
      take = max_frames - got;
    int p0 = f->block_pos;
    if (out.i) {
      int32_t *o = out.i + (size_t)got * (size_t)nc;
      for (long i = 0; i < take; i++)
        for (int c = 0; c < nc; c++) {
          int64_t v = f->ch[c][p0 + i];
          *o++ = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
        }
    } else {
      float *o = out.f + (size_t)got * (size_t)nc;
      for (long i = 0; i < take; i++)
        for (int c = 0; c < nc; c++)
          *o++ = (float)((double)f->ch[c][p0 + i] * scale);
    }
    f->block_pos += (int)take;
    got += take;
  }
  return got;
}

static void flac_close(void *st) {
  flac_state *f = st;
  if (!f)
    return;
  for (int c = 0; c < FLAC_MAX_CHANNELS; c++)
    free(f->ch[c]);
  free(f);
}

static void *flac_open(const uint8_t *buf, size_t len, dec_stream_info *info, dec_msgs *m) {
  size_t pos = dec_id3v2_size(buf, len);
  if (pos > len) {
    dec_msg_set(m->err, "FLAC: ID3v2 tag runs past the end of the file");
    return NULL;
  }
  if (len - pos < 4 || memcmp(buf + pos, "fLaC", 4) != 0) {
    dec_msg_set(m->err, "FLAC: no fLaC stream marker");
    return NULL;
  }
  pos += 4;
  const uint8_t *si = NULL;
  for (int first = 1;; first = 0) {
    if (len - pos < 4) {
      dec_msg_set(m->err, "FLAC: metadata ends early (file truncated?)");
      return NULL;
    }
    int last = buf[pos] >> 7, type = buf[pos] & 0x7F;
    size_t blen = (size_t)dec_get_be(buf + pos + 1, 3);
    if (type == 127) {
      dec_msg_set(m->err, "FLAC: invalid metadata block type 127");
      return NULL;
    }
    if (first && type != 0) {
      dec_msg_set(m->err, "FLAC: first metadata block is type %d, not STREAMINFO", type);
      return NULL;
    }
    if (blen > len - pos - 4) {
      dec_msg_set(m->err, "FLAC: metadata block of type %d runs past the end of the file", type);
      return NULL;
    }
    if (first) {
      if (blen < 34) {
        dec_msg_set(m->err, "FLAC: STREAMINFO is %zu bytes, needs 34", blen);
        return NULL;
      }
      si = buf + pos + 4;
    }
    pos += 4 + blen;
    if (last)
      break;
  }
  uint32_t rate = (uint32_t)si[10] << 12 | (uint32_t)si[11] << 4 | si[12] >> 4;
  int channels = ((si[12] >> 1) & 7) + 1;
  int bps = (((si[12] & 1) << 4) | (si[13] >> 4)) + 1;
  uint64_t total = ((uint64_t)(si[13] & 15) << 32) | dec_get_be(si + 14, 4);
  if (bps < 4) {
    dec_msg_set(m->err, "FLAC: %d bits per sample in STREAMINFO (4..32 are valid)", bps);
    return NULL;
  }
  if (rate == 0) { /* allowed by STREAMINFO: the frames say */
    flac_hdr h;
    if (parse_header(buf + pos, len - pos, &h) == 1)
      rate = h.rate;
    if (rate == 0) {
      dec_msg_set(m->err, "FLAC: sample rate is 0 in STREAMINFO and not in the first frame");
      return NULL;
    }
  }
  if (!dec_check_rate((double)rate, "FLAC", m))
    return NULL;

  flac_state *f = calloc(1, sizeof *f);
  if (!f) {
    dec_msg_set(m->err, "FLAC: out of memory");
    return NULL;
  }
  f->buf = buf;
  f->len = len;
  f->pos = pos;
  f->channels = channels;
  f->bps = bps;
  f->rate = rate;
  f->total = total;
  memcpy(f->md5_want, si + 18, 16);
  static const uint8_t zero[16];
  f->md5_check = memcmp(f->md5_want, zero, 16) != 0;
  dec_md5_init(&f->md5);
  info->rate = rate;
  info->channels = channels;
  info->frames = total ? (int64_t)total : -1;
  info->bits = bps;
  return f;
}

const dec_codec dec_codec_flac = {"flac", flac_open, flac_read, flac_close};
