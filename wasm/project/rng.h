/* rng.h — a small seeded PRNG (splitmix64 seeding, xoshiro256** stream) for the projection
 * engine. Integer-only, so a seed gives the same stream natively and in wasm. */
#ifndef PRJ_RNG_H
#define PRJ_RNG_H

#include <math.h>
#include <stdint.h>

typedef struct prj_rng {
  uint64_t s[4];
} prj_rng;

static inline uint64_t prj_splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Seed a stream; `stream` separates independent streams drawn from one user seed. */
static inline void prj_rng_seed(prj_rng *r, uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ull);
  for (int i = 0; i < 4; i++)
    r->s[i] = prj_splitmix64(&x);
}

static inline uint64_t prj_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t prj_rng_next(prj_rng *r) {
  uint64_t *s = r->s;
  uint64_t out = prj_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = prj_rotl(s[3], 45);
  return out;
}

/* Uniform integer in [0, n), n >= 1 (multiply-shift; bias below 2^-32 per draw). */
static inline uint32_t prj_rng_below(prj_rng *r, uint32_t n) {
  return (uint32_t)(((prj_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform double in [0, 1). */
static inline double prj_rng_uniform(prj_rng *r) {
  return (double)(prj_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Standard normal (Box-Muller, one value per call). */
static inline double prj_rng_normal(prj_rng *r) {
  double u = 1.0 - prj_rng_uniform(r); /* (0, 1] */
  double v = prj_rng_uniform(r);
  return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

#endif
