/* rnnlab bench: training speed on fixed configurations. One training step is what `rnnlab train`
 * does: forward, backward (BPTT over the whole sequence), SGD update; random tokens and next-token
 * targets, so the data costs nothing. Reported: tokens/s (B*T per step), nominal GFLOP/s (the
 * matrix-product FLOPs of the straightforward algorithm, forward plus twice that for backward, per
 * second) and executed GFLOP/s (the products the engine actually ran, per second: with a small
 * vocabulary rnnlab skips most of layer 0's input-side products, see model.c, so nominal GFLOP/s
 * can exceed what the cores execute). --profile adds where the time goes (profile.h). */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "commands.h"
#include "kernels.h"
#include "optim.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  const char *name;
  rl_cell cell;
  int hidden, batch, seq, layers;
} bench_config;

/* The last one has a second layer whose input product no shortcut avoids. */
static const bench_config CONFIGS[] = {
    {"lstm-h128-b32", RL_CELL_LSTM, 128, 32, 64, 1}, {"gru-h128-b32", RL_CELL_GRU, 128, 32, 64, 1},
    {"rnn-h128-b32", RL_CELL_RNN, 128, 32, 64, 1},   {"lstm-h512-b64", RL_CELL_LSTM, 512, 64, 64, 1},
    {"gru-h512-b64", RL_CELL_GRU, 512, 64, 64, 1},   {"rnn-h512-b64", RL_CELL_RNN, 512, 64, 64, 1},
    {"lstm-h32-b1", RL_CELL_LSTM, 32, 1, 64, 1},     {"gru-h32-b1", RL_CELL_GRU, 32, 1, 64, 1},
    {"rnn-h32-b1", RL_CELL_RNN, 32, 1, 64, 1},       {"lstm2-h512-b64", RL_CELL_LSTM, 512, 64, 64, 2},
};
#define NCONFIGS (int)(sizeof CONFIGS / sizeof CONFIGS[0])
#define VOCAB 64

static double clock_s(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}
static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }

/* One measured run: wall seconds, and the CPU seconds of all the process's threads (on a machine
 * shared with other work, executed FLOPs per CPU-second measure the code, FLOPs per wall second
 * also the load). */
typedef struct {
  long steps;
  double wall, cpu, opt_s;
  float loss;
} bench_run;

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
  fprintf(f, "usage: rnnlab bench [--config NAME[,NAME...]] [--seconds S] [--threads N] [--kernels SET]\n"
             "                    [--no-table] [--profile] [--json]\n\n"
             "Trains each configuration for S seconds (default 3) after a warm-up and prints tokens/s,\n"
             "nominal GFLOP/s (matrix-product FLOPs of the straightforward algorithm per second) and\n"
             "executed GFLOP/s (the products rnnlab actually ran: its embedding-table shortcut skips\n"
             "most of layer 0's input products), also per CPU-second of the process's threads (on a\n"
             "shared machine this depends much less on other processes' load). Vocabulary %d,\n"
             "embedding = hidden, SGD.\n"
             "Threads default to the number of cores.\n"
             "  --kernels SET  auto, portable, avx2 or avx512 (default: auto, the best this CPU runs)\n"
             "  --no-table     no embedding-table shortcut: layer 0's input products run in full, as in\n"
             "                 a framework (the same products as tools/bench_onednn.c)\n"
             "  --profile      also print where the time goes, per phase of the training step (CPU\n"
             "                 time of each thread, so other processes' load does not distort it)\n"
             "Configurations:\n", VOCAB);
  for (int i = 0; i < NCONFIGS; i++)
    fprintf(f, "  %-16s %s, %d layer%s, hidden %d, batch %d, sequence %d\n", CONFIGS[i].name,
            rl_cell_name(CONFIGS[i].cell), CONFIGS[i].layers, CONFIGS[i].layers > 1 ? "s" : "",
            CONFIGS[i].hidden, CONFIGS[i].batch, CONFIGS[i].seq);
}

/* The step's phases: the model's (CPU seconds of each shard's thread, profile.h) plus the optimizer,
 * which runs on one thread while the others wait. Per step and thread; text: one line per phase;
 * JSON: an object. */
static void print_profile(const rl_profile *p, double opt_s, int threads, long steps, int json) {
  double sec[RL_PHASES + 1], total = 0;
  for (int i = 0; i < RL_PHASES; i++) sec[i] = p->seconds[i];
  sec[RL_PHASES] = opt_s;
  sec[RL_PHASE_IDLE] += opt_s * (threads - 1);
  for (int i = 0; i <= RL_PHASES; i++) total += sec[i];
  if (json) {
    printf(",\"profile\":{");
    for (int i = 0; i <= RL_PHASES; i++)
      printf("%s\"%s\":{\"share\":%.4f,\"cpu_ms_per_step\":%.3f,\"gflops_per_cpu_s\":%.2f}", i ? "," : "",
             i < RL_PHASES ? rl_phase_name((rl_phase)i) : "optimizer", sec[i] / total,
             1e3 * sec[i] / threads / steps, i < RL_PHASES && sec[i] > 0 ? p->flops[i] / sec[i] * 1e-9 : 0.0);
    printf("}");
    return;
  }
  printf("  %-26s %11s %7s %12s\n", "phase", "CPU ms/step", "share", "GFLOP/CPU-s");
  for (int i = 0; i <= RL_PHASES; i++) {
    printf("  %-26s %11.2f %6.1f%%", i < RL_PHASES ? rl_phase_name((rl_phase)i) : "optimizer (SGD)",
           1e3 * sec[i] / threads / steps, 100 * sec[i] / total);
    if (i < RL_PHASES && p->flops[i] > 0) printf(" %12.1f", p->flops[i] / sec[i] * 1e-9);
    printf("\n");
  }
}

