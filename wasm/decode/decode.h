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

/* ---- additions ---- */

/* Integer sample width of the source (8..32; 16 for G.711), 0 for float and lossy formats. */
int sm_decoder_bits(const sm_decoder *d);
/* Like sm_decoder_read, but the integer samples as stored (e.g. -32768..32767 for 16 bits;
 * 8-bit unsigned WAV re-centred to -128..127). Integer formats only (sm_decoder_bits > 0);
 * -1 with a reason otherwise. Lets tests check bit-exactness, including 32-bit audio. */
long sm_decoder_read_i32(sm_decoder *d, int32_t *out, long max_frames);

/* What sm_decoder_probe found. */
enum sm_probe {
  SM_PROBE_UNKNOWN = 0,     /* not recognised as audio */
  SM_PROBE_ENGINE = 1,      /* wav, aiff, flac, ogg (Vorbis): sm_decoder_open decodes it */
  SM_PROBE_BROWSER = 2,     /* mp3, aac, m4a, opus, webm: hand it to the browser's decoder */
  SM_PROBE_UNSUPPORTED = 3  /* recognised, decoded by neither (ogg-flac, caf, midi, ...) */
};
/* Looks at the magic bytes only (a leading ID3v2 tag is skipped). Writes the format's short
 * name ("wav", "mp3", "m4a", "opus"... or "" when unknown) into name (cap bytes, may be NULL)
 * and returns an enum sm_probe. sm_decoder_open fails on anything but SM_PROBE_ENGINE with
 * "<name>: decoded by the browser, not the engine" or a similar one-line reason. One case
 * probes as SM_PROBE_ENGINE yet opens with that same browser reason: Ogg Vorbis with a 5.1
 * channel mapping, which the bundled stb_vorbis decodes wrongly. sm_decoder_for (sonomap.h)
 * tells a caller which decoder a file needs, that case included. */
int sm_decoder_probe(const uint8_t *buf, size_t len, char *name, size_t cap);

#endif
