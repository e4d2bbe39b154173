/* aiff.h — AIFF and AIFC: big-endian PCM 8..32-bit; AIFC compression types NONE/twos, sowt
 * (little-endian), in24/in32, 42ni, raw (unsigned 8-bit), fl32/FL32, fl64/FL64, ulaw, alaw.
 * Implements dec_codec_aiff. */
#ifndef DEC_AIFF_H
#define DEC_AIFF_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"

/* 1 when buf starts like "FORM" .... "AIFF"|"AIFC". */
int dec_aiff_probe(const uint8_t *buf, size_t len);

/* The 80-bit IEEE 754 extended value at p (big-endian) as a double; returns 0 and leaves *out
 * alone when it is not a finite positive number below 2^30. */
int dec_aiff_ext80(const uint8_t p[10], double *out);

#endif
