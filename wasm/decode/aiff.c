/* aiff.c — AIFF/AIFC header parsing (see aiff.h); the samples are read by pcm.c. */
#include "aiff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "pcm.h"

int dec_aiff_probe(const uint8_t *buf, size_t len) {
  return len >= 12 && !memcmp(buf, "FORM", 4) &&
         (!memcmp(buf + 8, "AIFF", 4) || !memcmp(buf + 8, "AIFC", 4));
}

int dec_aiff_ext80(const uint8_t p[10], double *out) {
  int sign = p[0] >> 7;
  int exp = ((p[0] & 0x7F) << 8) | p[1];
  uint64_t mant = dec_get_be(p + 2, 8);
  if (sign || exp == 0x7FFF)
    return 0; /* negative, infinity or NaN */
  if (mant == 0) {
    *out = 0.0;
    return 1;
  }                    /* zero: in range of the parse, caller rejects */
  int e = exp - 16383; /* value = mant * 2^(e - 63) */
  if (e > 30)
    return 0;
  if (e < -64) {
    *out = 0.0;
    return 1;
  } /* tiny: round to 0, keep ldexp in range */
  *out = ldexp((double)mant, e - 63);
  return 1;
}

typedef struct aiff_type {
  char id[5];
  int kind, bytes, big_endian; /* bytes 0: from the COMM sample size */
} aiff_type;

static const aiff_type aiff_types[] = {
    {"NONE", DEC_PCM_SINT, 0, 1},  {"twos", DEC_PCM_SINT, 0, 1},  {"sowt", DEC_PCM_SINT, 0, 0},
    {"in24", DEC_PCM_SINT, 3, 1},  {"in32", DEC_PCM_SINT, 4, 1},  {"42ni", DEC_PCM_SINT, 3, 0},
    {"raw ", DEC_PCM_UINT, 1, 1},  {"fl32", DEC_PCM_FLOAT, 4, 1}, {"FL32", DEC_PCM_FLOAT, 4, 1},
    {"fl64", DEC_PCM_FLOAT, 8, 1}, {"FL64", DEC_PCM_FLOAT, 8, 1}, {"ulaw", DEC_PCM_ULAW, 1, 1},
    {"ULAW", DEC_PCM_ULAW, 1, 1},  {"alaw", DEC_PCM_ALAW, 1, 1},  {"ALAW", DEC_PCM_ALAW, 1, 1},
};

static void printable4(const uint8_t *id, char out[5]) {
  for (int i = 0; i < 4; i++)
    out[i] = (id[i] >= 0x20 && id[i] < 0x7F) ? (char)id[i] : '?';
  out[4] = 0;
}

/* What the COMM and SSND chunks say. */
typedef struct aiff_chunks {
  int have_comm, have_ssnd;
  unsigned channels, sample_size;
  uint32_t num_frames;
  double rate;
  int rate_ok;
  const aiff_type *type;
  size_t data_off;    /* the first sample frame */
  uint64_t data_size; /* sample bytes there, cut to the end of the file */
  int truncated;      /* the SSND chunk runs past the end of the file */
} aiff_chunks;

/* The COMM chunk (size bytes at b's position, avail left in the file). 0, or -1 with a reason. */
static int read_comm(dec_bytes *b, uint32_t size, uint64_t avail, int aifc, aiff_chunks *c,
                     dec_msgs *m) {
  if (size > avail) {
    dec_msg_set(m->err, "AIFF: COMM chunk runs past the end of the file");
    return -1;
  }
  if (size < 18) {
    dec_msg_set(m->err, "AIFF: COMM chunk is %u bytes, too short", (unsigned)size);
    return -1;
  }
  c->channels = dec_bytes_u16be(b);
  c->num_frames = dec_bytes_u32be(b);
  c->sample_size = dec_bytes_u16be(b);
  c->rate_ok = dec_aiff_ext80(dec_bytes_take(b, 10), &c->rate);
  if (aifc) {
    if (size < 22) {
      dec_msg_set(m->err, "AIFF: AIFC COMM chunk is %u bytes, has no compression type",
                  (unsigned)size);
      return -1;
    }
    const uint8_t *ct = dec_bytes_take(b, 4);
    c->type = NULL;
    for (size_t i = 0; i < sizeof aiff_types / sizeof aiff_types[0]; i++)
      if (!memcmp(ct, aiff_types[i].id, 4))
        c->type = &aiff_types[i];
    if (!c->type) {
      char name[5];
      printable4(ct, name);
      dec_msg_set(m->err, "AIFF: AIFC compression '%s' is not supported", name);
      return -1;
    }
  }
  c->have_comm = 1;
  return 0;
}

/* The SSND chunk (size bytes at b's position): where the samples are. 0, or -1 with a reason. */
static int read_ssnd(dec_bytes *b, uint32_t size, aiff_chunks *c, dec_msgs *m) {
  uint32_t offset = dec_bytes_u32be(b);
  (void)dec_bytes_u32be(b); /* block size */
  if (b->err) {
    dec_msg_set(m->err, "AIFF: SSND chunk runs past the end of the file");
    return -1;
  }
  uint64_t dsize = size >= 8 ? (uint64_t)size - 8 : 0;
  uint64_t left = dec_bytes_left(b);
  if (offset > left) {
    dec_msg_set(m->err, "AIFF: SSND offset %u runs past the end of the file", (unsigned)offset);
    return -1;
  }
  if (offset > dsize) {
    dec_msg_set(m->err, "AIFF: SSND offset %u is larger than the chunk", (unsigned)offset);
    return -1;
  }
  c->data_off = b->pos + offset;
  dsize -= offset;
  left -= offset;
  if (dsize > left) {
    c->truncated = 1;
    dsize = left;
  }
  c->data_size = dsize;
  c->have_ssnd = 1;
  return 0;
}

