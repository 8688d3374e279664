/* rnnlab inspect: one forward and backward pass over one sequence, with the full trace. */
#include "cli_args.h"
#include "commands.h"
#include "modelfile.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 4096

static void inspect_help(FILE *f) {
  fprintf(f,
          "usage: rnnlab inspect MODEL (--tokens 3,1,4 | --text \"...\") [--targets 1,4,1] [--json]\n"
          "                      [--grads OUT.safetensors]\n\n"
          "Runs one forward and backward pass on one sequence and prints the loss, the output\n"
          "probabilities and the trace (gates, cell and hidden states, gradient norms per timestep).\n"
          "Targets default to the next token for a step head (the last position is not scored) and to\n"
          "'not scored' for a final head. A target of -1 is not scored.\n"
          "  --json    machine-readable output (fields described in README.md)\n"
          "  --grads   write dJ/dparameters under the parameter names\n");
}

/* JSON has no NaN or infinity: those are written as null. */
static void json_float(FILE *f, float x) {
  if (isfinite(x)) fprintf(f, "%.7g", x);
  else fputs("null", f);
}

static void json_floats(FILE *f, const float *x, int n) {
  fputc('[', f);
  for (int i = 0; i < n; i++) {
    if (i) fputc(',', f);
    json_float(f, x[i]);
  }
  fputc(']', f);
}

/* [T][n] rows */
static void json_rows(FILE *f, const float *x, int T, int n) {
  fputc('[', f);
  for (int t = 0; t < T; t++) {
    if (t) fputc(',', f);
    json_floats(f, x + (size_t)t * n, n);
  }
  fputc(']', f);
}

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
    else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
    else fputc(ch, f);
  }
  fputc('"', f);
}

static const char *gate_names(rl_cell c) {
  return c == RL_CELL_LSTM ? "[\"i\",\"f\",\"g\",\"o\"]" : c == RL_CELL_GRU ? "[\"r\",\"z\",\"n\"]" : "[\"h\"]";
}

static void print_json(const rl_model *m, const int *tokens, const int *targets, int T, float loss) {
  const rl_trace *tr = &m->trace;
  const rl_config *c = &m->cfg;
  FILE *f = stdout;
  int H = c->hidden, G = m->G, C = c->classes;
  fprintf(f, "{\"cell\":\"%s\",\"nonlinearity\":\"%s\",\"head\":\"%s\",\"layers\":%d,\"directions\":%d,"
             "\"hidden\":%d,\"classes\":%d,\"T\":%d,\n",
          rl_cell_name(c->cell), rl_nonlin_name(c->nonlin), rl_head_name(c->head), c->layers, m->D, H, C, T);
  fprintf(f, "\"tokens\":[");
  for (int t = 0; t < T; t++) fprintf(f, "%s%d", t ? "," : "", tokens[t]);
  fprintf(f, "],\"targets\":[");
  int nt = c->head == RL_HEAD_FINAL ? 1 : T;
  for (int t = 0; t < nt; t++) fprintf(f, "%s%d", t ? "," : "", targets[t]);
  fprintf(f, "],\n");
  if (m->vocab.level != RL_VOCAB_NONE) {
    fprintf(f, "\"token_strings\":[");
    for (int t = 0; t < T; t++) {
      if (t) fputc(',', f);
      json_string(f, m->vocab.tokens[tokens[t]]);
    }
    fprintf(f, "],\n");
  }
  fprintf(f, "\"loss\":");
  json_float(f, loss);
  fprintf(f, ",\"last_scored\":%d,\n\"probs\":", tr->last_scored);
  if (c->head == RL_HEAD_FINAL) json_floats(f, tr->probs, C);
  else json_rows(f, tr->probs, T, C);
  fprintf(f, ",\n\"gate_names\":%s,\n\"layers_trace\":[\n", gate_names(c->cell));
  for (int l = 0; l < c->layers; l++)
    for (int d = 0; d < m->D; d++) {
      int ld = l * m->D + d;
      size_t o = (size_t)ld * T;
      fprintf(f, "%s{\"layer\":%d,\"direction\":\"%s\",\n\"gates\":", ld ? ",\n" : "", l, d ? "backward" : "forward");
      json_rows(f, tr->gates + o * G * H, T, G * H);
      if (c->cell == RL_CELL_LSTM) {
        fprintf(f, ",\n\"c\":");
        json_rows(f, tr->c + o * H, T, H);
      }
      fprintf(f, ",\n\"h\":");
      json_rows(f, tr->h + o * H, T, H);
      fprintf(f, ",\n\"dh_norm\":");
      json_floats(f, tr->dh_norm + o, T);
      if (c->cell == RL_CELL_LSTM) {
        fprintf(f, ",\n\"dc_norm\":");
        json_floats(f, tr->dc_norm + o, T);
      }
      fprintf(f, ",\n\"dhT_norm\":");
      json_floats(f, tr->dhT_norm + o, T);
      fprintf(f, ",\n\"dwhh_norm\":");
      json_floats(f, tr->dwhh_norm + o, T);
      fprintf(f, "}");
    }
  fprintf(f, "]}\n");
}

