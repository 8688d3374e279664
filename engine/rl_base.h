/* rnnlab engine: shared basics (errors, seeded random numbers).
 * The engine never exits, aborts or prints: every fallible call returns 0 on success or -1 and
 * fills an rl_error with a one-line message a person can act on. */
#ifndef RNNLAB_BASE_H
#define RNNLAB_BASE_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
  char msg[512];
} rl_error;

/* Formats into err (if non-NULL) and returns -1, so callers can `return rl_fail(err, ...)`. */
int rl_fail(rl_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* xoshiro256** seeded through splitmix64: fast, reproducible on every platform. */
typedef struct {
  uint64_t s[4];
} rl_rng;

void rl_rng_seed(rl_rng *r, uint64_t seed);
uint64_t rl_rng_u64(rl_rng *r);
float rl_rng_uniform(rl_rng *r);                 /* [0, 1) with 24 random bits */
float rl_rng_uniform_range(rl_rng *r, float lo, float hi);
float rl_rng_normal(rl_rng *r);                  /* standard normal (Box-Muller) */
int rl_rng_int(rl_rng *r, int n);                /* uniform in [0, n), n >= 1 */

/* strdup (not in C11); NULL on out-of-memory. */
char *rl_strdup(const char *s);

/* Overflow-checked size arithmetic: returns 0 and sets *out, or -1 if a*b overflows or a,b < 0. */
int rl_mul_size(size_t a, size_t b, size_t *out);

#endif