/* Walks the chunks after the FORM header up to the first COMM and SSND (others skipped). 0, or
 * -1 with a reason. */
static int read_chunks(const uint8_t *buf, size_t len, aiff_chunks *c, dec_msgs *m) {
  int aifc = !memcmp(buf + 8, "AIFC", 4);
  dec_bytes b;
  dec_bytes_init(&b, buf, len);
  dec_bytes_skip(&b, 12);
  while (dec_bytes_left(&b) >= 8) {
    const uint8_t *id = dec_bytes_take(&b, 4);
    uint32_t size = dec_bytes_u32be(&b);
    size_t body = b.pos;
    uint64_t avail = dec_bytes_left(&b);
    if (!memcmp(id, "COMM", 4) && !c->have_comm) {
      if (read_comm(&b, size, avail, aifc, c, m))
        return -1;
    } else if (!memcmp(id, "SSND", 4) && !c->have_ssnd) {
      if (read_ssnd(&b, size, c, m))
        return -1;
      if (c->have_comm)
        break;
    }
    uint64_t next = (uint64_t)body + size + (size & 1);
    if (next > len)
      break;
    dec_bytes_seek(&b, (size_t)next);
  }
  return 0;
}

/* The sample layout COMM describes, checked: channels, rate, sample kind and width into pcm.
 * 0, or -1 with a reason. */
static int check_format(const aiff_chunks *c, dec_pcm *pcm, dec_msgs *m) {
  if (!c->have_comm) {
    dec_msg_set(m->err, "AIFF: no COMM chunk (file truncated?)");
    return -1;
  }
  if (c->channels == 0) {
    dec_msg_set(m->err, "AIFF: 0 channels");
    return -1;
  }
  if (c->channels > DEC_MAX_CHANNELS) {
    dec_msg_set(m->err, "AIFF: %u channels (at most %d are supported)", c->channels,
                DEC_MAX_CHANNELS);
    return -1;
  }
  if (!c->rate_ok) {
    dec_msg_set(m->err, "AIFF: sample rate is not a finite positive number");
    return -1;
  }
  if (!dec_check_rate(c->rate, "AIFF", m))
    return -1;
  pcm->channels = (int)c->channels;
  pcm->kind = c->type->kind;
  pcm->big_endian = c->type->big_endian;
  pcm->bytes = c->type->bytes;
  if (pcm->bytes == 0) {
    if (c->sample_size < 1 || c->sample_size > 32) {
      dec_msg_set(m->err, "AIFF: %u-bit samples are not supported (1..32 bits)", c->sample_size);
      return -1;
    }
    pcm->bytes = (int)(c->sample_size + 7) / 8; /* left-justified in whole bytes */
  }
  if (!dec_pcm_supported(pcm->kind, pcm->bytes)) {
    dec_msg_set(m->err, "AIFF: unsupported sample layout");
    return -1;
  }
  return 0;
}

/* The frames to decode: what COMM says, cut to what SSND holds (with a warning when they
 * differ; COMM's 0 read as "all of SSND"). */
static int64_t frame_count(const aiff_chunks *c, const dec_pcm *pcm, dec_msgs *m) {
  size_t frame_bytes = (size_t)pcm->channels * (size_t)pcm->bytes;
  uint64_t avail_frames = c->have_ssnd ? c->data_size / frame_bytes : 0;
  uint32_t num_frames = c->num_frames;
  if (num_frames == 0 && avail_frames > 0) {
    dec_msg_warn(m, "AIFF: COMM says 0 frames; decoding the %llu frames in SSND",
                 (unsigned long long)avail_frames);
    num_frames = 0xFFFFFFFFu;
  } else if (num_frames > avail_frames) {
    if (!c->have_ssnd)
      dec_msg_warn(m, "AIFF: COMM says %u frames but there is no SSND chunk", (unsigned)num_frames);
    else
      dec_msg_warn(m, "AIFF: COMM says %u frames but the file holds %llu%s; decoding those",
                   (unsigned)num_frames, (unsigned long long)avail_frames,
                   c->truncated ? " (truncated)" : "");
  }
  return (int64_t)(num_frames < avail_frames ? num_frames : avail_frames);
}

static void *aiff_open(const uint8_t *buf, size_t len, dec_stream_info *info, dec_msgs *m) {
  if (!dec_aiff_probe(buf, len)) {
    dec_msg_set(m->err, "AIFF: not a FORM AIFF/AIFC file");
    return NULL;
  }
  aiff_chunks c;
  memset(&c, 0, sizeof c);
  c.type = &aiff_types[0];
  dec_pcm pcm;
  memset(&pcm, 0, sizeof pcm);
  if (read_chunks(buf, len, &c, m) || check_format(&c, &pcm, m))
    return NULL;
  pcm.data = buf + c.data_off;
  pcm.frames = frame_count(&c, &pcm, m);

  dec_pcm *st = malloc(sizeof *st);
  if (!st) {
    dec_msg_set(m->err, "AIFF: out of memory");
    return NULL;
  }
  *st = pcm;
  info->rate = c.rate;
  info->channels = pcm.channels;
  info->frames = pcm.frames;
  info->bits = dec_pcm_bits(&pcm);
  return st;
}

static long aiff_read(void *st, dec_out out, long max_frames, dec_msgs *m) {
  (void)m;
  return dec_pcm_read((dec_pcm *)st, out, max_frames);
}

static void aiff_close(void *st) { free(st); }

const dec_codec dec_codec_aiff = {"aiff", aiff_open, aiff_read, aiff_close};
