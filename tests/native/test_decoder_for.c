/* test_decoder_for.c — sm_decoder_for says which decoder a file needs (the engine, WebCodecs
 * for MPEG/ADTS/Ogg Opus, the browser's own decoder, none) with the same decisions as the
 * decoder itself; and sm_abi reports this build's constants and sm_map_options layout. */
#include <stddef.h>
#include <string.h>

#include "check.h"
#include "decode/decode.h"
#include "decode_util.h"
#include "sonomap.h"

/* Each kind, and dec_decoder_open agreeing: only SM_DECODER_ENGINE files open (or fail for a
 * reason of their own), every browser kind fails with the browser's reason. */
static void expect_kind(const char *what, const uint8_t *b, size_t len, int kind) {
  int got = sm_decoder_for(b, len);
  CHECK(got == kind, "%s: kind %d, expected %d", what, got, kind);
  char err[256] = "";
  dec_decoder *d = dec_decoder_open(b, len, err, sizeof err);
  int browser = strstr(err, "decoded by the browser") != NULL;
  if (kind >= SM_DECODER_BROWSER_MPEG && kind <= SM_DECODER_BROWSER)
    CHECK(!d && browser, "%s: open says '%s'", what, err);
  else
    CHECK(!browser, "%s: open says '%s' yet the kind is %d", what, err, kind);
  dec_decoder_close(d);
}

static void put_le(uint8_t *p, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* A 44-byte header of 16-bit mono PCM at 16 kHz with `data` bytes of samples. */
static void wav_header(uint8_t *b, uint32_t data) {
  memcpy(b, "RIFF", 4);
  put_le(b + 4, 36 + data, 4);
  memcpy(b + 8, "WAVEfmt ", 8);
  put_le(b + 16, 16, 4);
  put_le(b + 20, 1, 2);
  put_le(b + 22, 1, 2);
  put_le(b + 24, 16000, 4);
  put_le(b + 28, 32000, 4);
  put_le(b + 32, 2, 2);
  put_le(b + 34, 16, 2);
  memcpy(b + 36, "data", 4);
  put_le(b + 40, data, 4);
}

static void kinds_from_bytes(void) {
  uint8_t b[64];
  expect_kind("empty", (const uint8_t *)"", 0, SM_DECODER_UNKNOWN);
  expect_kind("text", (const uint8_t *)"hello, world", 12, SM_DECODER_UNKNOWN);
  expect_kind("bare mp3", (const uint8_t *)"\xFF\xFB\x90\x64\0\0\0\0", 8, SM_DECODER_BROWSER_MPEG);
  memset(b, 0, sizeof b);
  memcpy(b, "ID3\x03\0\0\0\0\0\x0A", 10);
  memcpy(b + 20, "\xFF\xFB\x90\x64", 4);
  expect_kind("ID3 mp3", b, 40, SM_DECODER_BROWSER_MPEG);
  expect_kind("ADTS", (const uint8_t *)"\xFF\xF1\x50\x80\x02\x1F\xFC\0", 8, SM_DECODER_BROWSER_AAC);
  expect_kind("m4a",
              (const uint8_t *)"\0\0\0\x20"
                               "ftypM4A \0\0\0\0",
              16, SM_DECODER_BROWSER);
  expect_kind("webm", (const uint8_t *)"\x1A\x45\xDF\xA3\0\0\0\0", 8, SM_DECODER_BROWSER);
  memset(b, 0, sizeof b);
  memcpy(b, "OggS", 4);
  b[5] = 2;
  b[26] = 1;
  b[27] = 19;
  memcpy(b + 28, "OpusHead\x01\x02", 10);
  expect_kind("ogg opus", b, 47, SM_DECODER_BROWSER_OPUS);
  memcpy(b + 28,
         "\x7F"
         "FLAC\x01\x00",
         7);
  expect_kind("ogg flac", b, 47, SM_DECODER_NONE);
  expect_kind("caf", (const uint8_t *)"caff\0\x01\0\0", 8, SM_DECODER_NONE);
  /* a WAV header the engine reads, and one that lies: both the engine's to judge */
  uint8_t w[44 + 64];
  memset(w, 0, sizeof w);
  wav_header(w, 64);
  expect_kind("wav", w, sizeof w, SM_DECODER_ENGINE);
  expect_kind("wav cut in its header", w, 20, SM_DECODER_ENGINE);
}

/* Ogg Vorbis files made by oggenc: the 5.1 one goes to the browser, the others to the engine. */
static void vorbis_files(void) {
  const char *names[] = {"v_mono.ogg", "v_4ch.ogg", "v_6ch.ogg"};
  const int kinds[] = {SM_DECODER_ENGINE, SM_DECODER_ENGINE, SM_DECODER_BROWSER};
  for (int i = 0; i < 3; i++) {
    char path[256];
    snprintf(path, sizeof path, "%s%s", FIXDIR, names[i]);
    size_t len = 0;
    uint8_t *buf = read_file(path, &len);
    CHECK(buf != NULL, "%s: run make fixtures", path);
    if (!buf)
      continue;
    expect_kind(names[i], buf, len, kinds[i]);
    free(buf);
  }
}

static void abi(void) {
  CHECK(sm_abi(SM_ABI_VERSION) == 1, "abi version %d", sm_abi(SM_ABI_VERSION));
  CHECK(sm_abi(SM_ABI_RATE) == SM_RATE && sm_abi(SM_ABI_FP) == SM_FP, "rate, fp");
  CHECK(sm_abi(SM_ABI_PATCH_FRAMES) == 96 && sm_abi(SM_ABI_PATCH_BANDS) == 64, "patch");
  CHECK(sm_abi(SM_ABI_NDESC) == SM_NDESC, "ndesc");
  CHECK(sm_abi(SM_ABI_MAP_OPTIONS_SIZE) == (int)sizeof(sm_map_options), "options size");
  CHECK(sm_abi(SM_ABI_OFF_STANDARDIZE) == (int)offsetof(sm_map_options, standardize), "offset");
  CHECK(sm_abi(SM_ABI_PROJ_TSNE) == SM_PROJ_TSNE, "tsne");
  CHECK(sm_abi(SM_ABI_DECODER_BROWSER_OPUS) == SM_DECODER_BROWSER_OPUS, "opus kind");
  CHECK(sm_abi(SM_ABI_MODE_ONSET) == SM_MODE_ONSET && sm_abi(SM_ABI_MODE_BLEND) == SM_MODE_BLEND,
        "onset, blend modes");
  CHECK(sm_abi(SM_ABI_NTIMBRE) == SM_NTIMBRE, "ntimbre");
  CHECK(sm_abi(-1) == -1 && sm_abi(SM_ABI_COUNT) == -1, "unknown ids give -1");
  /* every id below SM_ABI_COUNT is known, every offset inside the struct, in order */
  int last = -1;
  for (int id = 0; id < SM_ABI_COUNT; id++)
    CHECK(sm_abi(id) >= 0, "id %d unknown", id);
  for (int id = SM_ABI_OFF_PROJECTION; id <= SM_ABI_OFF_STANDARDIZE; id++) {
    int off = sm_abi(id);
    CHECK(off > last && off + 4 <= sm_abi(SM_ABI_MAP_OPTIONS_SIZE), "offset of id %d: %d", id, off);
    last = off;
  }
}

int main(void) {
  kinds_from_bytes();
  vorbis_files();
  abi();
  return check_report("test_decoder_for");
}
