/* codec.h — the small vtable every format module (wav, aiff, flac, vorbis) implements, and
 * the message buffers they report errors and warnings through. Internal to wasm/decode/. */
#ifndef DEC_CODEC_H
#define DEC_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define DEC_MAX_RATE 768000  /* Hz; sample rates outside 1..this are refused */
#define DEC_MAX_CHANNELS 256 /* WAV/AIFF; FLAC allows 8, Vorbis here 16 */
#define DEC_MSG 200

/* What open() learns from the headers. */
typedef struct dec_stream_info {
  double rate;    /* Hz, 1..DEC_MAX_RATE */
  int channels;   /* 1..DEC_MAX_CHANNELS */
  int64_t frames; /* total frames that will be decoded if known, else -1 */
  int bits;       /* integer sample width (8..32) for integer formats, 0 for float/lossy */
} dec_stream_info;

/* err: why open/read failed; warn: the first thing worth telling about a stream that still
 * decodes (truncation, junk skipped...). Both empty strings when there is nothing to say. */
typedef struct dec_msgs {
  char err[DEC_MSG];
  char warn[DEC_MSG];
  int browser; /* 1 when open() refused a stream the browser's decoder should take */
} dec_msgs;

/* Formats dst (DEC_MSG bytes) printf-style. */
void dec_msg_set(char *dst, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Like dec_msg_set on m->warn, but keeps the first warning when one is already there. */
void dec_msg_warn(dec_msgs *m, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Output of read(): either float samples scaled to [-1, 1) or raw integers (integer formats
 * only; the value as stored, e.g. -32768..32767 for 16 bits). */
typedef struct dec_out {
  float *f; /* used when i is NULL */
  int32_t *i;
} dec_out;

typedef struct dec_codec {
  const char *name; /* "wav", "aiff", "flac", "ogg" */
  /* Parse headers of buf[0..len) (which outlives the stream). NULL with m->err set on failure. */
  void *(*open)(const uint8_t *buf, size_t len, dec_stream_info *info, dec_msgs *m);
  /* Up to max_frames interleaved frames into out; frames read, 0 at the end, -1 on error. */
  long (*read)(void *st, dec_out out, long max_frames, dec_msgs *m);
  void (*close)(void *st);
} dec_codec;

extern const dec_codec dec_codec_wav;
extern const dec_codec dec_codec_aiff;
extern const dec_codec dec_codec_flac;
extern const dec_codec dec_codec_vorbis;

/* 1 when rate is acceptable; otherwise sets m->err to "<fmt>: sample rate ... out of range". */
int dec_check_rate(double rate, const char *fmt, dec_msgs *m);

#endif
