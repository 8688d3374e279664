/* Training throughput of Intel's oneDNN (Debian's libdnnl-dev) on the model `rnnlab bench` trains,
 * for tools/bench_vs_onednn.py. A tool, not part of the build: build it with
 *
 *   gcc -O2 -fopenmp tools/bench_onednn.c -ldnnl -lm -o build/bench_onednn
 *
 * (tools/bench_vs_onednn.py does this, after `apt-get install libdnnl-dev` if needed).
 *
 * Model: embedding [V,H] -> L stacked layers of oneDNN's vanilla_lstm / lbr_gru (PyTorch's GRU:
 * the reset gate applied after the recurrent product) / vanilla_rnn (tanh) training primitives,
 * hidden H, embedding size H, zero initial state -> linear head [V,H] + bias -> softmax
 * cross-entropy over every position -> full BPTT -> plain SGD on every parameter. Random tokens,
 * drawn once. Each step does what a framework on oneDNN does: reorder the weights into the layouts
 * the forward and backward primitives chose (format "any"), run them, the head's products with
 * dnnl_sgemm, the embedding gather and scatter, softmax and SGD in OpenMP loops.
 *
 * Executed FLOPs per step: every matrix product runs at full size (no embedding shortcut):
 *   3 * sum over layers of 2*T*B*G*H*(H + H)  +  3 * 2*T*B*V*H
 * (forward, then backward's data and weight gradients), G = 4, 3, 1.
 *
 * Prints one JSON line: cell, layers, hidden, batch, seq, vocab, threads, isa, steps, seconds,
 * tokens_per_s, flops_executed_per_step, gflops_executed, cpu_seconds (all threads; OpenMP's waiting
 * threads spin for a while before they sleep, so run with OMP_WAIT_POLICY=passive when comparing
 * CPU time), gflops_executed_per_cpu_s. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(call)                                                                          \
  do {                                                                                       \
    dnnl_status_t st_ = (call);                                                              \
    if (st_ != dnnl_success) {                                                               \
      fprintf(stderr, "bench_onednn: %s failed (status %d) at line %d\n", #call, (int)st_,   \
              __LINE__);                                                                     \
      exit(1);                                                                               \
    }                                                                                        \
  } while (0)

static double clock_s(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static float *falloc(size_t n) {
  float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
  if (!p) {
    fprintf(stderr, "bench_onednn: out of memory\n");
    exit(1);
  }
  return p;
}

static unsigned long long rng = 88172645463325252ull;
static float uniform(float a) { /* [-a, a) */
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return a * (2.0f * (float)(rng >> 40) / (float)(1 << 24) - 1.0f);
}

typedef struct {
  dnnl_memory_t user, prim; /* prim == user when the primitive takes the user's layout */
  dnnl_primitive_t reorder; /* user -> prim, or NULL */
} layout;

/* Memory in the layout `want` for data in user memory `user`, with the reorder between them. */
static layout make_layout(dnnl_engine_t eng, dnnl_memory_t user, const dnnl_memory_desc_t *want) {
  layout l = {user, user, NULL};
  const dnnl_memory_desc_t *have;
  CHECK(dnnl_memory_get_memory_desc(user, &have));
  if (dnnl_memory_desc_equal(have, want)) return l;
  CHECK(dnnl_memory_create(&l.prim, want, eng, DNNL_MEMORY_ALLOCATE));
  dnnl_primitive_desc_t pd;
  CHECK(dnnl_reorder_primitive_desc_create(&pd, have, eng, want, eng, NULL));
  CHECK(dnnl_primitive_create(&l.reorder, pd));
  dnnl_primitive_desc_destroy(pd);
  return l;
}

static void run_layout(const layout *l, dnnl_stream_t s) {
  if (!l->reorder) return;
  dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, l->user}, {DNNL_ARG_TO, l->prim}};
  CHECK(dnnl_primitive_execute(l->reorder, s, 2, a));
}

static void *handle(dnnl_memory_t m) {
  void *p;
  CHECK(dnnl_memory_get_data_handle(m, &p));
  return p;
}

static const char *isa_name(dnnl_cpu_isa_t isa) {
  switch (isa) {
  case dnnl_cpu_isa_avx2: return "avx2";
  case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
  case dnnl_cpu_isa_avx512_core: return "avx512_core";
  case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
  case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
  case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
  default: return "other";
  }
}

