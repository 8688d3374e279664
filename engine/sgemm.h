/* Single-precision matrix product, row-major, BLAS semantics:
 *   C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C
 * op(A) = A (A is M x K, row stride lda) or A^T (A is K x M, row stride lda) when trans_a;
 * op(B) = B (K x N, ldb) or B^T (B is N x K, ldb) when trans_b.
 * beta == 0 overwrites C without reading it (NaNs in C do not propagate).
 * Single-threaded by design: the model parallelises over batch shards, one sgemm per thread. */
#ifndef RNNLAB_SGEMM_H
#define RNNLAB_SGEMM_H

void rl_sgemm(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc);

/* Straightforward triple loop with double accumulation: the reference the tests compare against. */
void rl_sgemm_reference(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
                        int lda, const float *B, int ldb, float beta, float *C, int ldc);

#endif
