/* rnnlab bench: training speed on fixed configurations. One training step is what `rnnlab train`
 * does: forward, backward (BPTT over the whole sequence), SGD update; random tokens and next-token
 * targets, so the data costs nothing. Reported: tokens/s (B*T per step) and nominal GFLOP/s: the
 * matrix-product FLOPs of the straightforward algorithm (forward, plus twice that for backward)
 * per second. With a small vocabulary rnnlab skips most of layer 0's input-side products (see
 * model.c), so nominal GFLOP/s can exceed what the cores execute. */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "commands.h"
#include "optim.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  const char *name;
  rl_cell cell;
  int hidden, batch, seq;
} bench_config;

static const bench_config CONFIGS[] = {
    {"lstm-h128-b32", RL_CELL_LSTM, 128, 32, 64}, {"gru-h128-b32", RL_CELL_GRU, 128, 32, 64},
    {"rnn-h128-b32", RL_CELL_RNN, 128, 32, 64},   {"lstm-h512-b64", RL_CELL_LSTM, 512, 64, 64},
    {"gru-h512-b64", RL_CELL_GRU, 512, 64, 64},   {"rnn-h512-b64", RL_CELL_RNN, 512, 64, 64},
    {"lstm-h32-b1", RL_CELL_LSTM, 32, 1, 64},     {"gru-h32-b1", RL_CELL_GRU, 32, 1, 64},
    {"rnn-h32-b1", RL_CELL_RNN, 32, 1, 64},
};
#define NCONFIGS (int)(sizeof CONFIGS / sizeof CONFIGS[0])
#define VOCAB 64

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Matrix-product FLOPs of one forward pass. */
static double forward_flops(const rl_config *c, int B, int T) {
  int G = rl_cell_gates(c->cell), D = c->bidirectional ? 2 : 1, H = c->hidden;
  double f = 0;
  for (int l = 0; l < c->layers; l++) {
    int in = l == 0 ? c->embed : D * H;
    f += 2.0 * D * B * T * (double)G * H * (in + H);
  }
  return f + 2.0 * B * T * (double)c->classes * D * H;
}

static void bench_help(FILE *f) {
  fprintf(f, "usage: rnnlab bench [--config NAME[,NAME...]] [--seconds S] [--threads N] [--json]\n\n"
             "Trains each configuration for S seconds (default 3) after a warm-up and prints tokens/s and\n"
             "nominal GFLOP/s (matrix-product FLOPs of the straightforward algorithm per second).\n"
             "Vocabulary %d, embedding = hidden, one layer, SGD. Threads default to the number of cores.\n"
             "Configurations:\n", VOCAB);
  for (int i = 0; i < NCONFIGS; i++)
    fprintf(f, "  %-16s %s hidden %d, batch %d, sequence %d\n", CONFIGS[i].name, rl_cell_name(CONFIGS[i].cell),
            CONFIGS[i].hidden, CONFIGS[i].batch, CONFIGS[i].seq);
}