static void print_human(const rl_model *m, const int *tokens, int T, float loss) {
  const rl_trace *tr = &m->trace;
  const rl_config *c = &m->cfg;
  int C = c->classes;
  printf("%s model, %d layer%s%s, hidden %d; sequence of %d tokens\n", rl_cell_name(c->cell), c->layers,
         c->layers > 1 ? "s" : "", m->D == 2 ? " (bidirectional)" : "", c->hidden, T);
  printf("loss %.6f (mean over scored positions)\n\n", loss);
  int has_vocab = m->vocab.level != RL_VOCAB_NONE;
  int rows = c->head == RL_HEAD_FINAL ? 1 : T;
  printf("%4s  %-12s  %s\n", "t", "input", c->head == RL_HEAD_FINAL ? "class probabilities (top 3)" : "most likely next (top 3)");
  for (int t = 0; t < rows; t++) {
    int tt = c->head == RL_HEAD_FINAL ? T - 1 : t;
    const float *p = tr->probs + (size_t)t * C;
    int best[3] = {-1, -1, -1};
    for (int k = 0; k < 3 && k < C; k++) {
      for (int j = 0; j < C; j++) {
        int used = 0;
        for (int q = 0; q < k; q++) used |= best[q] == j;
        if (!used && (best[k] < 0 || p[j] > p[best[k]])) best[k] = j;
      }
    }
    char in[32];
    if (has_vocab) snprintf(in, sizeof in, "%s", m->vocab.tokens[tokens[tt]]);
    else snprintf(in, sizeof in, "%d", tokens[tt]);
    printf("%4d  %-12s ", tt, in);
    for (int k = 0; k < 3 && best[k] >= 0; k++) {
      if (has_vocab && c->head == RL_HEAD_STEP && C == c->vocab) printf(" %s %.3f", m->vocab.tokens[best[k]], p[best[k]]);
      else printf(" #%d %.3f", best[k], p[best[k]]);
    }
    printf("\n");
  }
  printf("\ngradient norms, top layer, forward direction (J = batch loss; J_last = loss at t=%d alone)\n",
         tr->last_scored);
  int ld = (c->layers - 1) * m->D;
  size_t o = (size_t)ld * T;
  printf("%4s  %12s  %12s  %14s\n", "t", "|dJ/dh(t)|", "|dJlast/dh(t)|", "|dJ/dW_hh at t|");
  for (int t = 0; t < T; t++)
    printf("%4d  %12.4g  %12.4g  %14.4g\n", t, tr->dh_norm[o + t], tr->dhT_norm[o + t], tr->dwhh_norm[o + t]);
}

typedef struct {
  const char *path, *text, *grads;
  int json;
  int tokens[MAX_TOKENS], targets[MAX_TOKENS];
  int ntok, ntgt; /* ntgt -1: no --targets */
} inspect_args;

/* Returns 0 to go on, -1 after printing the help, 2 on a usage error (message printed). */
static int parse_inspect_args(inspect_args *a, int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i], *v;
    if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
      inspect_help(stdout);
      return -1;
    } else if (!strcmp(o, "--json")) {
      a->json = 1;
    } else if (!strcmp(o, "--tokens")) {
      if (!(v = arg_value("inspect", argc, argv, &i)) || arg_int_list("inspect", o, v, a->tokens, MAX_TOKENS, &a->ntok))
        return 2;
    } else if (!strcmp(o, "--targets")) {
      if (!(v = arg_value("inspect", argc, argv, &i)) || arg_int_list("inspect", o, v, a->targets, MAX_TOKENS, &a->ntgt))
        return 2;
    } else if (!strcmp(o, "--text")) {
      if (!(a->text = arg_value("inspect", argc, argv, &i))) return 2;
    } else if (!strcmp(o, "--grads")) {
      if (!(a->grads = arg_value("inspect", argc, argv, &i))) return 2;
    } else if (o[0] == '-' && o[1]) {
      fprintf(stderr, "rnnlab inspect: unknown option '%s' (see rnnlab inspect --help)\n", o);
      return 2;
    } else if (!a->path) {
      a->path = o;
    } else {
      fprintf(stderr, "rnnlab inspect: unexpected argument '%s'\n", o);
      return 2;
    }
  }
  if (!a->path) {
    fprintf(stderr, "rnnlab inspect: give a model file (see rnnlab inspect --help)\n");
    return 2;
  }
  if (!a->text && a->ntok == 0) {
    fprintf(stderr, "rnnlab inspect: give the sequence with --tokens 3,1,4 or --text \"...\"\n");
    return 2;
  }
  if (a->text && a->ntok) {
    fprintf(stderr, "rnnlab inspect: give either --tokens or --text, not both\n");
    return 2;
  }
  return 0;
}

