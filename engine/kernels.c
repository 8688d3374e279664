/* Choosing the kernel set (see kernels.h): cpuid on first use, RNNLAB_KERNELS, rl_kernels_select. */
#include "kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const char *const NAMES[RL_KERNELS_COUNT] = {"portable", "avx2", "avx512"};
static atomic_int active = -1; /* -1 until chosen */
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

const char *rl_kernels_name(rl_kernels k) {
  return (unsigned)k < RL_KERNELS_COUNT ? NAMES[k] : "unknown";
}

int rl_kernels_available(rl_kernels k) {
  switch (k) {
  case RL_KERNELS_PORTABLE: return 1;
#if RL_X86_KERNELS
  /* __builtin_cpu_supports also checks that the OS saves the wider registers (XGETBV) */
  case RL_KERNELS_AVX2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  case RL_KERNELS_AVX512:
    __builtin_cpu_init();
    return rl_kernels_available(RL_KERNELS_AVX2) && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
#endif
  default: return 0;
  }
}

static rl_kernels best(void) {
  for (int k = RL_KERNELS_COUNT - 1; k > 0; k--)
    if (rl_kernels_available((rl_kernels)k)) return (rl_kernels)k;
  return RL_KERNELS_PORTABLE;
}

/* The name's set if known and available, else -1. */
static int lookup(const char *name) {
  if (!strcmp(name, "auto")) return (int)best();
  for (int k = 0; k < RL_KERNELS_COUNT; k++)
    if (!strcmp(name, NAMES[k])) return rl_kernels_available((rl_kernels)k) ? k : -1;
  return -1;
}

static void choose_first(void) {
  const char *env = getenv("RNNLAB_KERNELS");
  int k = env && *env ? lookup(env) : -1; /* an unusable name falls back to the best set */
  atomic_store(&active, k >= 0 ? k : (int)best());
}

rl_kernels rl_kernels_active(void) {
  int k = atomic_load_explicit(&active, memory_order_relaxed);
  if (k < 0) {
    pthread_once(&chosen_once, choose_first);
    k = atomic_load(&active);
  }
  return (rl_kernels)k;
}

int rl_kernels_select(const char *name, rl_error *err) {
  pthread_once(&chosen_once, choose_first); /* so a later first use cannot override this choice */
  int k = lookup(name);
  if (k < 0) {
    char avail[64] = "auto";
    for (int i = 0; i < RL_KERNELS_COUNT; i++)
      if (rl_kernels_available((rl_kernels)i)) {
        strcat(avail, ", ");
        strcat(avail, NAMES[i]);
      }
    return rl_fail(err, "kernel set '%s' is not available here (this build and CPU: %s)", name, avail);
  }
  atomic_store(&active, k);
  return 0;
}
