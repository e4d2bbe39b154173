/* memory.c — allocation entry points of the public API, so JavaScript and C free with the same
 * allocator (sonomap.h: sm_malloc, sm_free). */
#include <stdlib.h>

#include "sonomap.h"

void *sm_malloc(size_t n) { return malloc(n ? n : 1); }
void sm_free(void *p) { free(p); }
