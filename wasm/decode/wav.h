/* wav.h — RIFF/RIFX/RF64 WAVE: PCM 8..32-bit, IEEE float 32/64, G.711 A-law/mu-law,
 * WAVE_FORMAT_EXTENSIBLE with a PCM/float/G.711 sub-format. Implements dec_codec_wav. */
#ifndef DEC_WAV_H
#define DEC_WAV_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"

/* 1 when buf starts like a WAVE file ("RIFF"/"RIFX"/"RF64" ... "WAVE"). */
int dec_wav_probe(const uint8_t *buf, size_t len);

#endif
