/* codec.c — message helpers shared by the format modules (see codec.h). */
#include "codec.h"

#include <stdarg.h>
#include <stdio.h>

void dec_msg_set(char *dst, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(dst, DEC_MSG, fmt, ap);
  va_end(ap);
}

void dec_msg_warn(dec_msgs *m, const char *fmt, ...) {
  if (m->warn[0])
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->warn, sizeof m->warn, fmt, ap);
  va_end(ap);
}

int dec_check_rate(double rate, const char *fmt, dec_msgs *m) {
  if (rate >= 1.0 && rate <= DEC_MAX_RATE)
    return 1;
  dec_msg_set(m->err, "%s: sample rate %.10g Hz is out of range (1..%d)", fmt, rate, DEC_MAX_RATE);
  return 0;
}