/* The sequence and its targets against the model: --text encoded, ids in range, targets given or
 * (a language model) the next tokens. 0, or the exit code (message printed). */
static int check_sequence(const rl_model *m, inspect_args *a) {
  rl_error err;
  if (a->text && rl_vocab_encode(&m->vocab, a->text, a->tokens, MAX_TOKENS, &a->ntok, &err)) {
    fprintf(stderr, "rnnlab inspect: %s\n", err.msg);
    return 1;
  }
  const rl_config *c = &m->cfg;
  for (int t = 0; t < a->ntok; t++)
    if (a->tokens[t] < 0 || a->tokens[t] >= c->vocab) {
      fprintf(stderr, "rnnlab inspect: token %d at position %d is outside the vocabulary (0..%d)\n", a->tokens[t], t,
              c->vocab - 1);
      return 2;
    }
  int want = c->head == RL_HEAD_FINAL ? 1 : a->ntok;
  if (a->ntgt < 0) {
    for (int t = 0; t < a->ntok; t++) a->targets[t] = -1;
    if (c->head == RL_HEAD_STEP && c->classes == c->vocab)
      for (int t = 0; t + 1 < a->ntok; t++) a->targets[t] = a->tokens[t + 1];
  } else if (a->ntgt != want) {
    fprintf(stderr, "rnnlab inspect: --targets has %d values; this %s-head model needs %d\n", a->ntgt,
            rl_head_name(c->head), want);
    return 2;
  }
  for (int t = 0; t < want; t++)
    if (a->targets[t] < -1 || a->targets[t] >= c->classes) {
      fprintf(stderr, "rnnlab inspect: target %d at position %d is outside the classes (-1 or 0..%d)\n",
              a->targets[t], t, c->classes - 1);
      return 2;
    }
  return 0;
}

/* One traced forward and backward pass, printed; --grads written. The exit code. */
static int inspect(rl_model *m, const inspect_args *a) {
  rl_error err;
  m->trace_example = 0;
  rl_batch b = {1, a->ntok, a->tokens, a->targets, NULL, NULL};
  float loss;
  if (rl_model_forward(m, &b, &loss, &err) || rl_model_backward(m, &err)) {
    fprintf(stderr, "rnnlab inspect: %s\n", err.msg);
    return 1;
  }
  if (!isfinite(loss) || !m->trace.valid) {
    fprintf(stderr, "rnnlab inspect: %s: the model's outputs are not finite on this sequence (loss %g)\n", a->path,
            loss);
    return 1;
  }
  if (a->json) print_json(m, a->tokens, a->targets, a->ntok, loss);
  else print_human(m, a->tokens, a->ntok, loss);
  if (a->grads) {
    if (rl_model_save_grads(m, a->grads, &err)) {
      fprintf(stderr, "rnnlab inspect: %s\n", err.msg);
      return 1;
    }
    if (!a->json) printf("\nwrote parameter gradients to %s\n", a->grads);
  }
  return 0;
}

int cmd_inspect(int argc, char **argv) {
  static inspect_args a; /* the token buffers are large */
  memset(&a, 0, sizeof a);
  a.ntgt = -1;
  int rc = parse_inspect_args(&a, argc, argv);
  if (rc) return rc < 0 ? 0 : rc;
  rl_error err;
  rl_model *m;
  if (rl_model_load(a.path, &m, &err)) {
    fprintf(stderr, "rnnlab inspect: %s\n", err.msg);
    return 1;
  }
  rc = check_sequence(m, &a);
  if (!rc) rc = inspect(m, &a);
  rl_model_free(m);
  return rc;
}
