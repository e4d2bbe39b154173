/* md5.h — MD5 (RFC 1321), used to check a FLAC stream's decoded audio against the signature
 * its STREAMINFO carries. */
#ifndef DEC_MD5_H
#define DEC_MD5_H

#include <stddef.h>
#include <stdint.h>

typedef struct dec_md5 {
  uint32_t h[4];
  uint64_t bytes;    /* message length so far */
  uint8_t block[64]; /* pending partial block */
} dec_md5;

void dec_md5_init(dec_md5 *c);
void dec_md5_update(dec_md5 *c, const void *data, size_t len);
void dec_md5_final(dec_md5 *c, uint8_t digest[16]);

#endif
