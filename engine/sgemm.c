/* Single-precision matrix product (see sgemm.h for the contract).
 *
 * C is first scaled by beta (beta == 0 stores zeros without reading C), then every path below
 * only accumulates C += alpha * op(A) op(B). Paths, chosen by shape (thresholds measured on the
 * EPYC development machine, whose single-core FMA peak is about 97 GFLOP/s):
 *
 *   dot path      trans_b && !trans_a && M <= 11 (the LSTM's recurrent product h * W_hh^T with a
 *                 tiny batch): both operands are read along contiguous K rows without packing; a
 *                 3x4 tile of dot products (1x8 when M == 1) keeps 12 (8) vector accumulators and
 *                 reduces them horizontally at the end.
 *   row path      !trans_b && M < 6 (dh += dG * W_hh with a tiny batch): each row of C is an axpy
 *                 over the rows of B, 64 columns held in registers.
 *   packed path   everything else. op(B) is packed into zero-padded panels of 16 columns (KC x NC
 *                 at a time), A is read in place with (row, column) strides or packed into 6-row
 *                 micro-panels, and a 6x16 register-blocked micro-kernel (12 accumulators, two
 *                 FMAs per broadcast) does the arithmetic.
 *   swapped       the packed path applied to C^T = op(B)^T op(A)^T when M <= 64 and M < N: the
 *                 per-timestep products (batch rows x 4H gate columns) then pack the small batch
 *                 operand instead of the weight matrix, which changes on every call from the
 *                 kernel's point of view and would cost as much to pack as to multiply. Tiles are
 *                 stored transposed.
 *
 * Memory: one buffer of (KC*NC + MC*KC) floats (320 KB) per calling thread, allocated on first use
 * and freed when the thread exits (pthread key destructor); no allocation per call. If it cannot be
 * allocated, a plain loop computes the same product.
 * Without AVX2+FMA every kernel falls back to plain loops in the same order (auto-vectorisable). */
#include "sgemm.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define RL_SGEMM_AVX2 1
#else
#define RL_SGEMM_AVX2 0
#endif

enum {
  MR = 6,         /* micro-kernel rows */
  NR = 16,        /* micro-kernel columns (two 8-float vectors) */
  KC = 256,       /* depth of one packed block: a 16-column panel is 16 KB, stays in L1 */
  NC = 256,       /* columns of one packed block: KC*NC floats = 256 KB, stays in L2 */
  MC = 72,        /* rows of A swept against one packed block (72 KB packed, L2) */
  DOT_MAX_M = 11, /* h * W^T with fewer rows goes to the dot path (at 12+ rows the swapped packed
                     path wins: 82 vs 59 GFLOP/s at M=16, equal at M=12) */
  SWAP_MAX_M = 64 /* up to this many rows (and M < N) the packed path swaps operands, so it packs
                     the small op(A) rather than the large op(B): 85 vs 67 GFLOP/s for M=32,
                     N=K*4=2048; at M=128 the two are equal */
};

/* ---- beta ------------------------------------------------------------------------------------ */

/* C[M,N] (row stride ldc) *= beta; beta == 0 writes zeros without reading C. */
static void scale_c(int M, int N, float beta, float *C, int ldc) {
  if (beta == 1.0f) return;
  for (int i = 0; i < M; i++) {
    float *c = C + (ptrdiff_t)i * ldc;
    if (beta == 0.0f)
      memset(c, 0, (size_t)N * sizeof *c);
    else
      for (int j = 0; j < N; j++) c[j] *= beta;
  }
}

/* ---- per-thread pack buffer ------------------------------------------------------------------ */

static pthread_key_t pack_key;
static pthread_once_t pack_once = PTHREAD_ONCE_INIT;
static int pack_key_ok;
static _Thread_local float *pack_buf; /* KC*NC floats, 64-byte aligned, or NULL */

static void pack_key_init(void) { pack_key_ok = pthread_key_create(&pack_key, free) == 0; }

/* The calling thread's pack buffer (allocated once, freed when the thread exits), or NULL. */
static float *get_pack_buf(void) {
  if (pack_buf) return pack_buf;
  pthread_once(&pack_once, pack_key_init);
  if (!pack_key_ok) return NULL;
  float *p = aligned_alloc(64, ((size_t)KC * NC + (size_t)MC * KC) * sizeof(float));
  if (!p) return NULL;
  if (pthread_setspecific(pack_key, p) != 0) {
    free(p);
    return NULL;
  }
  pack_buf = p;
  return p;
}

