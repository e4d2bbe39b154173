/* decode.c — format probing by magic bytes, the dec_decoder_* API (see decode.h) and
 * sm_decoder_for (sonomap.h). */
#include "decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiff.h"
#include "codec.h"
#include "flac.h"
#include "sonomap.h"
#include "vorbis.h"
#include "wav.h"

struct dec_decoder {
  const dec_codec *codec;
  void *st;
  dec_stream_info info;
  dec_msgs msgs;
  int failed;
};

static void put_name(char *name, size_t cap, const char *s) {
  if (name && cap)
    snprintf(name, cap, "%s", s);
}

/* MPEG audio frame header at p: 1 for layer I/II/III ("mp3"), 2 for ADTS AAC, 0 otherwise. */
static int mpeg_sync(const uint8_t *p, size_t n) {
  if (n < 4 || p[0] != 0xFF || (p[1] & 0xE0) != 0xE0)
    return 0;
  int layer = (p[1] >> 1) & 3, version = (p[1] >> 3) & 3;
  if (layer == 0)
    return (p[1] & 0xF6) == 0xF0 ? 2 : 0; /* ADTS: MPEG-2/4, layer 00 */
  if (version == 1)
    return 0; /* reserved version */
  int bitrate = p[2] >> 4, rate = (p[2] >> 2) & 3;
  if (bitrate == 15 || rate == 3)
    return 0;
  return 1;
}

int dec_decoder_probe(const uint8_t *buf, size_t len, char *name, size_t cap) {
  put_name(name, cap, "");
  if (!buf || len < 4)
    return DEC_PROBE_UNKNOWN;
  if (dec_wav_probe(buf, len)) {
    put_name(name, cap, "wav");
    return DEC_PROBE_ENGINE;
  }
  if (dec_aiff_probe(buf, len)) {
    put_name(name, cap, "aiff");
    return DEC_PROBE_ENGINE;
  }
  if (!memcmp(buf, "fLaC", 4)) {
    put_name(name, cap, "flac");
    return DEC_PROBE_ENGINE;
  }
  const char *ogg = dec_ogg_stream_kind(buf, len);
  if (ogg) {
    if (!strcmp(ogg, "vorbis")) {
      put_name(name, cap, "ogg");
      return DEC_PROBE_ENGINE;
    }
    if (!strcmp(ogg, "opus")) {
      put_name(name, cap, "opus");
      return DEC_PROBE_BROWSER;
    }
    if (!strcmp(ogg, "unknown")) {
      put_name(name, cap, "ogg");
      return DEC_PROBE_UNSUPPORTED;
    }
    char n[32];
    snprintf(n, sizeof n, "ogg-%s", ogg);
    put_name(name, cap, n);
    return DEC_PROBE_UNSUPPORTED;
  }
  size_t id3 = dec_id3v2_size(buf, len);
  if (id3 > 0) {
    if (id3 <= len && len - id3 >= 4 && !memcmp(buf + id3, "fLaC", 4)) {
      put_name(name, cap, "flac");
      return DEC_PROBE_ENGINE;
    }
    int k = id3 <= len ? mpeg_sync(buf + id3, len - id3) : 0;
    put_name(name, cap, k == 2 ? "aac" : "mp3"); /* ID3v2 tags front MP3 files almost always */
    return DEC_PROBE_BROWSER;
  }
  int k = mpeg_sync(buf, len);
  if (k) {
    put_name(name, cap, k == 2 ? "aac" : "mp3");
    return DEC_PROBE_BROWSER;
  }
  if (len >= 8 && !memcmp(buf + 4, "ftyp", 4)) {
    put_name(name, cap, "m4a");
    return DEC_PROBE_BROWSER;
  }
  if (!memcmp(buf, "\x1A\x45\xDF\xA3", 4)) {
    put_name(name, cap, "webm");
    return DEC_PROBE_BROWSER;
  }
  if (!memcmp(buf, "caff", 4)) {
    put_name(name, cap, "caf");
    return DEC_PROBE_UNSUPPORTED;
  }
  if (!memcmp(buf, "MThd", 4)) {
    put_name(name, cap, "midi");
    return DEC_PROBE_UNSUPPORTED;
  }
  if (!memcmp(buf, "wvpk", 4)) {
    put_name(name, cap, "wavpack");
    return DEC_PROBE_UNSUPPORTED;
  }
  if (!memcmp(buf, "MAC ", 4)) {
    put_name(name, cap, "ape");
    return DEC_PROBE_UNSUPPORTED;
  }
  if (!memcmp(buf, "#!AMR", len < 5 ? len : 5)) {
    put_name(name, cap, "amr");
    return DEC_PROBE_UNSUPPORTED;
  }
  if (!memcmp(buf, "\x30\x26\xB2\x75", 4)) {
    put_name(name, cap, "wma");
    return DEC_PROBE_UNSUPPORTED;
  }
  if (!memcmp(buf, ".snd", 4)) {
    put_name(name, cap, "au");
    return DEC_PROBE_UNSUPPORTED;
  }
  return DEC_PROBE_UNKNOWN;
}

/* The codec that decodes a stream dec_decoder_probe named (DEC_PROBE_ENGINE only). */
static const dec_codec *engine_codec(const char *name) {
  if (!strcmp(name, "wav"))
    return &dec_codec_wav;
  if (!strcmp(name, "aiff"))
    return &dec_codec_aiff;
  if (!strcmp(name, "flac"))
    return &dec_codec_flac;
  return &dec_codec_vorbis;
}

