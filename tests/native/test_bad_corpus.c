/* test_bad_corpus.c — the bad-input corpus (tests/fixtures/bad_corpus.py, `make fixtures`)
 * through sm_analyze_file in every mode: each file of build/fixtures/bad/expected.tsv must be
 * analysed (finite features), or reported with a reason matching the expected regular
 * expression, as the table says; with SM_BAD_BIG=1 also the one-hour file (long mode) and the
 * 10,000 tiny files. */
#include <dirent.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "files.h"
#include "sonomap.h"

#define DIR_BAD "build/fixtures/bad/"

static const char *MODES[] = {"clip", "whole", "long", "onset", "blend"};

/* 1 when a is a finished analysis with finite features */
static int analysed(const sm_analysis *a) {
  if (!a || sm_analysis_error(a) || sm_analysis_segments(a) < 1)
    return 0;
  for (int i = 0; i < sm_analysis_segments(a); i++) {
    const float *d = sm_segment_descriptors(a, i), *f = sm_segment_fingerprint(a, i);
    const float *t = sm_segment_timbre(a, i), *m = sm_segment_logmel(a, i);
    for (int k = 0; k < SM_NDESC; k++)
      if (!isfinite(d[k]))
        return 0;
    for (int k = 0; k < SM_FP * SM_FP; k++)
      if (!isfinite(f[k]))
        return 0;
    for (int k = 0; k < SM_NTIMBRE; k++)
      if (!isfinite(t[k]))
        return 0;
    for (int k = 0; k < SM_PATCH_FRAMES * SM_NMEL; k++)
      if (!isfinite(m[k]))
        return 0;
  }
  return 1;
}

static void corpus(void) {
  FILE *f = fopen(DIR_BAD "expected.tsv", "r");
  CHECK(f != NULL, "no " DIR_BAD "expected.tsv: run make fixtures");
  if (!f)
    return;
  char line[1024];
  int counts[3] = {0, 0, 0};
  if (!fgets(line, sizeof line, f)) /* header */
    line[0] = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *name = strtok(line, "\t"), *outcome = strtok(NULL, "\t"), *rest = strtok(NULL, "");
    if (!name || !outcome)
      continue;
    /* reason may be empty: the field before "what" */
    char reason[512] = "";
    if (rest && rest[0] != '\t') {
      size_t k = strcspn(rest, "\t");
      snprintf(reason, sizeof reason, "%.*s", (int)k, rest);
    }
    char path[512];
    snprintf(path, sizeof path, DIR_BAD "%s", name);
    size_t len;
    uint8_t *b = read_bytes(path, &len);
    CHECK(b != NULL, "cannot read %s", path);
    if (!b)
      continue;
    regex_t re;
    int have_re = reason[0] && regcomp(&re, reason, REG_EXTENDED | REG_NOSUB) == 0;
    CHECK(!reason[0] || have_re, "%s: bad expression '%s'", name, reason);
    for (int mode = 0; mode < 5; mode++) {
      sm_analysis *a = sm_analyze_file(b, len, mode);
      CHECK(a != NULL, "%s: NULL", name);
      const char *e = a ? sm_analysis_error(a) : "out of memory";
      if (!strcmp(outcome, "analysed")) {
        CHECK(analysed(a), "%s (%s mode): expected an analysis, got '%s'", name, MODES[mode],
              e ? e : "non-finite features or no segment");
      } else if (!strcmp(outcome, "reported")) {
        CHECK(e && e[0] && (!have_re || regexec(&re, e, 0, NULL, 0) == 0),
              "%s (%s mode): expected a reason matching /%s/, got '%s'", name, MODES[mode], reason,
              e ? e : "an analysis");
      } else {
        CHECK(e ? e[0] != 0 : analysed(a), "%s (%s mode): neither a reason nor an analysis", name,
              MODES[mode]);
      }
      if (mode == 0)
        counts[e ? 1 : 0]++, counts[2]++;
      sm_analysis_free(a);
    }
    if (have_re)
      regfree(&re);
    free(b);
  }
  fclose(f);
  printf("bad corpus: %d files, %d analysed, %d reported (clip mode; all five modes checked)\n",
         counts[2], counts[0], counts[1]);
  CHECK(counts[2] > 150, "only %d cases", counts[2]);
}

static void hour(void) {
  size_t len;
  uint8_t *b = read_bytes("build/fixtures/bad-hour/hour.wav", &len);
  CHECK(b != NULL, "no one-hour file: run make fixtures");
  if (!b)
    return;
  sm_analysis *a = sm_analyze_file(b, len, SM_MODE_LONG);
  CHECK(analysed(a), "one hour: %s", a && sm_analysis_error(a) ? sm_analysis_error(a) : "failed");
  if (a) {
    CHECK_NEAR(sm_analysis_duration(a), 3600.0, 0.01, "one hour: duration");
    /* one window every 0.48 s */
    CHECK(abs(sm_analysis_segments(a) - 7500) <= 2, "one hour: %d segments",
          sm_analysis_segments(a));
  }
  sm_analysis_free(a);
  free(b);
}

static void many(void) {
  DIR *d = opendir("build/fixtures/bad-many");
  CHECK(d != NULL, "no bad-many folder: run make fixtures");
  if (!d)
    return;
  int n = 0, ok = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.')
      continue;
    char path[512];
    snprintf(path, sizeof path, "build/fixtures/bad-many/%s", e->d_name);
    size_t len;
    uint8_t *b = read_bytes(path, &len);
    sm_analysis *a = b ? sm_analyze_file(b, len, SM_MODE_CLIP) : NULL;
    ok += analysed(a);
    n++;
    sm_analysis_free(a);
    free(b);
  }
  closedir(d);
  printf("bad corpus: %d of %d tiny files analysed\n", ok, n);
  CHECK(n == 10000 && ok == n, "%d of %d tiny files analysed", ok, n);
}

int main(void) {
  corpus();
  /* The one-hour file and the 10,000 tiny files take minutes under ASan: they run in the CLI
   * test (tests/node/bad-corpus.test.mjs), and here with SM_BAD_BIG=1. */
  const char *big = getenv("SM_BAD_BIG");
  if (big && big[0] == '1') {
    hour();
    many();
  }
  return check_report("test_bad_corpus");
}