int main(int argc, char **argv) {
  const char *cell = "lstm";
  int H = 512, B = 64, T = 64, V = 64, L = 1, threads = 2;
  double seconds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *a = argv[i], *v = argv[i + 1];
    if (!strcmp(a, "--cell")) cell = v;
    else if (!strcmp(a, "--hidden")) H = atoi(v);
    else if (!strcmp(a, "--batch")) B = atoi(v);
    else if (!strcmp(a, "--seq")) T = atoi(v);
    else if (!strcmp(a, "--vocab")) V = atoi(v);
    else if (!strcmp(a, "--layers")) L = atoi(v);
    else if (!strcmp(a, "--threads")) threads = atoi(v);
    else if (!strcmp(a, "--seconds")) seconds = atof(v);
    else {
      fprintf(stderr, "usage: bench_onednn [--cell lstm|gru|rnn] [--hidden H] [--batch B] [--seq T] "
                      "[--vocab V] [--layers L] [--threads N] [--seconds S]\n");
      return 2;
    }
  }
  int G = !strcmp(cell, "lstm") ? 4 : !strcmp(cell, "gru") ? 3 : !strcmp(cell, "rnn") ? 1 : 0;
  if (!G || H < 1 || B < 1 || T < 1 || V < 2 || L < 1 || threads < 1) {
    fprintf(stderr, "bench_onednn: bad arguments\n");
    return 2;
  }
  int GB = !strcmp(cell, "gru") ? 4 : G; /* lbr_gru has one more bias block (b_hn) */
  omp_set_num_threads(threads);
  dnnl_engine_t eng;
  dnnl_stream_t strm;
  CHECK(dnnl_engine_create(&eng, dnnl_cpu, 0));
  CHECK(dnnl_stream_create(&strm, eng, dnnl_stream_default_flags));

  /* user memory: activations tnc, weights ldigo, bias ldgo; diff weights in the same layouts */
  dnnl_dims_t act = {T, B, H}, wl = {L, 1, H, G, H}, bias = {L, 1, GB, H};
  dnnl_memory_desc_t act_md, w_md, b_md, any_w, any_act;
  CHECK(dnnl_memory_desc_init_by_tag(&act_md, 3, act, dnnl_f32, dnnl_tnc));
  CHECK(dnnl_memory_desc_init_by_tag(&any_act, 3, act, dnnl_f32, dnnl_format_tag_any));
  CHECK(dnnl_memory_desc_init_by_tag(&w_md, 5, wl, dnnl_f32, dnnl_ldigo));
  CHECK(dnnl_memory_desc_init_by_tag(&any_w, 5, wl, dnnl_f32, dnnl_format_tag_any));
  CHECK(dnnl_memory_desc_init_by_tag(&b_md, 4, bias, dnnl_f32, dnnl_ldgo));
  dnnl_rnn_direction_t dir = dnnl_unidirectional_left2right;
  dnnl_rnn_desc_t fd, bd;
  if (G == 4) {
    CHECK(dnnl_lstm_forward_desc_init(&fd, dnnl_forward_training, dir, &act_md, NULL, NULL, &any_w, &any_w,
                                      &b_md, &act_md, NULL, NULL, 0));
    CHECK(dnnl_lstm_backward_desc_init(&bd, dnnl_backward, dir, &act_md, NULL, NULL, &any_w, &any_w, &b_md,
                                       &act_md, NULL, NULL, &act_md, NULL, NULL, &w_md, &w_md, &b_md, &act_md,
                                       NULL, NULL, 0));
  } else if (G == 3) {
    CHECK(dnnl_lbr_gru_forward_desc_init(&fd, dnnl_forward_training, dir, &act_md, NULL, &any_w, &any_w, &b_md,
                                         &act_md, NULL, 0));
    CHECK(dnnl_lbr_gru_backward_desc_init(&bd, dnnl_backward, dir, &act_md, NULL, &any_w, &any_w, &b_md, &act_md,
                                          NULL, &act_md, NULL, &w_md, &w_md, &b_md, &act_md, NULL, 0));
  } else {
    CHECK(dnnl_vanilla_rnn_forward_desc_init(&fd, dnnl_forward_training, dnnl_eltwise_tanh, dir, &act_md, NULL,
                                             &any_w, &any_w, &b_md, &act_md, NULL, 0, 0.0f, 0.0f));
    CHECK(dnnl_vanilla_rnn_backward_desc_init(&bd, dnnl_backward, dnnl_eltwise_tanh, dir, &act_md, NULL, &any_w,
                                              &any_w, &b_md, &act_md, NULL, &act_md, NULL, &w_md, &w_md, &b_md,
                                              &act_md, NULL, 0, 0.0f, 0.0f));
  }
  (void)any_act;
  dnnl_primitive_desc_t fpd, bpd;
  CHECK(dnnl_primitive_desc_create(&fpd, &fd, NULL, eng, NULL));
  CHECK(dnnl_primitive_desc_create(&bpd, &bd, NULL, eng, fpd));
  dnnl_primitive_t fwd, bwd;
  CHECK(dnnl_primitive_create(&fwd, fpd));
  CHECK(dnnl_primitive_create(&bwd, bpd));

  /* parameters, PyTorch's default initialisation ranges */
  size_t nw = (size_t)L * H * G * H, nb = (size_t)L * GB * H;
  float k = 1.0f / sqrtf((float)H);
  float *emb = falloc((size_t)V * H), *demb = falloc((size_t)V * H);
  float *head_w = falloc((size_t)V * H), *head_b = falloc(V), *dhead_w = falloc((size_t)V * H), *dhead_b = falloc(V);
  for (size_t i = 0; i < (size_t)V * H; i++) emb[i] = uniform(1.7f), head_w[i] = uniform(k);
  for (int i = 0; i < V; i++) head_b[i] = uniform(k);
  dnnl_memory_t w_layer, w_iter, b_mem, dw_layer, dw_iter, db_mem, src, dst, dsrc, ddst, ws;
  CHECK(dnnl_memory_create(&w_layer, &w_md, eng, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&w_iter, &w_md, eng, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&b_mem, &b_md, eng, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&dw_layer, &w_md, eng, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&dw_iter, &w_md, eng, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&db_mem, &b_md, eng, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&src, &act_md, eng, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&dst, &act_md, eng, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&dsrc, &act_md, eng, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&ddst, &act_md, eng, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&ws, dnnl_primitive_desc_query_md(fpd, dnnl_query_workspace_md, 0), eng,
                           DNNL_MEMORY_ALLOCATE));
  float *wl_p = handle(w_layer), *wi_p = handle(w_iter), *b_p = handle(b_mem);
  float *dwl_p = handle(dw_layer), *dwi_p = handle(dw_iter), *db_p = handle(db_mem);
  float *src_p = handle(src), *dst_p = handle(dst), *dsrc_p = handle(dsrc), *ddst_p = handle(ddst);
  for (size_t i = 0; i < nw; i++) wl_p[i] = uniform(k), wi_p[i] = uniform(k);
  for (size_t i = 0; i < nb; i++) b_p[i] = uniform(k);
  layout fwl = make_layout(eng, w_layer, dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0));
  layout fwi = make_layout(eng, w_iter, dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 1));
  layout bwl = make_layout(eng, w_layer, dnnl_primitive_desc_query_md(bpd, dnnl_query_weights_md, 0));
  layout bwi = make_layout(eng, w_iter, dnnl_primitive_desc_query_md(bpd, dnnl_query_weights_md, 1));

  int *tokens = malloc(sizeof(int) * (size_t)B * (T + 1));
  for (int i = 0; i < B * (T + 1); i++) tokens[i] = (int)((uniform(1.0f) + 1.0f) * 0.5f * V) % V;
  size_t rows = (size_t)T * B; /* time-major rows r = t*B + b */
  float *logits = falloc(rows * V);
  double flops = 3.0 * L * 2.0 * T * B * (double)G * H * (2.0 * H) + 3.0 * 2.0 * T * B * (double)V * H;
  float lr = 0.05f;

  long steps = 0;
  double t0 = clock_s(CLOCK_MONOTONIC), warm = t0 + (seconds > 1 ? 0.5 : 0.3 * seconds), start = 0, cpu0 = 0;
  double loss_out = 0;
  int warming = 1;
  for (;;) {
    /* embedding lookup */
#pragma omp parallel for
    for (size_t r = 0; r < rows; r++) {
      int t = (int)(r / B), b = (int)(r % B);
      memcpy(src_p + r * H, emb + (size_t)tokens[b * (T + 1) + t] * H, sizeof(float) * H);
    }
    run_layout(&fwl, strm);
    run_layout(&fwi, strm);
    dnnl_exec_arg_t fa[] = {{DNNL_ARG_SRC_LAYER, src},         {DNNL_ARG_WEIGHTS_LAYER, fwl.prim},
                            {DNNL_ARG_WEIGHTS_ITER, fwi.prim}, {DNNL_ARG_BIAS, b_mem},
                            {DNNL_ARG_DST_LAYER, dst},         {DNNL_ARG_WORKSPACE, ws}};
    CHECK(dnnl_primitive_execute(fwd, strm, 6, fa));
    CHECK(dnnl_stream_wait(strm));
    /* head, softmax cross-entropy; logits become dJ/dlogits */
    CHECK(dnnl_sgemm('N', 'T', (dnnl_dim_t)rows, V, H, 1.0f, dst_p, H, head_w, H, 0.0f, logits, V));
    double loss = 0;
#pragma omp parallel for reduction(+ : loss)
    for (size_t r = 0; r < rows; r++) {
      float *x = logits + r * V, mx = -INFINITY, sum = 0;
      for (int j = 0; j < V; j++) x[j] += head_b[j], mx = x[j] > mx ? x[j] : mx;
      for (int j = 0; j < V; j++) sum += x[j] = expf(x[j] - mx);
      int t = (int)(r / B), b = (int)(r % B), tgt = tokens[b * (T + 1) + t + 1];
      loss += logf(sum) - logf(x[tgt]);
      for (int j = 0; j < V; j++) x[j] = x[j] / sum / (float)rows;
      x[tgt] -= 1.0f / (float)rows;
    }
    CHECK(dnnl_sgemm('T', 'N', V, H, (dnnl_dim_t)rows, 1.0f, logits, V, dst_p, H, 0.0f, dhead_w, H));
    memset(dhead_b, 0, sizeof(float) * V);
    for (size_t r = 0; r < rows; r++)
      for (int j = 0; j < V; j++) dhead_b[j] += logits[r * V + j];
    CHECK(dnnl_sgemm('N', 'N', (dnnl_dim_t)rows, H, V, 1.0f, logits, V, head_w, H, 0.0f, ddst_p, H));
    /* recurrent layers, backward (the primitive accumulates into the diff weights) */
    memset(dwl_p, 0, sizeof(float) * nw);
    memset(dwi_p, 0, sizeof(float) * nw);
    memset(db_p, 0, sizeof(float) * nb);
    run_layout(&bwl, strm);
    run_layout(&bwi, strm);
    dnnl_exec_arg_t ba[] = {
        {DNNL_ARG_SRC_LAYER, src},          {DNNL_ARG_WEIGHTS_LAYER, bwl.prim},   {DNNL_ARG_WEIGHTS_ITER, bwi.prim},
        {DNNL_ARG_BIAS, b_mem},             {DNNL_ARG_DST_LAYER, dst},            {DNNL_ARG_WORKSPACE, ws},
        {DNNL_ARG_DIFF_SRC_LAYER, dsrc},    {DNNL_ARG_DIFF_WEIGHTS_LAYER, dw_layer},
        {DNNL_ARG_DIFF_WEIGHTS_ITER, dw_iter}, {DNNL_ARG_DIFF_BIAS, db_mem},      {DNNL_ARG_DIFF_DST_LAYER, ddst}};
    CHECK(dnnl_primitive_execute(bwd, strm, 11, ba));
    CHECK(dnnl_stream_wait(strm));
    /* embedding gradient (scatter-add) and SGD */
    memset(demb, 0, sizeof(float) * (size_t)V * H);
    for (size_t r = 0; r < rows; r++) {
      int t = (int)(r / B), b = (int)(r % B);
      float *d = demb + (size_t)tokens[b * (T + 1) + t] * H;
      for (int j = 0; j < H; j++) d[j] += dsrc_p[r * H + j];
    }
#pragma omp parallel for
    for (size_t i = 0; i < nw; i++) wl_p[i] -= lr * dwl_p[i], wi_p[i] -= lr * dwi_p[i];
    for (size_t i = 0; i < nb; i++) b_p[i] -= lr * db_p[i];
    for (size_t i = 0; i < (size_t)V * H; i++) emb[i] -= lr * demb[i], head_w[i] -= lr * dhead_w[i];
    for (int i = 0; i < V; i++) head_b[i] -= lr * dhead_b[i];
    loss_out = loss / rows;
    double t = clock_s(CLOCK_MONOTONIC);
    if (warming) {
      if (t >= warm) warming = 0, start = t, steps = 0, cpu0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
      continue;
    }
    steps++;
    if (t - start >= seconds) break;
  }
  double el = clock_s(CLOCK_MONOTONIC) - start, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  printf("{\"cell\":\"%s\",\"layers\":%d,\"hidden\":%d,\"batch\":%d,\"seq\":%d,\"vocab\":%d,\"threads\":%d,"
         "\"isa\":\"%s\",\"steps\":%ld,\"seconds\":%.3f,\"tokens_per_s\":%.1f,\"flops_executed_per_step\":%.6g,"
         "\"gflops_executed\":%.2f,\"cpu_seconds\":%.3f,\"gflops_executed_per_cpu_s\":%.2f,\"loss\":%.4f}\n",
         cell, L, H, B, T, V, threads, isa_name(dnnl_get_effective_cpu_isa()), steps, el,
         steps * (double)B * T / el, flops, steps * flops / el * 1e-9, cpu,
         cpu > 0 ? steps * flops / cpu * 1e-9 : 0.0, loss_out);
  return 0;
}
