/* Single-precision matrix product, row-major, BLAS semantics:
 *   C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C
 * op(A) = A (A is M x K, row stride lda) or A^T (A is K x M, row stride lda) when trans_a;
 * op(B) = B (K x N, ldb) or B^T (B is N x K, ldb) when trans_b.
 * beta == 0 overwrites C without reading C (NaNs in C do not propagate).
 * Single-threaded by design: the model parallelises over batch shards, one sgemm per thread.
 * The instruction set is chosen at run time (kernels.h). */
#ifndef RNNLAB_SGEMM_H
#define RNNLAB_SGEMM_H
#include <stddef.h>

void rl_sgemm(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc);

/* A B operand packed once for many products with the same op(B) (a recurrent weight, multiplied
 * once per timestep). Zero-initialise, pack, multiply as often as needed, free. The struct keeps
 * B's address: B must not change while the packed copy is in use. */
typedef struct {
  int K, N, trans_b, ldb;
  const float *B;
  int packed_for; /* the kernel set of the packed copy; -1: not packed, products read B */
  float *data;    /* owned */
  size_t cap;     /* floats allocated */
} rl_sgemm_b;

/* Packs op(B) [K,N] for products of M rows. Small M (whose paths read B directly) is not packed.
 * Returns -1 only when out of memory; the products then read B directly (still correct). */
int rl_sgemm_pack_b(rl_sgemm_b *p, int M, int trans_b, int K, int N, const float *B, int ldb);
/* C[M,N] = alpha * op(A)[M,K] * op(B) + beta * C, with op(B) from p. */
void rl_sgemm_packed(int trans_a, int M, float alpha, const float *A, int lda, const rl_sgemm_b *p,
                     float beta, float *C, int ldc);
void rl_sgemm_b_free(rl_sgemm_b *p);

/* Matrix-product FLOPs (2*M*N*K per product) the calling thread has executed so far. */
double rl_sgemm_flops(void);

/* Straightforward triple loop with double accumulation: the reference the tests compare against. */
void rl_sgemm_reference(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
                        int lda, const float *B, int ldb, float beta, float *C, int ldc);

#endif
