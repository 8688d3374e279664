/* Single-precision matrix product (see sgemm.h for the contract).
 *
 * C is first scaled by beta (beta == 0 stores zeros without reading C), then every path below
 * only accumulates C += alpha * op(A) op(B). Paths, chosen by shape:
 *
 *   dot path      trans_b && !trans_a && M <= 11 (the recurrent product h * W_hh^T with a tiny
 *                 batch): both operands are read along contiguous K rows without packing; a 3x4
 *                 tile of dot products (1x8 when M == 1) keeps 12 (8) vector accumulators and
 *                 reduces them horizontally at the end.
 *   row path      !trans_b && M < 6 (dh += dG * W_hh with a tiny batch): each row of C is an axpy
 *                 over the rows of B, 64 columns held in registers.
 *   packed path   everything else. op(B) is packed into zero-padded panels of NR columns (KC x NC
 *                 at a time, or once for many products: rl_sgemm_pack_b), A is packed into
 *                 micro-panels of MR rows when its rows are strided (op(A) = A^T) and read in
 *                 place otherwise, and an MR x NR register-blocked micro-kernel
 *                 does the arithmetic. With beta == 0 the first K block stores C without reading it.
 *   swapped       (AVX2 and portable) the packed path applied to C^T = op(B)^T op(A)^T when
 *                 M <= 64 and M < N, so it packs the small operand rather than the large one. Tiles
 *                 are stored transposed. The AVX-512 tile is faster unswapped at these shapes, and
 *                 the recurrent products avoid the question by packing W_hh once per pass.
 *
 * Micro-kernels, one per kernel set (kernels.h), all in this file:
 *   avx512    8 x 32: 16 zmm accumulators, two 16-float loads of B and 8 broadcasts of A per k;
 *             C's rows are prefetched while it runs. On this Zen 5 the 512-bit FMA is full width:
 *             twice the AVX2 rate (measured: 212 against 106 GFLOP/s on one core).
 *   avx2      6 x 16: 12 ymm accumulators, two FMAs per broadcast.
 *   portable  6 x 16 in plain C (the compiler vectorises the inner loop for whatever the build
 *             targets: SSE2 on baseline x86-64, NEON on ARM).
 * The dot and row paths have AVX2 and portable versions (AVX-512 machines use the AVX2 ones).
 *
 * Memory: one buffer of (KC*NC + MC*KC) floats (600 KB) per calling thread, allocated on first use
 * and freed when the thread exits (pthread key destructor); no allocation per call. If it cannot be
 * allocated, a plain loop computes the same product. */
#include "sgemm.h"
#include "kernels.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if RL_X86_KERNELS
#include <immintrin.h>
#endif

