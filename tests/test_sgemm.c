/* rl_sgemm against rl_sgemm_reference: every transpose combination, sizes around every block edge,
 * padded strides, alpha != 1, beta in {0, 1, 0.5}, and beta == 0 over a NaN-filled C; products
 * with a B packed beforehand (rl_sgemm_pack_b + rl_sgemm_packed), also when the kernel set changed
 * in between. All of it for every kernel set this build and CPU have (kernels.h): the portable C
 * path and the vector sets.
 *
 * Tolerance, per element: |C - C_ref| <= (K + 3) * 2^-24 * (|alpha| sum_k |a_ik b_kj| + |beta c0|)
 * + 1e-30. Any order of float summation of K products has error at most K * u * sum |a||b| with
 * u = 2^-24 (Higham, recursive summation bound); the extra terms cover the alpha and beta roundings
 * and the reference's final rounding to float. The bound is loose by design, yet a wrong index, a
 * dropped tail column or a missed K block produces errors of order |a||b| itself, far above it. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "rl_base.h"
#include "sgemm.h"
#include "testutil.h"

static const float SENTINEL = 12345.0f;

typedef struct {
  int trans_a, trans_b, M, N, K, pad;
  float alpha, beta;
} gemm_case;

/* Runs one case; returns 1 if every element is within tolerance and the padding is untouched.
 * packed: B goes through rl_sgemm_pack_b first (packed == 2: packed under another kernel set than
 * the product runs with, which must then read B directly). */
static int run_case_packed(const gemm_case *g, rl_rng *rng, int packed) {
  int M = g->M, N = g->N, K = g->K;
  int arows = g->trans_a ? K : M, acols = g->trans_a ? M : K;
  int brows = g->trans_b ? N : K, bcols = g->trans_b ? K : N;
  int lda = acols + g->pad, ldb = bcols + 2 * g->pad, ldc = N + 3 * g->pad;
  if (lda < 1) lda = 1;
  if (ldb < 1) ldb = 1;
  size_t na = (size_t)arows * lda, nb = (size_t)brows * ldb, nc = (size_t)M * ldc;
  float *A = malloc((na + 1) * sizeof *A), *B = malloc((nb + 1) * sizeof *B);
  float *C = malloc(nc * sizeof *C), *R = malloc(nc * sizeof *R), *C0 = malloc(nc * sizeof *C0);
  if (!A || !B || !C || !R || !C0) {
    free(A), free(B), free(C), free(R), free(C0);
    CHECKF(0, "out of memory");
    return 0;
  }
  for (size_t i = 0; i < na; i++) A[i] = rl_rng_uniform_range(rng, -1.0f, 1.0f);
  for (size_t i = 0; i < nb; i++) B[i] = rl_rng_uniform_range(rng, -1.0f, 1.0f);
  for (int i = 0; i < M; i++)
    for (int j = 0; j < ldc; j++)
      C0[(size_t)i * ldc + j] = j >= N ? SENTINEL
                                : g->beta == 0.0f ? NAN
                                                  : rl_rng_uniform_range(rng, -1.0f, 1.0f);
  memcpy(C, C0, nc * sizeof *C);
  memcpy(R, C0, nc * sizeof *R);
  if (packed) {
    rl_sgemm_b pb = {0};
    rl_kernels now = rl_kernels_active();
    if (packed == 2) rl_kernels_select(now == RL_KERNELS_PORTABLE ? "auto" : "portable", NULL);
    CHECK(rl_sgemm_pack_b(&pb, M, g->trans_b, K, N, B, ldb) == 0);
    if (packed == 2) rl_kernels_select(rl_kernels_name(now), NULL);
    rl_sgemm_packed(g->trans_a, M, g->alpha, A, lda, &pb, g->beta, C, ldc);
    rl_sgemm_b_free(&pb);
  } else {
    rl_sgemm(g->trans_a, g->trans_b, M, N, K, g->alpha, A, lda, B, ldb, g->beta, C, ldc);
  }
  rl_sgemm_reference(g->trans_a, g->trans_b, M, N, K, g->alpha, A, lda, B, ldb, g->beta, R, ldc);
  int ok = 1;
  for (int i = 0; i < M && ok; i++)
    for (int j = 0; j < ldc; j++) {
      size_t at = (size_t)i * ldc + j;
      if (j >= N) {
        if (C[at] != SENTINEL) {
          fprintf(stderr, "  wrote past column N at (%d,%d)\n", i, j);
          ok = 0;
        }
        continue;
      }
      double mag = 0.0;
      for (int k = 0; k < K; k++) {
        double a = g->trans_a ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
        double b = g->trans_b ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
        mag += fabs(a * b);
      }
      double c0 = g->beta == 0.0f ? 0.0 : fabs((double)g->beta * C0[at]);
      double tol = (K + 3) * ldexp(1.0, -24) * (fabs(g->alpha) * mag + c0) + 1e-30;
      double err = fabs((double)C[at] - (double)R[at]);
      if (!(err <= tol)) { /* also catches NaN */
        fprintf(stderr, "  C(%d,%d) = %.9g, reference %.9g, error %.3g > tolerance %.3g\n", i, j,
                C[at], R[at], err, tol);
        ok = 0;
        break;
      }
    }
  free(A), free(B), free(C), free(R), free(C0);
  return ok;
}

