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

int cmd_inspect(int argc, char **argv) {
  const char *path = NULL, *text = NULL, *grads = NULL;
  int json = 0;
  static int tokens[MAX_TOKENS], targets[MAX_TOKENS];
  int ntok = 0, ntgt = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      inspect_help(stdout);
      return 0;
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--tokens")) {
      if (!(v = arg_value("inspect", argc, argv, &i)) || arg_int_list("inspect", a, v, tokens, MAX_TOKENS, &ntok))
        return 2;
    } else if (!strcmp(a, "--targets")) {
      if (!(v = arg_value("inspect", argc, argv, &i)) || arg_int_list("inspect", a, v, targets, MAX_TOKENS, &ntgt))
        return 2;
    } else if (!strcmp(a, "--text")) {
      if (!(text = arg_value("inspect", argc, argv, &i))) return 2;
    } else if (!strcmp(a, "--grads")) {
      if (!(grads = arg_value("inspect", argc, argv, &i))) return 2;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "rnnlab inspect: unknown option '%s' (see rnnlab inspect --help)\n", a);
      return 2;
    } else if (!path) {
      path = a;
    } else {
      fprintf(stderr, "rnnlab inspect: unexpected argument '%s'\n", a);
      return 2;
    }
  }
  if (!path) {
    fprintf(stderr, "rnnlab inspect: give a model file (see rnnlab inspect --help)\n");
    return 2;
  }
  if (!text && ntok == 0) {
    fprintf(stderr, "rnnlab inspect: give the sequence with --tokens 3,1,4 or --text \"...\"\n");
    return 2;
  }
  if (text && ntok) {
    fprintf(stderr, "rnnlab inspect: give either --tokens or --text, not both\n");
    return 2;
  }
  rl_error err;
  rl_model *m;
  if (rl_model_load(path, &m, &err)) {
    fprintf(stderr, "rnnlab inspect: %s\n", err.msg);
    return 1;
  }
  int rc = 1;
  if (text && rl_vocab_encode(&m->vocab, text, tokens, MAX_TOKENS, &ntok, &err)) {
    fprintf(stderr, "rnnlab inspect: %s\n", err.msg);
    goto done;
  }
  const rl_config *c = &m->cfg;
  for (int t = 0; t < ntok; t++)
    if (tokens[t] < 0 || tokens[t] >= c->vocab) {
      fprintf(stderr, "rnnlab inspect: token %d at position %d is outside the vocabulary (0..%d)\n", tokens[t], t,
              c->vocab - 1);
      rc = 2;
      goto done;
    }
  int want = c->head == RL_HEAD_FINAL ? 1 : ntok;
  if (ntgt < 0) {
    for (int t = 0; t < ntok; t++) targets[t] = -1;
    if (c->head == RL_HEAD_STEP && c->classes == c->vocab)
      for (int t = 0; t + 1 < ntok; t++) targets[t] = tokens[t + 1];
  } else if (ntgt != want) {
    fprintf(stderr, "rnnlab inspect: --targets has %d values; this %s-head model needs %d\n", ntgt,
            rl_head_name(c->head), want);
    rc = 2;
    goto done;
  }
  for (int t = 0; t < want; t++)
    if (targets[t] < -1 || targets[t] >= c->classes) {
      fprintf(stderr, "rnnlab inspect: target %d at position %d is outside the classes (-1 or 0..%d)\n", targets[t],
              t, c->classes - 1);
      rc = 2;
      goto done;
    }
  m->trace_example = 0;
  rl_batch b = {1, ntok, tokens, targets, NULL, NULL};
  float loss;
  if (rl_model_forward(m, &b, &loss, &err) || rl_model_backward(m, &err)) {
    fprintf(stderr, "rnnlab inspect: %s\n", err.msg);
    goto done;
  }
  if (!isfinite(loss) || !m->trace.valid) {
    fprintf(stderr, "rnnlab inspect: %s: the model's outputs are not finite on this sequence (loss %g)\n", path, loss);
    goto done;
  }
  if (json) print_json(m, tokens, targets, ntok, loss);
  else print_human(m, tokens, ntok, loss);
  if (grads) {
    if (rl_model_save_grads(m, grads, &err)) {
      fprintf(stderr, "rnnlab inspect: %s\n", err.msg);
      goto done;
    }
    if (!json) printf("\nwrote parameter gradients to %s\n", grads);
  }
  rc = 0;
done:
  rl_model_free(m);
  return rc;
}