/* Packs op(B)[pc:pc+kc, jc:jc+nc] into ceil(nc/16) panels, each [kc][16], zero-padded columns. */
static void pack_b(int trans_b, const float *B, int ldb, int pc, int kc, int jc, int nc,
                   float *dst) {
  for (int p = 0; p < nc; p += NR) {
    int w = nc - p < NR ? nc - p : NR;
    float *d = dst + (ptrdiff_t)p * kc;
    if (!trans_b) {
      const float *s = B + (ptrdiff_t)pc * ldb + jc + p;
      for (int k = 0; k < kc; k++, s += ldb, d += NR) {
        if (w == NR) {
          memcpy(d, s, NR * sizeof *d);
        } else {
          int j = 0;
          for (; j < w; j++) d[j] = s[j];
          for (; j < NR; j++) d[j] = 0.0f;
        }
      }
    } else {
      /* B is N x K: column j of the panel is row jc+p+j of B, contiguous along k. */
      for (int j = 0; j < NR; j++) {
        if (j < w) {
          const float *s = B + (ptrdiff_t)(jc + p + j) * ldb + pc;
          for (int k = 0; k < kc; k++) d[(ptrdiff_t)k * NR + j] = s[k];
        } else {
          for (int k = 0; k < kc; k++) d[(ptrdiff_t)k * NR + j] = 0.0f;
        }
      }
    }
  }
}

/* ---- micro-kernels --------------------------------------------------------------------------- */

/* C[mr, nr] += alpha * A[mr, kc] * Bp[kc, 16] where A(i,k) = a[i*rs + k*cs], C(i,j) = C[i*rsc + j*csc]
 * and Bp is one packed panel. mr <= 6, nr <= 16; rows beyond mr are computed on a duplicate of the
 * last row and dropped. */
static void kern_6x16(int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *bp,
                      float *C, ptrdiff_t rsc, ptrdiff_t csc, int mr, int nr, float alpha) {
#if RL_SGEMM_AVX2
  const float *a0 = a;
  const float *a1 = a + (mr > 1 ? 1 : 0) * rs;
  const float *a2 = a + (mr > 2 ? 2 : mr - 1) * rs;
  const float *a3 = a + (mr > 3 ? 3 : mr - 1) * rs;
  const float *a4 = a + (mr > 4 ? 4 : mr - 1) * rs;
  const float *a5 = a + (mr > 5 ? 5 : mr - 1) * rs;
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (ptrdiff_t k = 0, o = 0; k < kc; k++, o += cs, bp += NR) {
    __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8), t;
    t = _mm256_broadcast_ss(a0 + o);
    c00 = _mm256_fmadd_ps(t, b0, c00);
    c01 = _mm256_fmadd_ps(t, b1, c01);
    t = _mm256_broadcast_ss(a1 + o);
    c10 = _mm256_fmadd_ps(t, b0, c10);
    c11 = _mm256_fmadd_ps(t, b1, c11);
    t = _mm256_broadcast_ss(a2 + o);
    c20 = _mm256_fmadd_ps(t, b0, c20);
    c21 = _mm256_fmadd_ps(t, b1, c21);
    t = _mm256_broadcast_ss(a3 + o);
    c30 = _mm256_fmadd_ps(t, b0, c30);
    c31 = _mm256_fmadd_ps(t, b1, c31);
    t = _mm256_broadcast_ss(a4 + o);
    c40 = _mm256_fmadd_ps(t, b0, c40);
    c41 = _mm256_fmadd_ps(t, b1, c41);
    t = _mm256_broadcast_ss(a5 + o);
    c50 = _mm256_fmadd_ps(t, b0, c50);
    c51 = _mm256_fmadd_ps(t, b1, c51);
  }
  __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  __m256 va = _mm256_set1_ps(alpha);
  if (nr == NR && csc == 1) {
    for (int i = 0; i < mr; i++) {
      float *c = C + i * rsc;
      _mm256_storeu_ps(c, _mm256_fmadd_ps(va, acc[i][0], _mm256_loadu_ps(c)));
      _mm256_storeu_ps(c + 8, _mm256_fmadd_ps(va, acc[i][1], _mm256_loadu_ps(c + 8)));
    }
  } else {
    float tmp[MR][NR];
    for (int i = 0; i < mr; i++) {
      _mm256_storeu_ps(tmp[i], _mm256_mul_ps(va, acc[i][0]));
      _mm256_storeu_ps(tmp[i] + 8, _mm256_mul_ps(va, acc[i][1]));
    }
    for (int j = 0; j < nr; j++)
      for (int i = 0; i < mr; i++) C[i * rsc + j * csc] += tmp[i][j];
  }