/* One configuration's line (or JSON object) and, with --profile, its phases. */
static void report(const bench_config *bc, const rl_model *m, const bench_run *r, int profile, int no_table,
                   int json) {
  const rl_config c = m->cfg;
  int B = bc->batch, T = bc->seq;
  long steps = r->steps;
  double el = r->wall, opt_s = r->opt_s;
  float loss = r->loss;
  double tok_s = steps * (double)B * T / el;
  double nominal = 3.0 * forward_flops(&c, B, T), executed = steps ? m->prof.flops_executed / steps : 0;
  double gflops = steps * nominal / el * 1e-9, gflops_ex = steps * executed / el * 1e-9;
  double per_core = r->cpu > 0 ? steps * executed / r->cpu * 1e-9 : 0;
  if (json) {
    printf("{\"config\":\"%s\",\"cell\":\"%s\",\"layers\":%d,\"hidden\":%d,\"batch\":%d,\"seq\":%d,"
           "\"threads\":%d,\"kernels\":\"%s\",\"steps\":%ld,\"seconds\":%.3f,\"tokens_per_s\":%.1f,"
           "\"gflops\":%.2f,\"gflops_executed\":%.2f,\"flops_nominal_per_step\":%.6g,"
           "\"flops_executed_per_step\":%.6g,\"cpu_seconds\":%.3f,\"gflops_executed_per_cpu_s\":%.2f,"
           "\"input_table\":%s,\"loss\":%.4f",
           bc->name, rl_cell_name(c.cell), c.layers, c.hidden, B, T, m->nshards,
           rl_kernels_name(rl_kernels_active()), steps, el, tok_s, gflops, gflops_ex, nominal, executed,
           r->cpu, per_core, no_table ? "false" : "true", loss);
    if (profile && steps) print_profile(&m->prof, opt_s, m->nshards, steps, 1);
    printf("}\n");
  } else {
    printf("%-16s %6ld %-5s %6.2f s %10.0f tokens/s %7.1f GFLOP/s nominal %7.1f executed %6.1f per CPU-second"
           "  (threads %d, loss %.3f)\n",
           bc->name, steps, steps == 1 ? "step" : "steps", el, tok_s, gflops, gflops_ex, per_core, m->nshards, loss);
    if (profile && steps) print_profile(&m->prof, opt_s, m->nshards, steps, 0);
  }
}

static int run_one(const bench_config *bc, double seconds, int threads, int profile, int no_table, int json) {
  rl_config c = rl_config_default();
  c.cell = bc->cell;
  c.vocab = c.classes = VOCAB;
  c.hidden = c.embed = bc->hidden;
  c.layers = bc->layers;
  rl_model *m;
  rl_error err;
  if (rl_model_create(&c, &m, &err)) {
    fprintf(stderr, "rnnlab bench: %s\n", err.msg);
    return 1;
  }
  rl_init_opts io = rl_init_default(1);
  rl_model_init_params(m, &io, &err);
  rl_model_set_threads(m, threads);
  m->no_input_table = no_table;
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
  double t0 = now_s(), warm = t0 + (seconds > 1 ? 0.5 : seconds * 0.3), start = 0, cpu0 = 0, opt_s = 0;
  int warming = 1;
  for (;;) {
    if (rl_model_forward(m, &batch, &loss, &err) || rl_model_backward(m, &err)) {
      fprintf(stderr, "rnnlab bench: %s\n", err.msg);
      break;
    }
    double to = clock_s(CLOCK_THREAD_CPUTIME_ID); /* CPU time, as the profile's phases (profile.h) */
    rl_optimizer_step(&opt, m->params, m->grads);
    opt_s += clock_s(CLOCK_THREAD_CPUTIME_ID) - to;
    double t = now_s();
    if (warming) {
      if (t >= warm) {
        warming = 0, start = t, steps = 0, opt_s = 0, cpu0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        m->prof = (rl_profile){.timed = profile}; /* measure from here */
      }
      continue;
    }
    steps++;
    if (t - start >= seconds) break;
  }
  bench_run run = {steps, now_s() - start, clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0, opt_s, loss};
  report(bc, m, &run, profile, no_table, json);
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
  int threads = ncpu > 0 ? (int)ncpu : 1, json = 0, profile = 0, no_table = 0;
  int selected[NCONFIGS] = {0}, any = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      bench_help(stdout);
      return 0;
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--profile")) {
      profile = 1;
    } else if (!strcmp(a, "--no-table")) {
      no_table = 1;
    } else if (!strcmp(a, "--kernels")) {
      rl_error err;
      if (!(v = arg_value("bench", argc, argv, &i))) return 2;
      if (rl_kernels_select(v, &err)) {
        fprintf(stderr, "rnnlab bench: %s\n", err.msg);
        return 2;
      }
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
  if (!json)
    printf("rnnlab bench: %g s per configuration, up to %d threads, %s kernels\n", seconds, threads,
           rl_kernels_name(rl_kernels_active()));
  for (int k = 0; k < NCONFIGS; k++)
    if (!any || selected[k])
      if (run_one(&CONFIGS[k], seconds, threads, profile, no_table, json)) return 1;
  return 0;
}
