/* wav.c — WAVE header parsing (see wav.h); the samples are read by pcm.c. */
#include "wav.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "pcm.h"

#define WAV_TAG_PCM 0x0001
#define WAV_TAG_FLOAT 0x0003
#define WAV_TAG_ALAW 0x0006
#define WAV_TAG_MULAW 0x0007
#define WAV_TAG_EXTENSIBLE 0xFFFE

int dec_wav_probe(const uint8_t *buf, size_t len) {
  if (len < 12)
    return 0;
  return (!memcmp(buf, "RIFF", 4) || !memcmp(buf, "RIFX", 4) || !memcmp(buf, "RF64", 4)) &&
         !memcmp(buf + 8, "WAVE", 4);
}

typedef struct wav_reader {
  dec_bytes b;
  int be; /* RIFX: every field and sample is big-endian */
} wav_reader;

static uint32_t rd16(wav_reader *r) {
  return r->be ? dec_bytes_u16be(&r->b) : dec_bytes_u16le(&r->b);
}
static uint32_t rd32(wav_reader *r) {
  return r->be ? dec_bytes_u32be(&r->b) : dec_bytes_u32le(&r->b);
}
static uint64_t rd64(wav_reader *r) {
  return r->be ? dec_bytes_u64be(&r->b) : dec_bytes_u64le(&r->b);
}

static int looks_like_id(const uint8_t *buf, size_t len, size_t at) {
  if (at > len || len - at < 4)
    return 0;
  for (int i = 0; i < 4; i++)
    if (buf[at + i] < 0x20 || buf[at + i] > 0x7E)
      return 0;
  return 1;
}

/* A chunk header that could be real at `at`: printable id, and a size that fits in the file
 * (except for data, which may be cut short). */
static int plausible_chunk(const uint8_t *buf, size_t len, size_t at, int be) {
  if (!looks_like_id(buf, len, at) || len - at < 8)
    return 0;
  uint64_t size = be ? dec_get_be(buf + at + 4, 4) : dec_get_le(buf + at + 4, 4);
  return size <= len - at - 8 || !memcmp(buf + at, "data", 4);
}

static int known_chunk(const uint8_t *buf, size_t len, size_t at) {
  static const char ids[][5] = {"data", "fmt ", "LIST", "fact", "cue ", "smpl", "inst", "bext",
                                "iXML", "id3 ", "ID3 ", "PEAK", "JUNK", "junk", "PAD ", "FLLR",
                                "acid", "plst", "cart", "DISP", "afsp", "umid", "axml", "ds64"};
  if (at > len || len - at < 8)
    return 0;
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    if (!memcmp(buf + at, ids[i], 4))
      return 1;
  return 0;
}

/* Where the chunk after one of `size` bytes starting at `body` begins: chunks are padded to an
 * even size, but some writers forget the pad byte. Follow the pad unless the unpadded position
 * looks more like a chunk header (a known id first, then a plausible one). */
static uint64_t next_chunk(const uint8_t *buf, size_t len, size_t body, uint64_t size, int be) {
  uint64_t end = (uint64_t)body + size;
  if (!(size & 1) || end >= len)
    return end + (size & 1);
  size_t a = (size_t)end + 1, b = (size_t)end;
  if (known_chunk(buf, len, a))
    return a;
  if (known_chunk(buf, len, b))
    return b;
  if (plausible_chunk(buf, len, a, be))
    return a;
  if (plausible_chunk(buf, len, b, be))
    return b;
  return a;
}

static const char *tag_name(unsigned tag) {
  switch (tag) {
  case 0x0002: return " (MS ADPCM)";
  case 0x0011: return " (IMA ADPCM)";
  case 0x0031: return " (GSM 6.10)";
  case 0x0050: return " (MPEG)";
  case 0x0055: return " (MPEG layer 3)";
  case 0x0161:
  case 0x0162:
  case 0x0163: return " (WMA)";
  case 0x00FF:
  case 0x1610: return " (AAC)";
  case 0xF1AC: return " (FLAC)";
  default: return "";
  }
}

typedef struct wav_fmt {
  unsigned tag, channels, block_align, bits;
  uint32_t rate;
} wav_fmt;

/* Parses a fmt chunk body of `size` bytes at the reader's position into f, choosing the
 * sample layout in p. Returns 0 with m->err set when it is unusable. */