#else
  float acc[MR][NR] = {{0}};
  for (int k = 0; k < kc; k++, bp += NR)
    for (int i = 0; i < mr; i++) {
      float av = a[i * rs + k * cs];
      for (int j = 0; j < NR; j++) acc[i][j] += av * bp[j];
    }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) C[i * rsc + j * csc] += alpha * acc[i][j];
#endif
}

/* Packs A(ic:ic+mc, pc:pc+kc), A(i,k) = A[i*rs + k*cs], into micro-panels of 6 rows, each [kc][6]
 * (the last one may have fewer rows; the kernel never reads the missing ones). */
static void pack_a(const float *A, ptrdiff_t rs, ptrdiff_t cs, int ic, int mc, int pc, int kc,
                   float *dst) {
  for (int ir = 0; ir < mc; ir += MR, dst += (ptrdiff_t)MR * kc) {
    int mr = mc - ir < MR ? mc - ir : MR;
    const float *a = A + (ic + ir) * rs + pc * cs;
    if (cs == 1) {
      for (int r = 0; r < mr; r++)
        for (int k = 0; k < kc; k++) dst[k * MR + r] = a[r * rs + k];
    } else {
      for (int k = 0; k < kc; k++)
        for (int r = 0; r < mr; r++) dst[k * MR + r] = a[r * rs + k * cs];
    }
  }
}

/* Packed path: C(i,j) += alpha * sum_k A(i,k) B(k,j) with A(i,k) = A[i*rs + k*cs], B = op(B)
 * packed block by block, and C(i,j) = C[i*rsc + j*csc]. buf holds KC*NC + MC*KC floats; A is
 * packed too when pack_a_too (it then is reused across NC/16 panels), else read in place. */
static void gemm_packed(int M, int N, int K, float alpha, const float *A, ptrdiff_t rs,
                        ptrdiff_t cs, int trans_b, const float *B, int ldb, float *C, ptrdiff_t rsc,
                        ptrdiff_t csc, float *buf, int pack_a_too) {
  float *bp = buf, *ap = buf + (ptrdiff_t)KC * NC;
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      pack_b(trans_b, B, ldb, pc, kc, jc, nc, bp);
      for (int ic = 0; ic < M; ic += MC) {
        int mc = M - ic < MC ? M - ic : MC;
        if (pack_a_too) pack_a(A, rs, cs, ic, mc, pc, kc, ap);
        for (int jr = 0; jr < nc; jr += NR) {
          int nr = nc - jr < NR ? nc - jr : NR;
          const float *panel = bp + (ptrdiff_t)jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? mc - ir : MR;
            float *c = C + (ic + ir) * rsc + (jc + jr) * csc;
            if (pack_a_too)
              kern_6x16(kc, ap + (ptrdiff_t)ir * kc, 1, MR, panel, c, rsc, csc, mr, nr, alpha);
            else
              kern_6x16(kc, A + (ic + ir) * rs + pc * cs, rs, cs, panel, c, rsc, csc, mr, nr, alpha);
          }
        }
      }
    }
  }
}

/* ---- dot path: C += alpha * A[M,K] * B[N,K]^T, both read along contiguous rows --------------- */

