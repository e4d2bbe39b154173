/* pcm.h — uncompressed sample layouts (integer, float, G.711) and the frame reader that WAV
 * and AIFF share once their headers are parsed. No allocation: samples are converted straight
 * from the caller's file buffer into the caller's output. */
#ifndef DEC_PCM_H
#define DEC_PCM_H

#include <stdint.h>

#include "codec.h"

enum dec_pcm_kind {
  DEC_PCM_SINT = 0, /* two's complement, 1..4 bytes */
  DEC_PCM_UINT,     /* offset binary, 1 byte (WAV 8-bit, AIFC 'raw ') */
  DEC_PCM_FLOAT,    /* IEEE 754, 4 or 8 bytes */
  DEC_PCM_ULAW,     /* G.711 mu-law, 1 byte, decoded to 16-bit values */
  DEC_PCM_ALAW      /* G.711 A-law, 1 byte, decoded to 16-bit values */
};

typedef struct dec_pcm {
  const uint8_t *data; /* first byte of the first frame */
  int64_t frames;      /* whole frames available in data */
  int64_t pos;         /* next frame to read */
  int channels;        /* 1..DEC_MAX_CHANNELS */
  int bytes;           /* bytes per sample */
  int big_endian;
  int kind; /* enum dec_pcm_kind */
} dec_pcm;

/* 1 when (kind, bytes) is a layout this reader converts. */
int dec_pcm_supported(int kind, int bytes);
/* Integer width reported in dec_stream_info.bits: 8 * bytes, 16 for G.711, 0 for float. */
int dec_pcm_bits(const dec_pcm *p);
/* Converts up to max_frames frames; returns the count (0 at the end). */
long dec_pcm_read(dec_pcm *p, dec_out out, long max_frames);

#endif
