/* Tests of the output module: WAV encoding, colour-mapped tiles, sprite sheets (decoded back
 * with stb_image to check every pixel lands where it should). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "output/colormap.h"
#include "sonomap.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
#include <stb_image.h>

static int rd16(const uint8_t *p) { return (int16_t)(p[0] | p[1] << 8); }
static unsigned rd32(const uint8_t *p) {
  return p[0] | p[1] << 8 | p[2] << 16 | (unsigned)p[3] << 24;
}

static void test_wav(void) {
  float x[5] = {0.0f, 0.5f, -1.0f, 2.0f, -0.25f};
  size_t len = 0;
  uint8_t *w = sm_wav_encode(x, 5, 16000, &len);
  CHECK(w != NULL, "wav encode returned NULL");
  if (!w)
    return;
  CHECK(len == 44 + 10, "length %zu", len);
  CHECK(memcmp(w, "RIFF", 4) == 0 && memcmp(w + 8, "WAVEfmt ", 8) == 0, "header tags");
  CHECK(rd32(w + 4) == len - 8, "RIFF size %u", rd32(w + 4));
  CHECK(rd32(w + 24) == 16000, "rate %u", rd32(w + 24));
  CHECK(rd32(w + 40) == 10, "data size %u", rd32(w + 40));
  int expect[5] = {0, 16384, -32767, 32767, -8192};
  for (int i = 0; i < 5; i++)
    CHECK(rd16(w + 44 + 2 * i) == expect[i], "sample %d = %d", i, rd16(w + 44 + 2 * i));
  sm_free(w);
  CHECK(sm_wav_encode(x, 5, 0, &len) == NULL && len == 0, "rate 0 must be refused");
}

static int luma(const uint8_t *p) { return 299 * p[0] + 587 * p[1] + 114 * p[2]; }

static void test_colormap_and_tile(void) {
  uint8_t a[3], b[3];
  int prev = -1, monotone = 1;
  for (int i = 0; i <= 100; i++) {
    out_colormap(i / 100.0f, a);
    int l = luma(a);
    if (l < prev)
      monotone = 0;
    prev = l;
  }
  CHECK(monotone, "colour map brightness must rise with the value");
  out_colormap(NAN, a);
  out_colormap(-3.0f, b);
  CHECK(memcmp(a, b, 3) == 0, "NaN and below-range map to the lowest colour");

  /* A patch whose energy is all in the lowest band: the bottom row of the tile is bright, the top
   * dark. */
  float patch[96 * 64];
  for (int t = 0; t < 96; t++)
    for (int m = 0; m < 64; m++)
      patch[t * 64 + m] = m < 8 ? 2.0f : -6.9f;
  uint8_t tile[32 * 32 * 4];
  sm_logmel_tile(patch, 96, 64, 32, 32, tile);
  CHECK(luma(tile + (31 * 32 + 16) * 4) > luma(tile + (0 * 32 + 16) * 4) + 100000,
        "low bands must be drawn at the bottom");
  CHECK(tile[3] == 255, "tiles are opaque");
}

static void test_sprite_roundtrip(int quality) {
  const int n = 7, t = 10;
  uint8_t *tiles = malloc((size_t)n * t * t * 4);
  for (int i = 0; i < n; i++)
    for (int p = 0; p < t * t; p++) {
      uint8_t *px = tiles + ((size_t)i * t * t + p) * 4;
      px[0] = (uint8_t)(30 * i);
      px[1] = (uint8_t)(255 - 30 * i);
      px[2] = 128;
      px[3] = 255;
    }
  size_t len = 0;
  int cols = 0;
  uint8_t *img = sm_sprite_encode(tiles, n, t, quality, &len, &cols);
  CHECK(img && len > 0, "sprite encode (quality %d)", quality);
  CHECK(cols == 3, "7 tiles go in a 3-column square grid, got %d", cols);
  if (img) {
    int w, h, c;
    uint8_t *dec = stbi_load_from_memory(img, (int)len, &w, &h, &c, 4);
    CHECK(dec != NULL, "encoded sprite decodes");
    if (dec) {
      CHECK(w == 30 && h == 30, "sheet size %dx%d", w, h);
      int tol = quality ? 12 : 0;
      for (int i = 0; i < n; i++) {
        int cx = (i % 3) * t + t / 2, cy = (i / 3) * t + t / 2;
        const uint8_t *px = dec + ((size_t)cy * w + cx) * 4;
        CHECK(abs(px[0] - 30 * i) <= tol && abs(px[1] - (255 - 30 * i)) <= tol,
              "tile %d centre (%d,%d) has %d,%d", i, cx, cy, px[0], px[1]);
      }
      stbi_image_free(dec);
    }
    sm_free(img);
  }
  free(tiles);
}

int main(void) {
  test_wav();
  test_colormap_and_tile();
  test_sprite_roundtrip(0);
  test_sprite_roundtrip(90);
  size_t len = 1;
  CHECK(sm_sprite_encode(NULL, 3, 8, 0, &len, NULL) == NULL && len == 0, "NULL tiles refused");
  return check_report("test_output");
}
