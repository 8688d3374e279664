/* Which instruction set the engine's kernels use: the matrix products (sgemm.c) and the vector
 * sigmoid / tanh (fastmath.c). Everything else is plain C compiled for the build's target.
 *
 * One binary runs on every x86-64 CPU and is still fast: each kernel exists as portable C and, on
 * x86-64 with GCC or Clang, also compiled for AVX2+FMA and for AVX-512 (F, DQ, BW, VL: the x86-64-v4
 * level) through target attributes. The best set this CPU supports (cpuid) is chosen on first use,
 * unless the environment variable RNNLAB_KERNELS names another (portable, avx2, avx512; auto = the
 * default), or rl_kernels_select() is called. Built with -DRNNLAB_VECTOR_KERNELS=OFF, or for another
 * architecture (ARM), only the portable C path exists.
 *
 * Results differ between kernel sets only in the order of float summation inside a product
 * (sigmoid and tanh are bit-identical: the same fused operations in every set). */
#ifndef RNNLAB_KERNELS_H
#define RNNLAB_KERNELS_H
#include "rl_base.h"

typedef enum { RL_KERNELS_PORTABLE = 0, RL_KERNELS_AVX2 = 1, RL_KERNELS_AVX512 = 2 } rl_kernels;
#define RL_KERNELS_COUNT 3

/* The set in use (chosen on first call). */
rl_kernels rl_kernels_active(void);
/* "portable", "avx2", "avx512". */
const char *rl_kernels_name(rl_kernels k);
/* 1 if this build contains the set and this CPU (and OS) can run it. */
int rl_kernels_available(rl_kernels k);
/* Selects a set by name ("auto", "portable", "avx2", "avx512"). Fails, naming what is available, for
 * an unknown name or a set this build or CPU lacks. Call it while no product is running. */
int rl_kernels_select(const char *name, rl_error *err);

/* For the kernel files: RL_X86_KERNELS is 1 where the AVX2 and AVX-512 variants are compiled, and
 * RL_TARGET_AVX2 / RL_TARGET_AVX512 mark a function compiled for that set (the rest of the file
 * stays baseline x86-64).
 *
 * RL_KERNEL_CLONES(name, params, args) defines `void name params` that runs `name##_body args`,
 * a static inline function written once in plain C, compiled for the active set: each clone
 * inlines the body (flatten) and the compiler vectorises its loops for that set's registers. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(RNNLAB_NO_VECTOR_KERNELS)
#define RL_X86_KERNELS 1
#define RL_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define RL_TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))
#define RL_KERNEL_CLONES(name, params, args)                                                       \
  RL_TARGET_AVX2 __attribute__((flatten)) static void name##_avx2 params { name##_body args; }       \
  RL_TARGET_AVX512 __attribute__((flatten)) static void name##_avx512 params { name##_body args; }   \
  void name params {                                                                               \
    switch (rl_kernels_active()) {                                                                 \
    case RL_KERNELS_AVX512: name##_avx512 args; return;                                            \
    case RL_KERNELS_AVX2: name##_avx2 args; return;                                                \
    default: name##_body args;                                                                     \
    }                                                                                              \
  }
#else
#define RL_X86_KERNELS 0
#define RL_KERNEL_CLONES(name, params, args) \
  void name params { name##_body args; }
#endif

#endif