int sm_decoder_for(const uint8_t *bytes, size_t len) {
  char name[16];
  int kind = dec_decoder_probe(bytes, len, name, sizeof name);
  switch (kind) {
  case DEC_PROBE_ENGINE: {
    /* A stream the engine recognises may still be one its decoder refuses for the browser
     * (multichannel Vorbis): the headers decide. Opening parses headers only. */
    const dec_codec *codec = engine_codec(name);
    dec_stream_info info;
    dec_msgs msgs;
    memset(&msgs, 0, sizeof msgs);
    void *st = codec->open(bytes, len, &info, &msgs);
    if (st)
      codec->close(st);
    return !st && msgs.browser ? SM_DECODER_BROWSER : SM_DECODER_ENGINE;
  }
  case DEC_PROBE_BROWSER:
    if (!strcmp(name, "mp3"))
      return SM_DECODER_BROWSER_MPEG;
    if (!strcmp(name, "aac"))
      return SM_DECODER_BROWSER_AAC;
    if (!strcmp(name, "opus"))
      return SM_DECODER_BROWSER_OPUS;
    return SM_DECODER_BROWSER;
  case DEC_PROBE_UNSUPPORTED: return SM_DECODER_NONE;
  default: return SM_DECODER_UNKNOWN;
  }
}

static void set_err(char *err, size_t errlen, const char *msg) {
  if (err && errlen)
    snprintf(err, errlen, "%s", msg);
}

/* "starts with 'PK\x03\x04'": the first bytes, printable ones as they are. */
static void describe_start(const uint8_t *buf, size_t len, char *out, size_t cap) {
  char s[48];
  size_t k = 0;
  for (size_t i = 0; i < len && i < 4; i++) {
    uint8_t c = buf[i];
    if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\')
      s[k++] = (char)c;
    else
      k += (size_t)snprintf(s + k, sizeof s - k, "\\x%02X", c);
  }
  s[k] = 0;
  snprintf(out, cap, "not a supported audio file (starts with '%s')", s);
}

dec_decoder *dec_decoder_open(const uint8_t *buf, size_t len, char *err, size_t errlen) {
  char msg[DEC_MSG];
  if (!buf || len == 0) {
    set_err(err, errlen, "empty file (0 bytes)");
    return NULL;
  }
  char name[16];
  int kind = dec_decoder_probe(buf, len, name, sizeof name);
  const dec_codec *codec = NULL;
  if (kind == DEC_PROBE_ENGINE) {
    codec = engine_codec(name);
  } else if (kind == DEC_PROBE_BROWSER) {
    snprintf(msg, sizeof msg, "%s: decoded by the browser, not the engine", name);
    set_err(err, errlen, msg);
    return NULL;
  } else if (kind == DEC_PROBE_UNSUPPORTED) {
    snprintf(msg, sizeof msg, "%s: this audio format is not supported", name);
    set_err(err, errlen, msg);
    return NULL;
  } else {
    if (len < 4)
      snprintf(msg, sizeof msg, "not a supported audio file (only %zu bytes)", len);
    else
      describe_start(buf, len, msg, sizeof msg);
    set_err(err, errlen, msg);
    return NULL;
  }

  dec_decoder *d = calloc(1, sizeof *d);
  if (!d) {
    set_err(err, errlen, "out of memory");
    return NULL;
  }
  d->codec = codec;
  d->st = codec->open(buf, len, &d->info, &d->msgs);
  if (!d->st) {
    set_err(err, errlen, d->msgs.err[0] ? d->msgs.err : "could not open the stream");
    free(d);
    return NULL;
  }
  return d;
}

const char *dec_decoder_format(const dec_decoder *d) { return d->codec->name; }
double dec_decoder_rate(const dec_decoder *d) { return d->info.rate; }
int dec_decoder_channels(const dec_decoder *d) { return d->info.channels; }
int64_t dec_decoder_frames(const dec_decoder *d) { return d->info.frames; }
int dec_decoder_bits(const dec_decoder *d) { return d->info.bits; }

static long do_read(dec_decoder *d, dec_out out, long max_frames) {
  if (d->failed)
    return -1;
  if (max_frames <= 0)
    return 0;
  long n = d->codec->read(d->st, out, max_frames, &d->msgs);
  if (n < 0) {
    d->failed = 1;
    if (!d->msgs.err[0])
      dec_msg_set(d->msgs.err, "%s: decoding failed", d->codec->name);
    return -1;
  }
  return n;
}

long dec_decoder_read(dec_decoder *d, float *out, long max_frames) {
  dec_out o = {out, NULL};
  return do_read(d, o, max_frames);
}

long dec_decoder_read_i32(dec_decoder *d, int32_t *out, long max_frames) {
  if (d->info.bits == 0) {
    if (!d->msgs.err[0])
      dec_msg_set(d->msgs.err, "%s: samples are not integers; use dec_decoder_read",
                  d->codec->name);
    return -1;
  }
  dec_out o = {NULL, out};
  return do_read(d, o, max_frames);
}

const char *dec_decoder_error(const dec_decoder *d) { return d->msgs.err[0] ? d->msgs.err : NULL; }
const char *dec_decoder_warning(const dec_decoder *d) {
  return d->msgs.warn[0] ? d->msgs.warn : NULL;
}

void dec_decoder_close(dec_decoder *d) {
  if (!d)
    return;
  d->codec->close(d->st);
  free(d);
}