#if RL_SGEMM_AVX2
/* Mask that keeps the first r (0..8) lanes. */
static inline __m256i tail_mask(int r) {
  static const int m[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  return _mm256_loadu_si256((const __m256i *)(m + 8 - r));
}

/* The four horizontal sums of v0..v3, in order. */
static inline __m128 hsum4(__m256 v0, __m256 v1, __m256 v2, __m256 v3) {
  __m256 t0 = _mm256_hadd_ps(v0, v1), t1 = _mm256_hadd_ps(v2, v3);
  __m256 t = _mm256_hadd_ps(t0, t1);
  return _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
}

/* c[0..nr) += alpha * s[0..nr), nr <= 4. */
static inline void add4(float *c, __m128 s, float alpha, int nr) {
  s = _mm_mul_ps(s, _mm_set1_ps(alpha));
  if (nr == 4) {
    _mm_storeu_ps(c, _mm_add_ps(_mm_loadu_ps(c), s));
  } else {
    float t[4];
    _mm_storeu_ps(t, s);
    for (int j = 0; j < nr; j++) c[j] += t[j];
  }
}
#endif

/* 3 rows of A x 4 rows of B (mr <= 3, nr <= 4, missing rows duplicate the last one). */
static void dot_3x4(int K, const float *a, int lda, const float *b, int ldb, float *C, int ldc,
                    int mr, int nr, float alpha) {
#if RL_SGEMM_AVX2
  const float *a0 = a, *a1 = a + (mr > 1 ? lda : 0), *a2 = a + (ptrdiff_t)(mr > 2 ? 2 : mr - 1) * lda;
  const float *b0 = b, *b1 = b + (nr > 1 ? ldb : 0);
  const float *b2 = b + (ptrdiff_t)(nr > 2 ? 2 : nr - 1) * ldb;
  const float *b3 = b + (ptrdiff_t)(nr > 3 ? 3 : nr - 1) * ldb;
  __m256 s00 = _mm256_setzero_ps(), s01 = _mm256_setzero_ps(), s02 = _mm256_setzero_ps(),
         s03 = _mm256_setzero_ps();
  __m256 s10 = _mm256_setzero_ps(), s11 = _mm256_setzero_ps(), s12 = _mm256_setzero_ps(),
         s13 = _mm256_setzero_ps();
  __m256 s20 = _mm256_setzero_ps(), s21 = _mm256_setzero_ps(), s22 = _mm256_setzero_ps(),
         s23 = _mm256_setzero_ps();
  int k = 0;
#define DOT_STEP(LOAD)                                                     \
  do {                                                                     \
    __m256 x0 = LOAD(a0 + k), x1 = LOAD(a1 + k), x2 = LOAD(a2 + k), y;     \
    y = LOAD(b0 + k);                                                      \
    s00 = _mm256_fmadd_ps(x0, y, s00);                                     \
    s10 = _mm256_fmadd_ps(x1, y, s10);                                     \
    s20 = _mm256_fmadd_ps(x2, y, s20);                                     \
    y = LOAD(b1 + k);                                                      \
    s01 = _mm256_fmadd_ps(x0, y, s01);                                     \
    s11 = _mm256_fmadd_ps(x1, y, s11);                                     \
    s21 = _mm256_fmadd_ps(x2, y, s21);                                     \
    y = LOAD(b2 + k);                                                      \
    s02 = _mm256_fmadd_ps(x0, y, s02);                                     \
    s12 = _mm256_fmadd_ps(x1, y, s12);                                     \
    s22 = _mm256_fmadd_ps(x2, y, s22);                                     \
    y = LOAD(b3 + k);                                                      \
    s03 = _mm256_fmadd_ps(x0, y, s03);                                     \
    s13 = _mm256_fmadd_ps(x1, y, s13);                                     \
    s23 = _mm256_fmadd_ps(x2, y, s23);                                     \
  } while (0)
  for (; k + 8 <= K; k += 8) DOT_STEP(_mm256_loadu_ps);
  if (k < K) {
    __m256i m = tail_mask(K - k);
#define MLOAD(p) _mm256_maskload_ps((p), m)
    DOT_STEP(MLOAD);
#undef MLOAD
  }
#undef DOT_STEP
  add4(C, hsum4(s00, s01, s02, s03), alpha, nr);
  if (mr > 1) add4(C + ldc, hsum4(s10, s11, s12, s13), alpha, nr);
  if (mr > 2) add4(C + 2 * (ptrdiff_t)ldc, hsum4(s20, s21, s22, s23), alpha, nr);
#else
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) {
      const float *x = a + (ptrdiff_t)i * lda, *y = b + (ptrdiff_t)j * ldb;
      float s = 0.0f;
      for (int k = 0; k < K; k++) s += x[k] * y[k];
      C[(ptrdiff_t)i * ldc + j] += alpha * s;
    }
#endif
}

