/* files.h — whole-file reads for the native tests (test inputs and references in build/fixtures,
 * models in models/ and ../shared/models). Header-only: every function is static inline. */
#ifndef TEST_FILES_H
#define TEST_FILES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The bytes of path (malloc'd, *len set), or NULL when it cannot be read. */
static inline uint8_t *read_bytes(const char *path, size_t *len) {
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  uint8_t *b = n >= 0 ? malloc(n > 0 ? (size_t)n : 1) : NULL;
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  if (b)
    *len = (size_t)n;
  return b;
}

/* The float32 values of path (*n of them), or NULL when it cannot be read or is empty. */
static inline float *read_f32(const char *path, size_t *n) {
  size_t bytes;
  uint8_t *b = read_bytes(path, &bytes);
  *n = b ? bytes / sizeof(float) : 0;
  if (!*n) {
    free(b);
    return NULL;
  }
  return (float *)b;
}

#endif