enum {
  KC = 256,       /* depth of one packed block: a 32-column panel is 32 KB, stays in L1 */
  NC = 512,       /* columns of one packed block: KC*NC floats = 512 KB, stays in L2 */
  MC = 72,        /* rows of A swept against one packed block (a multiple of every MR) */
  MAX_MR = 8,     /* largest tile of all kernel sets */
  MAX_NR = 32,
  DOT_MAX_M = 11, /* h * W^T with fewer rows goes to the dot path (at 12+ rows the swapped packed
                     path wins: 82 vs 59 GFLOP/s at M=16, equal at M=12, AVX2) */
  ROW_MAX_M = 5,  /* op(A) B with fewer than 6 rows goes to the row path */
  SWAP_MAX_M = 64 /* up to this many rows (and M < N) the packed path swaps operands, so it packs
                     the small op(A) rather than the large op(B): 85 vs 67 GFLOP/s for M=32,
                     N=K*4=2048 (AVX2); at M=128 the two are equal */
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
static _Thread_local float *pack_buf; /* KC*NC + MC*KC floats, 64-byte aligned, or NULL */

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

/* ---- packing --------------------------------------------------------------------------------- */

/* Packs op(B)[pc:pc+kc, jc:jc+nc] into ceil(nc/nr) panels of nr zero-padded columns, each [kc][nr],
 * panel q starting at dst + q*panel_stride. */
static void pack_b(int nr, int trans_b, const float *B, int ldb, int pc, int kc, int jc, int nc,
                   float *dst, ptrdiff_t panel_stride) {
  for (int p = 0; p < nc; p += nr, dst += panel_stride) {
    int w = nc - p < nr ? nc - p : nr;
    if (!trans_b) {
      const float *s = B + (ptrdiff_t)pc * ldb + jc + p;
      float *d = dst;
      for (int k = 0; k < kc; k++, s += ldb, d += nr) {
        memcpy(d, s, (size_t)w * sizeof *d);
        for (int j = w; j < nr; j++) d[j] = 0.0f;
      }
    } else {
      /* B is N x K: column j of the panel is row jc+p+j of B, contiguous along k. */
      for (int j = 0; j < nr; j++) {
        const float *s = j < w ? B + (ptrdiff_t)(jc + p + j) * ldb + pc : NULL;
        for (int k = 0; k < kc; k++) dst[(ptrdiff_t)k * nr + j] = s ? s[k] : 0.0f;
      }
    }
  }
}

/* Packs A(ic:ic+mc, pc:pc+kc), A(i,k) = A[i*rs + k*cs], into micro-panels of mr rows, each
 * [kc][mr]; the last one is padded with zero rows. */
static void pack_a(int mr, const float *A, ptrdiff_t rs, ptrdiff_t cs, int ic, int mc, int pc,
                   int kc, float *dst) {
  for (int ir = 0; ir < mc; ir += mr, dst += (ptrdiff_t)mr * kc) {
    int rows = mc - ir < mr ? mc - ir : mr;
    const float *a = A + (ic + ir) * rs + pc * cs;
    if (cs == 1) {
      for (int r = 0; r < rows; r++)
        for (int k = 0; k < kc; k++) dst[k * mr + r] = a[r * rs + k];
    } else {
      for (int k = 0; k < kc; k++)
        for (int r = 0; r < rows; r++) dst[k * mr + r] = a[r * rs + k * cs];
    }
    for (int r = rows; r < mr; r++)
      for (int k = 0; k < kc; k++) dst[k * mr + r] = 0.0f;
  }
}

/* ---- micro-kernels ----------------------------------------------------------------------------
 * C[mr, nr] (+)= alpha * A[mr, kc] * Bp[kc, NR] where A(i,k) = a[i*rs + k*cs] (a packed micro-panel:
 * rs = 1, cs = MR), C(i,j) = C[i*rsc + j*csc] and Bp is one packed panel (row stride NR). With
 * load_c the tile adds into C, else it overwrites C without reading it (the first K block of a
 * product with beta == 0: no separate pass to clear C). */
typedef void tile_fn(int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *bp, float *C,
                     ptrdiff_t rsc, ptrdiff_t csc, int mr, int nr, float alpha, int load_c);

typedef struct {
  int mr, nr;
  int swap;   /* use the swapped path for small M (see the top of this file) */
  tile_fn *tile;
} tile_kernel;

/* The tile's sums (tmp[i][j] = alpha * acc, row stride MAX_NR) added into (stored in) a strided or
 * partial C. */
static void add_tile(const float *tmp, float *C, ptrdiff_t rsc, ptrdiff_t csc, int mr, int nr,
                     int load_c) {
  for (int j = 0; j < nr; j++)
    for (int i = 0; i < mr; i++) {
      float *c = C + i * rsc + j * csc;
      *c = load_c ? *c + tmp[i * MAX_NR + j] : tmp[i * MAX_NR + j];
    }
}

enum { PORTABLE_MR = 6, PORTABLE_NR = 16 };

static void tile_portable(int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *bp,
                          float *C, ptrdiff_t rsc, ptrdiff_t csc, int mr, int nr, float alpha,
                          int load_c) {
  /* A fixed number of rows (those beyond mr duplicate the last one and are dropped), so the
   * compiler unrolls the rows and vectorises along the 16 columns: with a variable row count GCC
   * vectorised along the rows instead (strided, 15-20x slower than the vector sets). */
  float acc[PORTABLE_MR][PORTABLE_NR] = {{0}}, tmp[MAX_MR * MAX_NR];
  const float *ar[PORTABLE_MR];
  for (int i = 0; i < PORTABLE_MR; i++) ar[i] = a + (i < mr ? i : mr - 1) * rs;
  for (ptrdiff_t k = 0, o = 0; k < kc; k++, o += cs, bp += PORTABLE_NR)
    for (int i = 0; i < PORTABLE_MR; i++) {
      float av = ar[i][o];
      for (int j = 0; j < PORTABLE_NR; j++) acc[i][j] += av * bp[j];
    }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) tmp[i * MAX_NR + j] = alpha * acc[i][j];
  add_tile(tmp, C, rsc, csc, mr, nr, load_c);
}

#if RL_X86_KERNELS
enum { AVX2_MR = 6, AVX2_NR = 16 };