static int run_case(const gemm_case *g, rl_rng *rng) { return run_case_packed(g, rng, 0); }

static void check_case(gemm_case g, rl_rng *rng) {
  CHECKF(run_case(&g, rng), "%s: trans_a=%d trans_b=%d M=%d N=%d K=%d pad=%d alpha=%g beta=%g",
         rl_kernels_name(rl_kernels_active()), g.trans_a, g.trans_b, g.M, g.N, g.K, g.pad, g.alpha, g.beta);
}

/* Each thread has its own pack buffer: two threads running packed-path products at once must both
 * get exact-to-tolerance results (and, under the sanitizers, free their buffers at exit). */
typedef struct {
  uint64_t seed;
  int failures;
} thread_job;

static void *thread_main(void *arg) {
  thread_job *job = arg;
  rl_rng rng;
  rl_rng_seed(&rng, job->seed);
  for (int r = 0; r < 6; r++) {
    gemm_case g = {r & 1, (r >> 1) & 1, 100 + 7 * r, 300 - 20 * r, 280, r % 2, 1.0f, 0.5f};
    if (!run_case(&g, &rng)) job->failures++;
    gemm_case s = {r & 1, (r >> 1) & 1, 32, 512, 128, 0, 1.0f, 1.0f}; /* swapped path */
    if (!run_case(&s, &rng)) job->failures++;
  }
  return NULL;
}