static int parse_fmt(wav_reader *r, uint32_t size, wav_fmt *f, dec_pcm *p, dec_msgs *m) {
  if (size < 16) {
    dec_msg_set(m->err, "WAV: fmt chunk is %u bytes, too short", (unsigned)size);
    return 0;
  }
  f->tag = rd16(r);
  f->channels = rd16(r);
  f->rate = rd32(r);
  (void)rd32(r); /* byte rate: redundant */
  f->block_align = rd16(r);
  f->bits = rd16(r);
  if (r->b.err) {
    dec_msg_set(m->err, "WAV: fmt chunk runs past the end of the file");
    return 0;
  }
  if (f->tag == WAV_TAG_EXTENSIBLE) {
    if (size < 40) {
      dec_msg_set(m->err, "WAV: WAVE_FORMAT_EXTENSIBLE fmt chunk is %u bytes, needs 40",
                  (unsigned)size);
      return 0;
    }
    (void)rd16(r); /* cbSize */
    (void)rd16(r); /* valid bits: samples are left-justified in their container */
    (void)rd32(r); /* channel mask */
    const uint8_t *guid = dec_bytes_take(&r->b, 16);
    /* KSDATAFORMAT_SUBTYPE_*: the format tag followed by a fixed suffix */
    static const uint8_t suffix[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                       0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
    if (!guid) {
      dec_msg_set(m->err, "WAV: fmt chunk runs past the end of the file");
      return 0;
    }
    if (memcmp(guid + 2, suffix, 14) != 0) {
      dec_msg_set(m->err,
                  "WAV: WAVE_FORMAT_EXTENSIBLE sub-format GUID is not a known audio format");
      return 0;
    }
    f->tag = r->be ? (unsigned)(guid[0] << 8 | guid[1]) : (unsigned)(guid[1] << 8 | guid[0]);
  }

  if (f->channels == 0) {
    dec_msg_set(m->err, "WAV: 0 channels");
    return 0;
  }
  if (f->channels > DEC_MAX_CHANNELS) {
    dec_msg_set(m->err, "WAV: %u channels (at most %d are supported)", f->channels,
                DEC_MAX_CHANNELS);
    return 0;
  }
  if (!dec_check_rate((double)f->rate, "WAV", m))
    return 0;

  p->big_endian = r->be;
  p->channels = (int)f->channels;
  switch (f->tag) {
  case WAV_TAG_PCM:
    if (f->bits == 0 || f->bits > 32) {
      dec_msg_set(m->err, "WAV: %u-bit integer PCM is not supported (1..32 bits)", f->bits);
      return 0;
    }
    p->bytes = (int)((f->bits + 7) / 8);
    p->kind = p->bytes == 1 ? DEC_PCM_UINT : DEC_PCM_SINT;
    /* a wider container than the bit depth needs (e.g. 20 bits in 4 bytes): samples are
     * left-justified, so reading the whole container scales them correctly */
    if (f->block_align % f->channels == 0) {
      unsigned c = f->block_align / f->channels;
      if (c > (unsigned)p->bytes && c <= 4)
        p->bytes = (int)c;
    }
    break;
  case WAV_TAG_FLOAT:
    if (f->bits != 32 && f->bits != 64) {
      dec_msg_set(m->err, "WAV: %u-bit float is not supported (32 or 64)", f->bits);
      return 0;
    }
    p->bytes = (int)f->bits / 8;
    p->kind = DEC_PCM_FLOAT;
    break;
  case WAV_TAG_ALAW:
  case WAV_TAG_MULAW:
    if (f->bits != 8) {
      dec_msg_set(m->err, "WAV: G.711 with %u bits per sample (expected 8)", f->bits);
      return 0;
    }
    p->bytes = 1;
    p->kind = f->tag == WAV_TAG_ALAW ? DEC_PCM_ALAW : DEC_PCM_ULAW;
    break;
  default:
    dec_msg_set(m->err, "WAV: format tag 0x%04X%s is not supported", f->tag, tag_name(f->tag));
    return 0;
  }
  return 1;
}

static void *wav_open(const uint8_t *buf, size_t len, dec_stream_info *info, dec_msgs *m) {
  wav_reader r;
  dec_bytes_init(&r.b, buf, len);
  if (!dec_wav_probe(buf, len)) {
    dec_msg_set(m->err, "WAV: not a RIFF WAVE file");
    return NULL;
  }
  int rf64 = !memcmp(buf, "RF64", 4);
  r.be = !memcmp(buf, "RIFX", 4);
  dec_bytes_skip(&r.b, 12);

  dec_pcm pcm;
  memset(&pcm, 0, sizeof pcm);
  wav_fmt fmt;
  memset(&fmt, 0, sizeof fmt);
  int have_fmt = 0, have_data = 0, have_ds64 = 0;
  uint64_t ds64_data = 0;
  size_t data_off = 0;
  uint64_t data_size = 0;
  int truncated = 0, size_guessed = 0;

  while (dec_bytes_left(&r.b) >= 8) {
    const uint8_t *id = dec_bytes_take(&r.b, 4);
    uint32_t size = rd32(&r);
    size_t body = r.b.pos;
    uint64_t avail = dec_bytes_left(&r.b);
    if (!memcmp(id, "fmt ", 4) && !have_fmt) {
      if (size > avail) {
        dec_msg_set(m->err, "WAV: fmt chunk runs past the end of the file");
        return NULL;
      }
      if (!parse_fmt(&r, size, &fmt, &pcm, m))
        return NULL;
      have_fmt = 1;
    } else if (!memcmp(id, "ds64", 4) && rf64 && size >= 16 && size <= avail) {
      (void)rd64(&r); /* RIFF size */
      ds64_data = rd64(&r);
      have_ds64 = 1;
    } else if (!memcmp(id, "data", 4) && !have_data) {
      uint64_t dsize = size;
      if (rf64 && size == 0xFFFFFFFFu && have_ds64)
        dsize = ds64_data;
      data_off = body;
      if (size == 0xFFFFFFFFu && !(rf64 && have_ds64)) {
        dsize = avail; /* streaming writer: the size was never filled in */
      } else if (dsize == 0 && avail > 0 && !looks_like_id(buf, len, body)) {
        dsize = avail; /* size left at 0 by a writer that never finished */
        size_guessed = 1;
      } else if (dsize > avail) {
        truncated = 1;
        dec_msg_warn(m, "WAV: data chunk claims %llu bytes but the file has %llu; decoding those",
                     (unsigned long long)dsize, (unsigned long long)avail);
        dsize = avail;
      }
      data_size = dsize;
      have_data = 1;
      if (have_fmt || dsize >= avail)
        break; /* all needed is known, or nothing follows */
      if (!dec_bytes_seek(&r.b, (size_t)next_chunk(buf, len, body, dsize, r.be)))
        break;
      continue;
    }
    uint64_t next = next_chunk(buf, len, body, size, r.be);
    if (next > len)
      break; /* a chunk after the audio was cut short: nothing more to find */
    dec_bytes_seek(&r.b, (size_t)next);
  }
  if (!have_fmt) {
    dec_msg_set(m->err, have_data ? "WAV: no fmt chunk before the end of the file"
                                  : "WAV: no fmt chunk (file truncated?)");
    return NULL;
  }
  if (!have_data) {
    dec_msg_set(m->err, "WAV: no data chunk (file truncated?)");
    return NULL;
  }
  if (size_guessed)
    dec_msg_warn(m, "WAV: data chunk size is 0; reading to the end of the file");

  size_t frame_bytes = (size_t)pcm.channels * (size_t)pcm.bytes;
  if (fmt.block_align != frame_bytes)
    dec_msg_warn(m, "WAV: block align %u does not match %u channels of %d bytes; using %u",
                 fmt.block_align, fmt.channels, pcm.bytes, (unsigned)frame_bytes);
  pcm.data = buf + data_off;
  pcm.frames = (int64_t)(data_size / frame_bytes);
  uint64_t rest = data_size % frame_bytes;
  if (rest && !truncated)
    dec_msg_warn(m, "WAV: %llu trailing bytes of a partial frame ignored",
                 (unsigned long long)rest);

  dec_pcm *st = malloc(sizeof *st);
  if (!st) {
    dec_msg_set(m->err, "WAV: out of memory");
    return NULL;
  }
  *st = pcm;
  info->rate = fmt.rate;
  info->channels = pcm.channels;
  info->frames = pcm.frames;
  info->bits = dec_pcm_bits(&pcm);
  return st;
}

static long wav_read(void *st, dec_out out, long max_frames, dec_msgs *m) {
  (void)m;
  return dec_pcm_read((dec_pcm *)st, out, max_frames);
}

static void wav_close(void *st) { free(st); }

const dec_codec dec_codec_wav = {"wav", wav_open, wav_read, wav_close};
