/* flac_crc.h — the CRCs FLAC frames carry: CRC-8 (polynomial x^8+x^2+x+1, 0x07) over the
 * frame header and CRC-16 (x^16+x^15+x^2+1, 0x8005) over the whole frame; MSB first,
 * initial value 0, no final xor. */
#ifndef DEC_FLAC_CRC_H
#define DEC_FLAC_CRC_H

#include <stddef.h>
#include <stdint.h>

uint8_t dec_flac_crc8(const uint8_t *p, size_t n);
uint16_t dec_flac_crc16(const uint8_t *p, size_t n);

#endif