static int run_one(const bench_config *bc, double seconds, int threads, int json) {
  rl_config c = rl_config_default();
  c.cell = bc->cell;
  c.vocab = c.classes = VOCAB;
  c.hidden = c.embed = bc->hidden;
  rl_model *m;
  rl_error err;
  if (rl_model_create(&c, &m, &err)) {
    fprintf(stderr, "rnnlab bench: %s\n", err.msg);
    return 1;
  }
  rl_init_opts io = rl_init_default(1);
  rl_model_init_params(m, &io, &err);
  rl_model_set_threads(m, threads);
  rl_optimizer opt;
  if (rl_optimizer_init(&opt, RL_OPT_SGD, 0.05f, m->nparams, &err)) {
    fprintf(stderr, "rnnlab bench: %s\n", err.msg);
    rl_model_free(m);
    return 1;
  }
  int B = bc->batch, T = bc->seq;
  int *tokens = malloc(sizeof(int) * B * (T + 1)), *targets = malloc(sizeof(int) * B * T);
  int *in = malloc(sizeof(int) * B * T);
  rl_rng rng;
  rl_rng_seed(&rng, 7);
  for (int i = 0; i < B * (T + 1); i++) tokens[i] = rl_rng_int(&rng, VOCAB);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++) {
      in[b * T + t] = tokens[b * (T + 1) + t];
      targets[b * T + t] = tokens[b * (T + 1) + t + 1];
    }
  rl_batch batch = {B, T, in, targets, NULL, NULL};
  float loss = 0;
  long steps = 0;
  double t0 = now_s(), warm = t0 + (seconds > 1 ? 0.5 : seconds * 0.3), start = 0, end;
  int warming = 1;
  for (;;) {
    if (rl_model_forward(m, &batch, &loss, &err) || rl_model_backward(m, &err)) {
      fprintf(stderr, "rnnlab bench: %s\n", err.msg);
      break;
    }
    rl_optimizer_step(&opt, m->params, m->grads);
    double t = now_s();
    if (warming) {
      if (t >= warm) warming = 0, start = t, steps = 0;
      continue;
    }
    steps++;
    if (t - start >= seconds) break;
  }
  end = now_s();
  double el = end - start;
  double tok_s = steps * (double)B * T / el;
  double gflops = steps * 3.0 * forward_flops(&c, B, T) / el * 1e-9;
  if (json)
    printf("{\"config\":\"%s\",\"cell\":\"%s\",\"hidden\":%d,\"batch\":%d,\"seq\":%d,\"threads\":%d,\"steps\":%ld,"
           "\"seconds\":%.3f,\"tokens_per_s\":%.1f,\"gflops\":%.2f,\"loss\":%.4f}\n",
           bc->name, rl_cell_name(c.cell), c.hidden, B, T, m->nshards, steps, el, tok_s, gflops, loss);
  else
    printf("%-16s %8ld %-5s %8.2f s %12.0f tokens/s %8.2f GFLOP/s  (threads %d, loss %.3f)\n", bc->name, steps,
           steps == 1 ? "step" : "steps", el, tok_s, gflops, m->nshards, loss);
  fflush(stdout);
  free(tokens);
  free(targets);
  free(in);
  rl_optimizer_free(&opt);
  rl_model_free(m);
  return 0;
}

int cmd_bench(int argc, char **argv) {
  double seconds = 3;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  int threads = ncpu > 0 ? (int)ncpu : 1, json = 0;
  int selected[NCONFIGS] = {0}, any = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      bench_help(stdout);
      return 0;
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--seconds")) {
      float s;
      if (!(v = arg_value("bench", argc, argv, &i)) || arg_float("bench", a, v, 0.05, 3600, &s)) return 2;
      seconds = s;
    } else if (!strcmp(a, "--threads")) {
      if (!(v = arg_value("bench", argc, argv, &i)) || arg_int("bench", a, v, 1, 64, &threads)) return 2;
    } else if (!strcmp(a, "--config")) {
      if (!(v = arg_value("bench", argc, argv, &i))) return 2;
      char buf[512];
      snprintf(buf, sizeof buf, "%s", v);
      for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int found = 0;
        for (int k = 0; k < NCONFIGS; k++)
          if (!strcmp(tok, CONFIGS[k].name)) selected[k] = found = any = 1;
        if (!found) {
          fprintf(stderr, "rnnlab bench: unknown configuration '%s' (see rnnlab bench --help)\n", tok);
          return 2;
        }
      }
    } else {
      fprintf(stderr, "rnnlab bench: unknown option '%s' (see rnnlab bench --help)\n", a);
      return 2;
    }
  }
  if (!json) printf("rnnlab bench: %g s per configuration, up to %d threads\n", seconds, threads);
  for (int k = 0; k < NCONFIGS; k++)
    if (!any || selected[k])
      if (run_one(&CONFIGS[k], seconds, threads, json)) return 1;
  return 0;
}