/* Every check of this file with the active kernel set. */
static void check_all(void) {
  rl_rng rng;
  rl_rng_seed(&rng, 20261125);
  static const int sizes[] = {1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 64, 100, 129};
  static const float betas[] = {0.0f, 1.0f, 0.5f};
  static const float alphas[] = {1.0f, -0.75f, 2.5f};
  const int ns = (int)(sizeof sizes / sizeof sizes[0]);
  int n = 0;
  /* Every (M, N, K) of the size list for every transpose combination; beta, alpha and the stride
   * padding rotate through their values so that each appears with every combination often. */
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++)
      for (int mi = 0; mi < ns; mi++)
        for (int ni = 0; ni < ns; ni++)
          for (int ki = 0; ki < ns; ki++, n++) {
            gemm_case g = {ta, tb, sizes[mi], sizes[ni], sizes[ki], (n / 3) % 3 == 0 ? 0 : 1 + n % 5,
                           alphas[(n / 7) % 3], betas[n % 3]};
            check_case(g, &rng);
          }
  /* Edges of the blocking and of the path choice: packed path (KC = NC = 256, MC = 72, 6x16
   * kernel), swapped packed path (M <= 64 and M < N), dot path (h * W^T with M <= 11) and row path
   * (M < 6), with the LSTM's shapes among them. */
  static const int big[][3] = {
      {65, 513, 257}, {150, 520, 300}, {72, 256, 256}, {73, 257, 255}, {64, 600, 300},
      {1, 2048, 512}, {5, 300, 700},   {6, 300, 700},  {32, 512, 128}, {600, 272, 128},
      {49, 97, 1000}, {260, 40, 1100}, {11, 300, 200}, {12, 300, 200}, {64, 65, 300},
      {65, 64, 300},  {64, 64, 520}};
  for (size_t b = 0; b < sizeof big / sizeof big[0]; b++)
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++) {
        gemm_case g = {ta, tb, big[b][0], big[b][1], big[b][2], (int)(b % 3), 0.5f,
                       betas[(b + 2 * ta + tb) % 3]};
        check_case(g, &rng);
      }
  {
    thread_job jobs[2] = {{1, 0}, {2, 0}};
    pthread_t th[2];
    int started[2];
    for (int t = 0; t < 2; t++) started[t] = pthread_create(&th[t], NULL, thread_main, &jobs[t]) == 0;
    for (int t = 0; t < 2; t++) {
      CHECK(started[t]);
      if (started[t]) pthread_join(th[t], NULL);
      CHECKF(jobs[t].failures == 0, "thread %d: %d products out of tolerance", t, jobs[t].failures);
    }
  }
  /* Degenerate calls: K == 0 and alpha == 0 leave beta * C, M or N == 0 touch nothing. */
  {
    float C[6] = {1, 2, 3, 4, 5, 6}, A[1] = {7}, B[1] = {9};
    rl_sgemm(0, 0, 2, 3, 0, 1.0f, A, 1, B, 3, 0.5f, C, 3);
    CHECK(C[0] == 0.5f && C[5] == 3.0f);
    rl_sgemm(0, 1, 2, 3, 1, 0.0f, A, 1, B, 1, 2.0f, C, 3);
    CHECK(C[0] == 1.0f && C[5] == 6.0f);
    rl_sgemm(0, 0, 0, 3, 1, 1.0f, A, 1, B, 3, 0.0f, C, 3);
    rl_sgemm(0, 0, 2, 0, 1, 1.0f, A, 1, B, 3, 0.0f, C, 3);
    CHECK(C[0] == 1.0f && C[5] == 6.0f);
    float Cn[2] = {NAN, NAN};
    rl_sgemm(0, 0, 1, 2, 0, 1.0f, A, 1, B, 2, 0.0f, Cn, 2);
    CHECK(Cn[0] == 0.0f && Cn[1] == 0.0f);
  }
  /* B packed once: the recurrent products' shapes (h W^T over a few to 64 rows, dG W), odd sizes,
   * and a product whose B was packed for another kernel set. */
  static const int pk[][3] = {{1, 128, 32},  {5, 96, 24},   {11, 300, 40},  {12, 300, 40},
                              {32, 512, 128}, {64, 160, 600}, {40, 37, 160}, {33, 2048, 512}};
  for (size_t b = 0; b < sizeof pk / sizeof pk[0]; b++)
    for (int tb = 0; tb < 2; tb++)
      for (int mode = 1; mode <= 2; mode++) {
        gemm_case g = {0, tb, pk[b][0], pk[b][1], pk[b][2], (int)(b % 2), b % 3 ? 1.0f : -0.5f, betas[b % 3]};
        CHECKF(run_case_packed(&g, &rng, mode), "%s: packed B (mode %d): trans_b=%d M=%d N=%d K=%d beta=%g",
               rl_kernels_name(rl_kernels_active()), mode, tb, g.M, g.N, g.K, g.beta);
      }
  /* Exact small product: [1 2; 3 4] * [5 6; 7 8] = [19 22; 43 50], in all four storage forms. */
  {
    const float A[4] = {1, 2, 3, 4}, At[4] = {1, 3, 2, 4}, B[4] = {5, 6, 7, 8}, Bt[4] = {5, 7, 6, 8};
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++) {
        float C[4];
        rl_sgemm(ta, tb, 2, 2, 2, 1.0f, ta ? At : A, 2, tb ? Bt : B, 2, 0.0f, C, 2);
        CHECKF(C[0] == 19 && C[1] == 22 && C[2] == 43 && C[3] == 50, "ta=%d tb=%d", ta, tb);
      }
  }
}

int main(void) {
  for (int k = 0; k < RL_KERNELS_COUNT; k++) {
    if (rl_kernels_select(rl_kernels_name((rl_kernels)k), NULL) != 0) continue; /* not in this build or CPU */
    int failed = test_failures;
    check_all();
    printf("%-8s kernels: %s\n", rl_kernels_name((rl_kernels)k), test_failures == failed ? "ok" : "FAILED");
  }
  return test_summary("test_sgemm");
}
