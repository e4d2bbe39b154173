/* flac.h — native FLAC (RFC 9639), decoded bit-exactly: STREAMINFO (other metadata skipped,
 * a leading ID3v2 tag too), fixed and variable block sizes, 1..8 channels, 4..32 bits,
 * independent/left-side/right-side/mid-side stereo, CRC-8/CRC-16 checks, MD5 check of the
 * whole stream. Implements dec_codec_flac. Memory: per-channel buffers of the largest block
 * seen (at most 8 x 65536 64-bit samples). */
#ifndef DEC_FLAC_H
#define DEC_FLAC_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"

/* Bytes taken by ID3v2 tags at the start of buf (0 when none; may exceed len when cut). */
size_t dec_id3v2_size(const uint8_t *buf, size_t len);

#endif
