#include "cli_args.h"
#include "draw/colormap.h"
#include "host/files.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* "rnnlab CMD" for messages; just "rnnlab" when the command is the program itself. */
static const char *who(const char *cmd) {
  static char buf[64];
  if (!cmd || !*cmd || !strcmp(cmd, "rnnlab")) return "rnnlab";
  snprintf(buf, sizeof buf, "rnnlab %s", cmd);
  return buf;
}

int arg_int(const char *cmd, const char *opt, const char *val, long lo, long hi, int *out) {
  char *end;
  errno = 0;
  long v = strtol(val, &end, 10);
  if (errno || end == val || *end) {
    fprintf(stderr, "%s: %s expects a whole number, not '%s'\n", who(cmd), opt, val);
    return -1;
  }
  if (v < lo || v > hi) {
    fprintf(stderr, "%s: %s must be between %ld and %ld, not %ld\n", who(cmd), opt, lo, hi, v);
    return -1;
  }
  *out = (int)v;
  return 0;
}

int arg_float(const char *cmd, const char *opt, const char *val, double lo, double hi, float *out) {
  char *end;
  errno = 0;
  double v = strtod(val, &end);
  if (errno || end == val || *end || !isfinite(v)) {
    fprintf(stderr, "%s: %s expects a number, not '%s'\n", who(cmd), opt, val);
    return -1;
  }
  if (v < lo || v > hi) {
    fprintf(stderr, "%s: %s must be between %g and %g, not %g\n", who(cmd), opt, lo, hi, v);
    return -1;
  }
  *out = (float)v;
  return 0;
}

int arg_u64(const char *cmd, const char *opt, const char *val, uint64_t *out) {
  char *end;
  errno = 0;
  const char *p = val;
  while (*p == ' ' || (*p >= '\t' && *p <= '\r')) p++; /* strtoull skips these, then reads "-1" as 2^64 - 1 */
  if (*p == '-') {
    fprintf(stderr, "%s: %s expects a non-negative whole number, not '%s'\n", who(cmd), opt, val);
    return -1;
  }
  unsigned long long v = strtoull(val, &end, 10);
  if (errno || end == val || *end) {
    fprintf(stderr, "%s: %s expects a non-negative whole number, not '%s'\n", who(cmd), opt, val);
    return -1;
  }
  *out = (uint64_t)v;
  return 0;
}

int arg_int_list(const char *cmd, const char *opt, const char *val, int *out, int max, int *n) {
  *n = 0;
  const char *p = val;
  while (*p) {
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (errno || end == p || (*end && *end != ',') || v < INT_MIN || v > INT_MAX) {
      fprintf(stderr, "%s: %s expects comma-separated whole numbers, not '%s'\n", who(cmd), opt, val);
      return -1;
    }
    if (*n >= max) {
      fprintf(stderr, "%s: %s has more than %d values\n", who(cmd), opt, max);
      return -1;
    }
    out[(*n)++] = (int)v;
    p = *end ? end + 1 : end;
    if (*end == ',' && !*p) {
      fprintf(stderr, "%s: %s ends with a comma\n", who(cmd), opt);
      return -1;
    }
  }
  if (*n == 0) {
    fprintf(stderr, "%s: %s is empty\n", who(cmd), opt);
    return -1;
  }
  return 0;
}

const char *arg_value(const char *cmd, int argc, char **argv, int *i) {
  if (*i + 1 >= argc) {
    fprintf(stderr, "%s: %s needs a value\n", who(cmd), argv[*i]);
    return NULL;
  }
  return argv[++*i];
}

void model_opts_default(model_opts *o) {
  memset(o, 0, sizeof *o);
  o->cfg = rl_config_default();
  o->init = rl_init_default(1);
}