/* One row of A x 8 rows of B (nr <= 8): the matrix-vector product y += alpha * W x. */
static void dot_1x8(int K, const float *a, const float *b, int ldb, float *C, int nr, float alpha) {
#if RL_SGEMM_AVX2
  const float *bb[8];
  for (int j = 0; j < 8; j++) bb[j] = b + (ptrdiff_t)(j < nr ? j : nr - 1) * ldb;
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(),
         s3 = _mm256_setzero_ps(), s4 = _mm256_setzero_ps(), s5 = _mm256_setzero_ps(),
         s6 = _mm256_setzero_ps(), s7 = _mm256_setzero_ps();
  int k = 0;
#define DOT1_STEP(LOAD)                                  \
  do {                                                   \
    __m256 x = LOAD(a + k);                              \
    s0 = _mm256_fmadd_ps(x, LOAD(bb[0] + k), s0);        \
    s1 = _mm256_fmadd_ps(x, LOAD(bb[1] + k), s1);        \
    s2 = _mm256_fmadd_ps(x, LOAD(bb[2] + k), s2);        \
    s3 = _mm256_fmadd_ps(x, LOAD(bb[3] + k), s3);        \
    s4 = _mm256_fmadd_ps(x, LOAD(bb[4] + k), s4);        \
    s5 = _mm256_fmadd_ps(x, LOAD(bb[5] + k), s5);        \
    s6 = _mm256_fmadd_ps(x, LOAD(bb[6] + k), s6);        \
    s7 = _mm256_fmadd_ps(x, LOAD(bb[7] + k), s7);        \
  } while (0)
  for (; k + 8 <= K; k += 8) DOT1_STEP(_mm256_loadu_ps);
  if (k < K) {
    __m256i m = tail_mask(K - k);
#define MLOAD(p) _mm256_maskload_ps((p), m)
    DOT1_STEP(MLOAD);
#undef MLOAD
  }
#undef DOT1_STEP
  add4(C, hsum4(s0, s1, s2, s3), alpha, nr < 4 ? nr : 4);
  if (nr > 4) add4(C + 4, hsum4(s4, s5, s6, s7), alpha, nr - 4);
#else
  for (int j = 0; j < nr; j++) {
    const float *y = b + (ptrdiff_t)j * ldb;
    float s = 0.0f;
    for (int k = 0; k < K; k++) s += a[k] * y[k];
    C[j] += alpha * s;
  }
#endif
}

static void gemm_dot(int M, int N, int K, float alpha, const float *A, int lda, const float *B,
                     int ldb, float *C, int ldc) {
  if (M == 1) {
    for (int j = 0; j < N; j += 8) {
      int nr = N - j < 8 ? N - j : 8;
      dot_1x8(K, A, B + (ptrdiff_t)j * ldb, ldb, C + j, nr, alpha);
    }
    return;
  }
  /* Each 4-row group of B passes once over all (few) rows of A, which stay in L1. */
  for (int j = 0; j < N; j += 4) {
    int nr = N - j < 4 ? N - j : 4;
    for (int i = 0; i < M; i += 3) {
      int mr = M - i < 3 ? M - i : 3;
      dot_3x4(K, A + (ptrdiff_t)i * lda, lda, B + (ptrdiff_t)j * ldb, ldb,
              C + (ptrdiff_t)i * ldc + j, ldc, mr, nr, alpha);
    }
  }
}

/* ---- row path: C[i,:] += alpha * sum_k A(i,k) B[k,:], B not transposed, few rows ------------- */

