/* sprite.c — sprite sheets (square grid of tiles) encoded with stb_image_write. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/bytebuf.h"
#include "sonomap.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

static void sink(void *ctx, void *data, int size) {
  out_bytebuf_append((out_bytebuf *)ctx, data, size > 0 ? (size_t)size : 0);
}

uint8_t *sm_sprite_encode(const uint8_t *tiles_rgba, int n, int tile, int quality, size_t *len,
                          int *cols_out) {
  if (len)
    *len = 0;
  if (!tiles_rgba || n <= 0 || tile <= 0 || quality < 0 || quality > 100 || !len)
    return NULL;
  int cols = (int)ceil(sqrt((double)n));
  while ((long long)cols * cols < n)
    cols++;
  int rows = (n + cols - 1) / cols;
  /* stb_image_write and JPEG limit a side to 65535 px; keep the sheet addressable. */
  if ((long long)cols * tile > 65535 || (long long)rows * tile > 65535)
    return NULL;
  int w = cols * tile, h = rows * tile;
  size_t stride = (size_t)w * 4;
  uint8_t *sheet = calloc((size_t)h, stride);
  if (!sheet)
    return NULL;
  size_t tile_bytes = (size_t)tile * (size_t)tile * 4;
  for (int i = 0; i < n; i++) {
    int cx = i % cols, cy = i / cols;
    const uint8_t *src = tiles_rgba + (size_t)i * tile_bytes;
    for (int y = 0; y < tile; y++)
      memcpy(sheet + ((size_t)cy * tile + (size_t)y) * stride + (size_t)cx * tile * 4,
             src + (size_t)y * tile * 4, (size_t)tile * 4);
  }
  out_bytebuf out = {0};
  int ok = quality == 0 ? stbi_write_png_to_func(sink, &out, w, h, 4, sheet, (int)stride)
                        : stbi_write_jpg_to_func(sink, &out, w, h, 4, sheet, quality);
  free(sheet);
  if (!ok || out.failed) {
    free(out.data);
    return NULL;
  }
  *len = out.len;
  if (cols_out)
    *cols_out = cols;
  return out.data;
}