int model_opts_parse(model_opts *o, const char *cmd, int argc, char **argv, int *i) {
  const char *a = argv[*i], *v;
  rl_config *c = &o->cfg;
  if (!strcmp(a, "--bidirectional")) return c->bidirectional = 1, 1;
  if (!strcmp(a, "--residual")) return c->residual = 1, 1;
  static const char *const WITH_VALUE[] = {"--cell", "--nonlinearity", "--vocab", "--embed", "--hidden", "--layers",
                                           "--head", "--classes", "--seed", "--init", "--spectral-radius",
                                           "--forget-bias"};
  int known = 0;
  for (size_t k = 0; k < sizeof WITH_VALUE / sizeof *WITH_VALUE; k++) known |= !strcmp(a, WITH_VALUE[k]);
  if (!known) return 0;
  if (!(v = arg_value(cmd, argc, argv, i))) return -1;
  if (!strcmp(a, "--cell")) {
    if (rl_cell_parse(v, &c->cell)) {
      fprintf(stderr, "%s: unknown cell '%s' (expected rnn, lstm or gru)\n", who(cmd), v);
      return -1;
    }
  } else if (!strcmp(a, "--nonlinearity")) {
    if (rl_nonlin_parse(v, &c->nonlin)) {
      fprintf(stderr, "%s: unknown nonlinearity '%s' (expected tanh, relu or sigmoid)\n", who(cmd), v);
      return -1;
    }
  } else if (!strcmp(a, "--head")) {
    if (rl_head_parse(v, &c->head)) {
      fprintf(stderr, "%s: unknown head '%s' (expected step or final)\n", who(cmd), v);
      return -1;
    }
  } else if (!strcmp(a, "--init")) {
    if (rl_init_parse(v, &o->init.recurrent)) {
      fprintf(stderr, "%s: unknown initialisation '%s' (expected pytorch, orthogonal or identity)\n", who(cmd), v);
      return -1;
    }
  } else if (!strcmp(a, "--vocab")) {
    if (arg_int(cmd, a, v, 1, RL_MAX_VOCAB, &c->vocab)) return -1;
  } else if (!strcmp(a, "--embed")) {
    if (arg_int(cmd, a, v, 1, RL_MAX_WIDTH, &c->embed)) return -1;
  } else if (!strcmp(a, "--hidden")) {
    if (arg_int(cmd, a, v, 1, RL_MAX_WIDTH, &c->hidden)) return -1;
  } else if (!strcmp(a, "--layers")) {
    if (arg_int(cmd, a, v, 1, RL_MAX_LAYERS, &c->layers)) return -1;
  } else if (!strcmp(a, "--classes")) {
    if (arg_int(cmd, a, v, 1, RL_MAX_VOCAB, &c->classes)) return -1;
    o->classes_given = 1;
  } else if (!strcmp(a, "--seed")) {
    if (arg_u64(cmd, a, v, &o->init.seed)) return -1;
  } else if (!strcmp(a, "--spectral-radius")) {
    if (arg_float(cmd, a, v, 0.0, 100.0, &o->init.spectral_radius)) return -1;
  } else if (!strcmp(a, "--forget-bias")) {
    if (arg_float(cmd, a, v, -100.0, 100.0, &o->init.forget_bias)) return -1;
  }
  return 1;
}

int model_opts_finish(model_opts *o, const char *cmd) {
  if (!o->classes_given) o->cfg.classes = o->cfg.head == RL_HEAD_STEP ? o->cfg.vocab : 2;
  if (o->cfg.classes < 2) {
    fprintf(stderr, "%s: the %s head needs at least 2 classes, not %d: a softmax over one class always "
                    "gives it probability 1, so there is nothing to learn (%s)\n",
            who(cmd), o->cfg.head == RL_HEAD_STEP ? "step" : "final", o->cfg.classes,
            o->classes_given ? "use --classes 2 or more" : "use --vocab 2 or more");
    return -1;
  }
  rl_error err;
  if (rl_config_check(&o->cfg, &err)) {
    fprintf(stderr, "%s: %s\n", who(cmd), err.msg);
    return -1;
  }
  return 0;
}

void model_opts_help(FILE *f) {
  fprintf(f,
          "Model options:\n"
          "  --cell rnn|lstm|gru         recurrent cell (default lstm)\n"
          "  --nonlinearity tanh|relu|sigmoid   vanilla RNN activation (default tanh)\n"
          "  --vocab V --embed E --hidden H --layers L   sizes (defaults 16, 16, 32, 1)\n"
          "  --bidirectional             add a backward-direction RNN per layer\n"
          "  --residual                  skip connections between stacked layers\n"
          "  --head step|final           per-timestep outputs or one per sequence (default step)\n"
          "  --classes C                 head outputs (default: V for step, 2 for final)\n"
          "  --seed S                    initialisation seed (default 1)\n"
          "  --init pytorch|orthogonal|identity   recurrent weight initialisation\n"
          "  --spectral-radius R         rescale each recurrent block to spectral radius R\n"
          "  --forget-bias B             LSTM forget-gate bias\n");
}

void cli_load_colormaps(void) {
  rl_error err;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/colormaps", host_assets_dir());
  colormap_load_dir(dir, &err); /* falls back to the built-in tables */
}
