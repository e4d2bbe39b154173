/* decode.h — container/codec probing and streaming decode of encoded audio held in memory.
 * Formats: WAV (PCM 8/16/24/32-bit, float 32/64, WAVE_FORMAT_EXTENSIBLE, any channel count),
 * AIFF/AIFC, FLAC, Ogg Vorbis. MP3/AAC/Opus are decoded by the browser, not here.
 * The decoder reads from the caller's buffer (which must outlive it) and never sizes an
 * allocation by an unchecked header field. */
#ifndef DEC_DECODE_H
#define DEC_DECODE_H

#include <stddef.h>
#include <stdint.h>

typedef struct dec_decoder dec_decoder;

/* Probe the format and parse headers. NULL on failure with a one-line reason in err
 * (e.g. "WAV: data chunk runs past the end of the file"). */
dec_decoder *dec_decoder_open(const uint8_t *buf, size_t len, char *err, size_t errlen);
const char *dec_decoder_format(const dec_decoder *d); /* "wav", "aiff", "flac", "ogg" */
double dec_decoder_rate(const dec_decoder *d);        /* Hz, > 0 */
int dec_decoder_channels(const dec_decoder *d);       /* >= 1 */
int64_t dec_decoder_frames(const dec_decoder *d);     /* total frames if known, else -1 */
/* Read up to max_frames frames of interleaved float samples (integer formats scaled by
 * 1 / 2^(bits-1), so decoding is exact for <= 24 bits). Returns frames read, 0 at the end,
 * -1 on a decoding error (reason via dec_decoder_error). A truncated stream ends early with
 * what could be decoded; dec_decoder_warning() then says so. */
long dec_decoder_read(dec_decoder *d, float *out, long max_frames);
const char *dec_decoder_error(const dec_decoder *d);   /* NULL when none */
const char *dec_decoder_warning(const dec_decoder *d); /* NULL when none */
void dec_decoder_close(dec_decoder *d);

/* ---- additions ---- */

/* Integer sample width of the source (8..32; 16 for G.711), 0 for float and lossy formats. */
int dec_decoder_bits(const dec_decoder *d);
/* Like dec_decoder_read, but the integer samples as stored (e.g. -32768..32767 for 16 bits;
 * 8-bit unsigned WAV re-centred to -128..127). Integer formats only (dec_decoder_bits > 0);
 * -1 with a reason otherwise. Lets tests check bit-exactness, including 32-bit audio. */
long dec_decoder_read_i32(dec_decoder *d, int32_t *out, long max_frames);

/* What dec_decoder_probe found. */
enum dec_probe {
  DEC_PROBE_UNKNOWN = 0,    /* not recognised as audio */
  DEC_PROBE_ENGINE = 1,     /* wav, aiff, flac, ogg (Vorbis): dec_decoder_open decodes it */
  DEC_PROBE_BROWSER = 2,    /* mp3, aac, m4a, opus, webm: hand it to the browser's decoder */
  DEC_PROBE_UNSUPPORTED = 3 /* recognised, decoded by neither (ogg-flac, caf, midi, ...) */
};
/* Looks at the magic bytes only (a leading ID3v2 tag is skipped). Writes the format's short
 * name ("wav", "mp3", "m4a", "opus"... or "" when unknown) into name (cap bytes, may be NULL)
 * and returns an enum dec_probe. dec_decoder_open fails on anything but DEC_PROBE_ENGINE with
 * "<name>: decoded by the browser, not the engine" or a similar one-line reason. One case
 * probes as DEC_PROBE_ENGINE yet opens with that same browser reason: Ogg Vorbis with a 5.1
 * channel mapping, which the bundled stb_vorbis decodes wrongly. sm_decoder_for (sonomap.h)
 * tells a caller which decoder a file needs, that case included. */
int dec_decoder_probe(const uint8_t *buf, size_t len, char *name, size_t cap);

#endif