/* Rows beyond mr are computed on a duplicate of the last row and dropped. */
RL_TARGET_AVX2 static void tile_avx2(int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs,
                                     const float *bp, float *C, ptrdiff_t rsc, ptrdiff_t csc, int mr,
                                     int nr, float alpha, int load_c) {
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
  for (ptrdiff_t k = 0, o = 0; k < kc; k++, o += cs, bp += AVX2_NR) {
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
  __m256 acc[AVX2_MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  __m256 va = _mm256_set1_ps(alpha);
  if (nr == AVX2_NR && csc == 1) {
    for (int i = 0; i < mr; i++) {
      float *c = C + i * rsc;
      __m256 c0 = load_c ? _mm256_loadu_ps(c) : _mm256_setzero_ps();
      __m256 c1 = load_c ? _mm256_loadu_ps(c + 8) : _mm256_setzero_ps();
      _mm256_storeu_ps(c, _mm256_fmadd_ps(va, acc[i][0], c0));
      _mm256_storeu_ps(c + 8, _mm256_fmadd_ps(va, acc[i][1], c1));
    }
  } else {
    float tmp[MAX_MR * MAX_NR];
    for (int i = 0; i < mr; i++) {
      _mm256_storeu_ps(tmp + i * MAX_NR, _mm256_mul_ps(va, acc[i][0]));
      _mm256_storeu_ps(tmp + i * MAX_NR + 8, _mm256_mul_ps(va, acc[i][1]));
    }
    add_tile(tmp, C, rsc, csc, mr, nr, load_c);
  }
}

enum { AVX512_MR = 8, AVX512_NR = 32 };

/* Rows beyond mr are computed on a duplicate of the last row and dropped. */
RL_TARGET_AVX512 static void tile_avx512(int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs,
                                         const float *bp, float *C, ptrdiff_t rsc, ptrdiff_t csc,
                                         int mr, int nr, float alpha, int load_c) {
  const float *ar[AVX512_MR];
  __m512 c0[AVX512_MR], c1[AVX512_MR];
#pragma GCC unroll 8
  for (int i = 0; i < AVX512_MR; i++) {
    ar[i] = a + (i < mr ? i : mr - 1) * rs;
    c0[i] = c1[i] = _mm512_setzero_ps();
    /* C's rows are often far from cache (a timestep's gates): fetch them during the products */
    if (i < mr) {
      _mm_prefetch((const char *)(C + i * rsc), _MM_HINT_T0);
      _mm_prefetch((const char *)(C + i * rsc + 16 * csc), _MM_HINT_T0);
    }
  }
  for (ptrdiff_t k = 0, o = 0; k < kc; k++, o += cs, bp += AVX512_NR) {
    __m512 b0 = _mm512_load_ps(bp), b1 = _mm512_load_ps(bp + 16);
#pragma GCC unroll 8
    for (int i = 0; i < AVX512_MR; i++) {
      __m512 t = _mm512_set1_ps(ar[i][o]);
      c0[i] = _mm512_fmadd_ps(t, b0, c0[i]);
      c1[i] = _mm512_fmadd_ps(t, b1, c1[i]);
    }
  }
  __m512 va = _mm512_set1_ps(alpha);
  if (csc == 1) {
    __mmask16 m0 = nr >= 16 ? 0xFFFF : (__mmask16)((1u << nr) - 1);
    __mmask16 m1 = nr >= 32 ? 0xFFFF : nr > 16 ? (__mmask16)((1u << (nr - 16)) - 1) : 0;
    __mmask16 l0 = load_c ? m0 : 0, l1 = load_c ? m1 : 0; /* C lanes to read */
#pragma GCC unroll 8
    for (int i = 0; i < AVX512_MR; i++)
      if (i < mr) {
        float *c = C + i * rsc;
        _mm512_mask_storeu_ps(c, m0, _mm512_fmadd_ps(va, c0[i], _mm512_maskz_loadu_ps(l0, c)));
        _mm512_mask_storeu_ps(c + 16, m1, _mm512_fmadd_ps(va, c1[i], _mm512_maskz_loadu_ps(l1, c + 16)));
      }
  } else {
    float tmp[MAX_MR * MAX_NR];
#pragma GCC unroll 8
    for (int i = 0; i < AVX512_MR; i++) {
      _mm512_storeu_ps(tmp + i * MAX_NR, _mm512_mul_ps(va, c0[i]));
      _mm512_storeu_ps(tmp + i * MAX_NR + 16, _mm512_mul_ps(va, c1[i]));
    }
    add_tile(tmp, C, rsc, csc, mr, nr, load_c);
  }
}
#endif

static const tile_kernel TILES[RL_KERNELS_COUNT] = {
    [RL_KERNELS_PORTABLE] = {PORTABLE_MR, PORTABLE_NR, 1, tile_portable},
#if RL_X86_KERNELS
    [RL_KERNELS_AVX2] = {AVX2_MR, AVX2_NR, 1, tile_avx2},
    [RL_KERNELS_AVX512] = {AVX512_MR, AVX512_NR, 0, tile_avx512},
#endif
};

/* ---- packed path ----------------------------------------------------------------------------- */

/* Packed path: C(i,j) = alpha * sum_k A(i,k) B(k,j) + (load_c ? C(i,j) : 0) with
 * A(i,k) = A[i*rs + k*cs] and C(i,j) = C[i*rsc + j*csc]. B = op(B) is packed block by block into
 * buf, or was packed whole beforehand (pre != NULL: rl_sgemm_pack_b's layout, panel q of nr columns
 * at pre + q*K*nr). buf holds KC*NC + MC*KC floats; A is packed too when pack_a_too (it is then
 * reused across NC/nr panels), else read in place. */
static void gemm_packed(const tile_kernel *kn, int M, int N, int K, float alpha, const float *A,
                        ptrdiff_t rs, ptrdiff_t cs, int trans_b, const float *B, int ldb,
                        const float *pre, float *C, ptrdiff_t rsc, ptrdiff_t csc, float *buf,
                        int pack_a_too, int load_c) {
  int mr_max = kn->mr, nr_max = kn->nr;
  float *bp = buf, *ap = buf + (ptrdiff_t)KC * NC;
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      const float *panels;     /* the first panel of this block */
      ptrdiff_t panel_stride;  /* floats from one panel to the next */
      if (pre) {
        panels = pre + (ptrdiff_t)(jc / nr_max) * K * nr_max + (ptrdiff_t)pc * nr_max;
        panel_stride = (ptrdiff_t)K * nr_max;
      } else {
        pack_b(nr_max, trans_b, B, ldb, pc, kc, jc, nc, bp, (ptrdiff_t)kc * nr_max);
        panels = bp;
        panel_stride = (ptrdiff_t)kc * nr_max;
      }
      for (int ic = 0; ic < M; ic += MC) {
        int mc = M - ic < MC ? M - ic : MC;
        if (pack_a_too) pack_a(mr_max, A, rs, cs, ic, mc, pc, kc, ap);
        for (int jr = 0; jr < nc; jr += nr_max) {
          int nr = nc - jr < nr_max ? nc - jr : nr_max;
          const float *panel = panels + (jr / nr_max) * panel_stride;
          for (int ir = 0; ir < mc; ir += mr_max) {
            int mr = mc - ir < mr_max ? mc - ir : mr_max;
            float *c = C + (ic + ir) * rsc + (jc + jr) * csc;
            if (pack_a_too)
              kn->tile(kc, ap + (ptrdiff_t)ir * kc, 1, mr_max, panel, c, rsc, csc, mr, nr, alpha,
                       load_c || pc > 0);
            else
              kn->tile(kc, A + (ic + ir) * rs + pc * cs, rs, cs, panel, c, rsc, csc, mr, nr, alpha,
                       load_c || pc > 0);
          }
        }
      }
    }
  }
}