static void gemm_rows(int trans_a, int M, int N, int K, float alpha, const float *A, int lda,
                      const float *B, int ldb, float *C, int ldc) {
  ptrdiff_t rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
  for (int i = 0; i < M; i++) {
    const float *a = A + i * rs;
    float *c = C + (ptrdiff_t)i * ldc;
    int j = 0;
#if RL_SGEMM_AVX2
    for (; j + 64 <= N; j += 64) {
      __m256 s[8];
      for (int v = 0; v < 8; v++) s[v] = _mm256_setzero_ps();
      const float *b = B + j;
      for (int k = 0; k < K; k++, b += ldb) {
        __m256 x = _mm256_broadcast_ss(a + k * cs);
        for (int v = 0; v < 8; v++) s[v] = _mm256_fmadd_ps(x, _mm256_loadu_ps(b + 8 * v), s[v]);
      }
      __m256 va = _mm256_set1_ps(alpha);
      for (int v = 0; v < 8; v++)
        _mm256_storeu_ps(c + j + 8 * v, _mm256_fmadd_ps(va, s[v], _mm256_loadu_ps(c + j + 8 * v)));
    }
    for (; j + 8 <= N; j += 8) {
      __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
      const float *b = B + j;
      int k = 0;
      for (; k + 2 <= K; k += 2, b += 2 * (ptrdiff_t)ldb) {
        s0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + k * cs), _mm256_loadu_ps(b), s0);
        s1 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + (k + 1) * cs), _mm256_loadu_ps(b + ldb), s1);
      }
      if (k < K) s0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + k * cs), _mm256_loadu_ps(b), s0);
      _mm256_storeu_ps(c + j, _mm256_fmadd_ps(_mm256_set1_ps(alpha), _mm256_add_ps(s0, s1),
                                              _mm256_loadu_ps(c + j)));
    }
#endif
    for (; j < N; j++) {
      float s = 0.0f;
      for (int k = 0; k < K; k++) s += a[k * cs] * B[(ptrdiff_t)k * ldb + j];
      c[j] += alpha * s;
    }
  }
}

/* Used when no pack buffer can be had (out of memory): correct, unblocked. */
static void gemm_simple(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
                        int lda, const float *B, int ldb, float *C, int ldc) {
  ptrdiff_t rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
  ptrdiff_t bk = trans_b ? 1 : ldb, bn = trans_b ? ldb : 1;
  for (int i = 0; i < M; i++)
    for (int k = 0; k < K; k++) {
      float av = alpha * A[i * rs + k * cs];
      const float *b = B + k * bk;
      float *c = C + (ptrdiff_t)i * ldc;
      for (int j = 0; j < N; j++) c[j] += av * b[j * bn];
    }
}

void rl_sgemm(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc) {
  if (M <= 0 || N <= 0) return;
  scale_c(M, N, beta, C, ldc);
  if (K <= 0 || alpha == 0.0f) return;
  if (trans_b && !trans_a && M <= DOT_MAX_M) {
    gemm_dot(M, N, K, alpha, A, lda, B, ldb, C, ldc);
    return;
  }
  if (!trans_b && M < MR) {
    gemm_rows(trans_a, M, N, K, alpha, A, lda, B, ldb, C, ldc);
    return;
  }
  float *bp = get_pack_buf();
  if (!bp) {
    gemm_simple(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, C, ldc);
  } else if (M <= SWAP_MAX_M && M < N) {
    /* C^T = op(B)^T op(A)^T: pack the small op(A) instead of the large op(B), read op(B) in place
     * and store the tiles transposed. */
    gemm_packed(N, M, K, alpha, B, trans_b ? ldb : 1, trans_b ? 1 : ldb, !trans_a, A, lda, C, 1,
                ldc, bp, 0);
  } else {
    /* Packing A pays when its rows are strided (trans_a: one cache line per k per 6 rows) or when
     * each packed A block is reused across many 16-column panels. */
    gemm_packed(M, N, K, alpha, A, trans_a ? 1 : lda, trans_a ? lda : 1, trans_b, B, ldb, C, ldc,
                1, bp, trans_a || N >= 256);
  }
}

void rl_sgemm_reference(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
                        int lda, const float *B, int ldb, float beta, float *C, int ldc) {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      double s = 0.0;
      for (int k = 0; k < K; k++) {
        double a = trans_a ? A[(ptrdiff_t)k * lda + i] : A[(ptrdiff_t)i * lda + k];
        double b = trans_b ? B[(ptrdiff_t)j * ldb + k] : B[(ptrdiff_t)k * ldb + j];
        s += a * b;
      }
      float *c = C + (ptrdiff_t)i * ldc + j;
      double r = (double)alpha * s;
      if (beta != 0.0f) r += (double)beta * *c;
      *c = (float)r;
    }
}
