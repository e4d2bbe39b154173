/* decode.h — container/codec probing and streaming decode of encoded audio held in memory.
 * Formats: WAV (PCM 8/16/24/32-bit, float 32/64, WAVE_FORMAT_EXTENSIBLE, any channel count),
 * AIFF/AIFC, FLAC, Ogg Vorbis. MP3/AAC/Opus are decoded by the browser, not here.
 * The decoder reads from the caller's buffer (which must outlive it) and never sizes an
 * allocation by an unchecked header field. */
#ifndef SM_DECODE_H
#define SM_DECODE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sm_decoder sm_decoder;

/* Probe the format and parse headers. NULL on failure with a one-line reason in err
 * (e.g. "WAV: data chunk runs past the end of the file"). */
sm_decoder *sm_decoder_open(const uint8_t *buf, size_t len, char *err, size_t errlen);
const char *sm_decoder_format(const sm_decoder *d);   /* "wav", "aiff", "flac", "ogg" */
double sm_decoder_rate(const sm_decoder *d);          /* Hz, > 0 */
int sm_decoder_channels(const sm_decoder *d);         /* >= 1 */
int64_t sm_decoder_frames(const sm_decoder *d);       /* total frames if known, else -1 */
/* Read up to max_frames frames of interleaved float samples (integer formats scaled by
 * 1 / 2^(bits-1), so decoding is exact for <= 24 bits). Returns frames read, 0 at the end,
 * -1 on a decoding error (reason via sm_decoder_error). A truncated stream ends early with
 * what could be decoded; sm_decoder_warning() then says so. */
long sm_decoder_read(sm_decoder *d, float *out, long max_frames);
const char *sm_decoder_error(const sm_decoder *d);    /* NULL when none */
const char *sm_decoder_warning(const sm_decoder *d);  /* NULL when none */
void sm_decoder_close(sm_decoder *d);

#endif