/* ---- dot path: C += alpha * A[M,K] * B[N,K]^T, both read along contiguous rows --------------- */

static void gemm_dot_portable(int M, int N, int K, float alpha, const float *A, int lda,
                              const float *B, int ldb, float *C, int ldc) {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      const float *x = A + (ptrdiff_t)i * lda, *y = B + (ptrdiff_t)j * ldb;
      float s = 0.0f;
      for (int k = 0; k < K; k++) s += x[k] * y[k];
      C[(ptrdiff_t)i * ldc + j] += alpha * s;
    }
}

#if RL_X86_KERNELS
/* Mask that keeps the first r (0..8) lanes. */
RL_TARGET_AVX2 static inline __m256i tail_mask(int r) {
  static const int m[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  return _mm256_loadu_si256((const __m256i *)(m + 8 - r));
}

/* The four horizontal sums of v0..v3, in order. */
RL_TARGET_AVX2 static inline __m128 hsum4(__m256 v0, __m256 v1, __m256 v2, __m256 v3) {
  __m256 t0 = _mm256_hadd_ps(v0, v1), t1 = _mm256_hadd_ps(v2, v3);
  __m256 t = _mm256_hadd_ps(t0, t1);
  return _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
}

/* c[0..nr) += alpha * s[0..nr), nr <= 4. */
RL_TARGET_AVX2 static inline void add4(float *c, __m128 s, float alpha, int nr) {
  s = _mm_mul_ps(s, _mm_set1_ps(alpha));
  if (nr == 4) {
    _mm_storeu_ps(c, _mm_add_ps(_mm_loadu_ps(c), s));
  } else {
    float t[4];
    _mm_storeu_ps(t, s);
    for (int j = 0; j < nr; j++) c[j] += t[j];
  }
}

/* 3 rows of A x 4 rows of B (mr <= 3, nr <= 4, missing rows duplicate the last one). */
RL_TARGET_AVX2 static void dot_3x4(int K, const float *a, int lda, const float *b, int ldb,
                                   float *C, int ldc, int mr, int nr, float alpha) {
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
}

/* One row of A x 8 rows of B (nr <= 8): the matrix-vector product y += alpha * W x. */
RL_TARGET_AVX2 static void dot_1x8(int K, const float *a, const float *b, int ldb, float *C, int nr,
                                   float alpha) {
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
}

RL_TARGET_AVX2 static void gemm_dot_avx2(int M, int N, int K, float alpha, const float *A, int lda,
                                         const float *B, int ldb, float *C, int ldc) {
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
#endif

/* ---- row path: C[i,:] += alpha * sum_k A(i,k) B[k,:], B not transposed, few rows ------------- */

/* Columns [j0, N) of one row, plain C. */
static void row_tail(int j0, int N, int K, float alpha, const float *a, ptrdiff_t cs, const float *B,
                     int ldb, float *c) {
  for (int j = j0; j < N; j++) {
    float s = 0.0f;
    for (int k = 0; k < K; k++) s += a[k * cs] * B[(ptrdiff_t)k * ldb + j];
    c[j] += alpha * s;
  }
}

static void gemm_rows_portable(int trans_a, int M, int N, int K, float alpha, const float *A,
                               int lda, const float *B, int ldb, float *C, int ldc) {
  ptrdiff_t rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
  for (int i = 0; i < M; i++) row_tail(0, N, K, alpha, A + i * rs, cs, B, ldb, C + (ptrdiff_t)i * ldc);
}

#if RL_X86_KERNELS
RL_TARGET_AVX2 static void gemm_rows_avx2(int trans_a, int M, int N, int K, float alpha,
                                          const float *A, int lda, const float *B, int ldb,
                                          float *C, int ldc) {
  ptrdiff_t rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
  for (int i = 0; i < M; i++) {
    const float *a = A + i * rs;
    float *c = C + (ptrdiff_t)i * ldc;
    int j = 0;
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
    row_tail(j, N, K, alpha, a, cs, B, ldb, c);
  }
}
#endif

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

/* ---- entry points ---------------------------------------------------------------------------- */

/* 1 if the product goes to the dot or the row path. */
static int small_shape(int trans_a, int trans_b, int M) {
  return (trans_b && !trans_a && M <= DOT_MAX_M) || (!trans_b && M <= ROW_MAX_M);
}

/* C += alpha op(A) op(B) on the dot or row path (small_shape) or, without a pack buffer, in plain
 * loops. */
static void unpacked(rl_kernels ks, int trans_a, int trans_b, int M, int N, int K, float alpha,
                     const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
  int vec = ks != RL_KERNELS_PORTABLE;
  (void)vec;
  if (trans_b && !trans_a && M <= DOT_MAX_M) {
#if RL_X86_KERNELS
    if (vec) {
      gemm_dot_avx2(M, N, K, alpha, A, lda, B, ldb, C, ldc);
      return;
    }
#endif
    gemm_dot_portable(M, N, K, alpha, A, lda, B, ldb, C, ldc);
  } else if (!trans_b && M <= ROW_MAX_M) {
#if RL_X86_KERNELS
    if (vec) {
      gemm_rows_avx2(trans_a, M, N, K, alpha, A, lda, B, ldb, C, ldc);
      return;
    }
#endif
    gemm_rows_portable(trans_a, M, N, K, alpha, A, lda, B, ldb, C, ldc);
  } else {
    gemm_simple(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, C, ldc);
  }
}

static _Thread_local double flops_done; /* this thread's products, for rl_sgemm_flops */

double rl_sgemm_flops(void) { return flops_done; }

void rl_sgemm(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.0f) {
    scale_c(M, N, beta, C, ldc);
    return;
  }
  flops_done += 2.0 * M * N * K;
  rl_kernels ks = rl_kernels_active();
  float *bp = small_shape(trans_a, trans_b, M) ? NULL : get_pack_buf();
  if (!bp) {
    scale_c(M, N, beta, C, ldc);
    unpacked(ks, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, C, ldc);
    return;
  }
  /* the packed path overwrites C for beta == 0 and adds into it otherwise */
  if (beta != 0.0f) scale_c(M, N, beta, C, ldc);
  const tile_kernel *kn = &TILES[ks];
  if (kn->swap && M <= SWAP_MAX_M && M < N) {
    /* C^T = op(B)^T op(A)^T: pack the small op(A) instead of the large op(B), read op(B) in place
     * and store the tiles transposed. */
    gemm_packed(kn, N, M, K, alpha, B, trans_b ? ldb : 1, trans_b ? 1 : ldb, !trans_a, A, lda, NULL,
                C, 1, ldc, bp, 0, beta != 0.0f);
  } else {
    /* Packing A pays only when its rows are strided (trans_a: one cache line per k per MR rows).
     * Contiguous rows are read in place even when the block is reused across many panels: packing
     * them cost more than it saved (AVX-512, one thread, CPU time: 125-146 against 74-119 GFLOP/s
     * for the input product x W_ih^T at 2048 x 2048 x 512, 135-139 against 88-117 for dG W_ih at
     * 2048 x 512 x 2048; AVX2 unchanged within noise). */
    gemm_packed(kn, M, N, K, alpha, A, trans_a ? 1 : lda, trans_a ? lda : 1, trans_b, B, ldb, NULL,
                C, ldc, 1, bp, trans_a, beta != 0.0f);
  }
}

/* ---- a B operand packed once for many products ----------------------------------------------- */

int rl_sgemm_pack_b(rl_sgemm_b *p, int M, int trans_b, int K, int N, const float *B, int ldb) {
  rl_kernels ks = rl_kernels_active();
  p->K = K;
  p->N = N;
  p->trans_b = trans_b;
  p->ldb = ldb;
  p->B = B;
  p->packed_for = -1;
  if (K <= 0 || N <= 0) return 0;
  if (small_shape(0, trans_b, M)) return 0; /* those products read B directly */
  int nr = TILES[ks].nr;
  size_t need = (size_t)(N + nr - 1) / nr * nr * (size_t)K;
  if (need > p->cap) {
    free(p->data);
    p->cap = 0;
    p->data = aligned_alloc(64, (need * sizeof(float) + 63) / 64 * 64);
    if (!p->data) return -1; /* the products then read B as it is */
    p->cap = need;
  }
  pack_b(nr, trans_b, B, ldb, 0, K, 0, N, p->data, (ptrdiff_t)K * nr);
  p->packed_for = (int)ks;
  return 0;
}

void rl_sgemm_b_free(rl_sgemm_b *p) {
  free(p->data);
  memset(p, 0, sizeof *p);
}

void rl_sgemm_packed(int trans_a, int M, float alpha, const float *A, int lda, const rl_sgemm_b *p,
                     float beta, float *C, int ldc) {
  int N = p->N, K = p->K;
  rl_kernels ks = rl_kernels_active();
  int usable = p->packed_for == (int)ks && M > 0 && N > 0 && K > 0 && alpha != 0.0f &&
               !small_shape(trans_a, p->trans_b, M);
  float *buf = usable ? get_pack_buf() : NULL;
  if (!buf) {
    rl_sgemm(trans_a, p->trans_b, M, N, K, alpha, A, lda, p->B, p->ldb, beta, C, ldc);
    return;
  }
  flops_done += 2.0 * M * N * K;
  if (beta != 0.0f) scale_c(M, N, beta, C, ldc);
  /* A (a timestep's few rows) is read in place unless strided: measured faster than packing it
   * for each block of B (180 against 130 GFLOP/s for h W_hh^T at 32 rows, H = 512) */
  gemm_packed(&TILES[ks], M, N, K, alpha, A, trans_a ? 1 : lda, trans_a ? lda : 1, p->trans_b, NULL,
              0, p->data, C, ldc, 1, buf, trans_a, beta != 0.0f);
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
