/* vorbis.h — Ogg Vorbis through stb_vorbis (Debian's libstb-dev), pull API over the caller's
 * buffer. All of stb_vorbis's memory, setup and per-packet scratch alike, comes from one
 * buffer of bounded size (grown stepwise up to 32 MiB while the setup asks for more).
 * Streams whose channel mapping has several submaps or coupling steps (libvorbis's 5.1) are
 * refused with "... decoded by the browser, not the engine": stb_vorbis 1.22 decodes them
 * wrongly. Implements dec_codec_vorbis. */
#ifndef DEC_VORBIS_H
#define DEC_VORBIS_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"

/* What the first Ogg page carries: "vorbis", "opus", "flac", "speex", "theora", or NULL when
 * buf does not start with an Ogg page ("OggS"); "unknown" for an unrecognised stream. */
const char *dec_ogg_stream_kind(const uint8_t *buf, size_t len);

#endif
