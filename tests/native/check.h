/* check.h — a tiny test harness for the native C tests.
 * Each test program calls CHECK* and ends with `return check_report("name");`, which prints
 * "name: N passed, M failed" and returns non-zero when anything failed. */
#ifndef TEST_CHECK_H
#define TEST_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_passed_, check_failed_;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (cond) {                                                                                    \
      check_passed_++;                                                                             \
    } else {                                                                                       \
      check_failed_++;                                                                             \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                              \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
    }                                                                                              \
  } while (0)

/* |a - b| <= tol */
#define CHECK_NEAR(a, b, tol, what)                                                                \
  do {                                                                                             \
    double a_ = (a), b_ = (b);                                                                     \
    CHECK(fabs(a_ - b_) <= (tol), "%s: %.9g vs %.9g (tol %.3g)", (what), a_, b_, (double)(tol));   \
  } while (0)

static inline int check_report(const char *name) {
  printf("%s: %d passed, %d failed\n", name, check_passed_, check_failed_);
  return check_failed_ ? 1 : 0;
}

#endif
