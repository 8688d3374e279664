/* Lesson file parser. See lesson.h and the "Writing a lesson" section of README.md. */
#include "lesson.h"
#include "explorer/panel.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---------------------------------------------------------------------------------------------
 * The names a lesson may use. Adjust here; everything else (parsing, messages, docs) follows.
 * ------------------------------------------------------------------------------------------- */

static const struct {
  const char *name;
  rl_cell cell;
  rl_nonlin nonlin;
} CELLS[] = {
    {"rnn-tanh", RL_CELL_RNN, RL_ACT_TANH}, {"rnn-relu", RL_CELL_RNN, RL_ACT_RELU},
    {"rnn-sigmoid", RL_CELL_RNN, RL_ACT_SIGMOID}, {"lstm", RL_CELL_LSTM, RL_ACT_TANH},
    {"gru", RL_CELL_GRU, RL_ACT_TANH}, {"rnn", RL_CELL_RNN, RL_ACT_TANH}, /* alias last */
};
#define NCELLS_LISTED 5 /* entries shown in "expected one of" */

typedef enum { OPT_INT, OPT_NUM, OPT_ENUM, OPT_FLAG, OPT_WORD } opt_kind;

typedef struct {
  const char *key;
  opt_kind kind;
  double min, max;    /* INT, NUM: inclusive range */
  const char *values; /* ENUM: space-separated choices */
} opt_spec;

/* Options written after a cell name on a models: line (the explorer's tr_model_spec). */
static const opt_spec MODEL_OPTS[] = {
    {"hidden", OPT_INT, 1, 1024, NULL},
    {"layers", OPT_INT, 1, 8, NULL},
    {"bidir", OPT_FLAG, 0, 0, NULL},
    {"residual", OPT_FLAG, 0, 0, NULL},
    {"clip", OPT_NUM, 0, 1e6, NULL}, /* this model's gradient clipping (0 = none) */
};

/* Tasks and the options each accepts on a task: line (engine/tasks.h, rl_task_opts). */
static const opt_spec RECALL_OPTS[] = {
    {"distance", OPT_INT, 1, 1000, NULL},   /* length: distractors between key and query */
    {"keys", OPT_INT, 2, 1000, NULL},
    {"distractors", OPT_INT, 1, 1000, NULL},
};
static const opt_spec AGREEMENT_OPTS[] = {
    {"attractors", OPT_INT, 0, 8, NULL},    /* exactly k attractors in every sentence */
    {"max-attractors", OPT_INT, 0, 8, NULL},
};
static const opt_spec ORDER_OPTS[] = {
    {"length", OPT_INT, 8, 1000, NULL},
    {"distractors", OPT_INT, 1, 26, NULL},
};
static const opt_spec SENTIMENT_OPTS[] = {
    {"per-token", OPT_FLAG, 0, 0, NULL},
    {"classes", OPT_INT, 2, 3, NULL},
};
static const opt_spec LM_OPTS[] = {
    {"level", OPT_ENUM, 0, 0, "char word"},
    {"data", OPT_WORD, 0, 0, NULL},         /* a UTF-8 text file; none = built-in sentences */
    {"length", OPT_INT, 2, 1000, NULL},     /* BPTT chunk length */
};
static const struct {
  const char *name;
  const opt_spec *opts;
  int nopts;
} TASKS[] = {
    {"recall", RECALL_OPTS, N_OF(RECALL_OPTS)},
    {"agreement", AGREEMENT_OPTS, N_OF(AGREEMENT_OPTS)},
    {"order", ORDER_OPTS, N_OF(ORDER_OPTS)},
    {"sentiment", SENTIMENT_OPTS, N_OF(SENTIMENT_OPTS)},
    {"lm", LM_OPTS, N_OF(LM_OPTS)},
};

/* Sidebar sliders and choices a step may set (set: key=value ...). */
static const opt_spec SLIDERS[] = {
    {"lr", OPT_NUM, 1e-6, 10, NULL},
    {"clip", OPT_NUM, 0, 1000, NULL}, /* 0 = no clipping */
    {"optimizer", OPT_ENUM, 0, 0, "sgd momentum adam"},
    {"hidden", OPT_INT, 1, 1024, NULL},
    {"distance", OPT_INT, 1, 1000, NULL},
    {"radius", OPT_NUM, 0, 10, NULL},
    {"forget-bias", OPT_NUM, -20, 20, NULL}, /* LSTM forget-gate bias at initialisation */
    {"init", OPT_ENUM, 0, 0, "pytorch orthogonal identity"},
    {"embed", OPT_INT, 1, 1024, NULL},
    {"batch", OPT_INT, 1, 4096, NULL},
    {"seed", OPT_INT, 0, 2147483647.0, NULL},
    {"speed", OPT_INT, 0, 8, NULL},          /* the explorer's speed level, 0 = slowest */
};


/* LSTM gates in the engine's order i, f, g, o; long and short names. */
static const char *const GATE_LONG[4] = {"input", "forget", "candidate", "output"};
static const char *const GATE_SHORT[4] = {"i", "f", "g", "o"};

static const char *const STEP_KEYS = "say, models, task, text, show, highlight, set, do";
static int is_step_key(const char *k) {
  static const char *const keys[] = {"say", "models", "task", "text", "show", "highlight", "set", "do"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (!strcmp(keys[i], k)) return 1;
  return 0;
}
static const char *const ACTIONS = "train N, select T|last, clamp ..., bptt T, reset, play, pause";

/* --------------------------------------------------------------------------------------------- */

#define MAX_TOKENS 48

typedef struct {
  const char *name;
  int line;
  rl_error *err;
} ctx;

static int fail_at(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_at(ctx *c, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (c->line > 0)
    return rl_fail(c->err, "%.100s:%d: %s", c->name, c->line, msg);
  return rl_fail(c->err, "%.100s: %s", c->name, msg);
}

static void copy_str(char *dst, size_t n, const char *src) {
  size_t k = strlen(src);
  if (k >= n) k = n - 1;
  memcpy(dst, src, k);
  dst[k] = 0;
}

/* A quoted token for messages: at most 40 bytes, cut on a UTF-8 boundary. */
static const char *shown(const char *s, char buf[48]) {
  size_t k = strlen(s);
  if (k <= 40) {
    memcpy(buf, s, k + 1);
    return buf;
  }
  k = 37;
  while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
  memcpy(buf, s, k);
  memcpy(buf + k, "...", 4);
  return buf;
}

static int valid_utf8(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char b = s[i];
    int extra;
    unsigned cp;
    if (b < 0x80) { i++; continue; }
    if (b >= 0xC2 && b <= 0xDF) { extra = 1; cp = b & 0x1F; }
    else if (b >= 0xE0 && b <= 0xEF) { extra = 2; cp = b & 0x0F; }
    else if (b >= 0xF0 && b <= 0xF4) { extra = 3; cp = b & 0x07; }
    else return 0;
    if (i + (size_t)extra >= n) return 0;
    for (int k = 1; k <= extra; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    i += (size_t)extra + 1;
  }
  return 1;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = 0;
  return s;
}

/* Splits s in place on spaces, tabs and commas. Returns the count, or -1 if more than max. */
static int split(char *s, char **tok, int max) {
  int n = 0;
  for (;;) {
    while (*s == ' ' || *s == '\t' || *s == ',') s++;
    if (!*s) return n;
    if (n == max) return -1;
    tok[n++] = s;
    while (*s && *s != ' ' && *s != '\t' && *s != ',') s++;
    if (*s) *s++ = 0;
  }
}

static int parse_num(const char *s, double *out) {
  if (!*s) return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (*end || errno == ERANGE || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

static void list_names(char *buf, size_t n, const char *const *names, int count) {
  buf[0] = 0;
  for (int i = 0; i < count; i++) {
    size_t k = strlen(buf);
    snprintf(buf + k, n - k, "%s%s", i ? ", " : "", names[i]);
  }
}

static void list_opts(char *buf, size_t n, const opt_spec *o, int count) {
  const char *names[32] = {0};
  int m = count < 32 ? count : 32;
  for (int i = 0; i < m; i++) names[i] = o[i].key;
  list_names(buf, n, names, m);
  if (count == 0) copy_str(buf, n, "none");
}

static int enum_has(const char *values, const char *v) {
  size_t k = strlen(v);
  const char *p = values;
  while (*p) {
    const char *e = strchr(p, ' ');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == k && !strncmp(p, v, k)) return 1;
    if (!e) break;
    p = e + 1;
  }
  return 0;
}

/* Parses "key=value" (or a bare flag) against a table into kv. what names the table in messages. */
static int parse_kv(ctx *c, const char *tok, const opt_spec *specs, int nspecs, const char *what,
                    rl_lesson_kv *kv) {
  char b1[48], b2[48], list[400];
  char key[64];
  const char *eq = strchr(tok, '=');
  size_t klen = eq ? (size_t)(eq - tok) : strlen(tok);
  if (klen >= sizeof key) klen = sizeof key - 1;
  memcpy(key, tok, klen);
  key[klen] = 0;
  const char *val = eq ? eq + 1 : NULL;
  const opt_spec *o = NULL;
  for (int i = 0; i < nspecs; i++)
    if (!strcmp(specs[i].key, key)) o = &specs[i];
  if (!o) {
    list_opts(list, sizeof list, specs, nspecs);
    return fail_at(c, "unknown %s '%s'; expected one of %s", what, shown(key, b1), list);
  }
  memset(kv, 0, sizeof *kv);
  copy_str(kv->key, sizeof kv->key, o->key);
  if (o->kind == OPT_FLAG) {
    if (val && strcmp(val, "1") && strcmp(val, "0"))
      return fail_at(c, "'%s' is a flag: write '%s' alone (or %s=0, %s=1)", o->key, o->key, o->key, o->key);
    kv->num = val ? atof(val) : 1;
    kv->is_num = 1;
    copy_str(kv->value, sizeof kv->value, val ? val : "1");
    return 0;
  }
  if (!val || !*val)
    return fail_at(c, "%s '%s' needs a value, e.g. %s=%s", what, o->key, o->key,
                   o->kind == OPT_ENUM ? "..." : o->kind == OPT_WORD ? "file.txt" : "1");
  if (strlen(val) >= sizeof kv->value) return fail_at(c, "value of '%s' is too long", o->key);
  copy_str(kv->value, sizeof kv->value, val);
  if (o->kind == OPT_ENUM) {
    if (!enum_has(o->values, val))
      return fail_at(c, "bad value '%s' for '%s'; expected one of %s", shown(val, b2), o->key, o->values);
    return 0;
  }
  if (o->kind == OPT_WORD) return 0;
  double v;
  if (parse_num(val, &v))
    return fail_at(c, "bad value '%s' for '%s'; expected a number", shown(val, b2), o->key);
  if (o->kind == OPT_INT && v != floor(v))
    return fail_at(c, "bad value '%s' for '%s'; expected a whole number", shown(val, b2), o->key);
  if (v < o->min || v > o->max)
    return fail_at(c, "value %s for '%s' is out of range; expected %g to %g", shown(val, b2), o->key,
                   o->min, o->max);
  kv->num = v;
  kv->is_num = 1;
  return 0;
}

/* Adds or replaces kv in a list (a later setting of the same key wins). */
static int kv_put(rl_lesson_kv *list, int *n, int max, const rl_lesson_kv *kv) {
  for (int i = 0; i < *n; i++)
    if (!strcmp(list[i].key, kv->key)) {
      list[i] = *kv;
      return 0;
    }
  if (*n >= max) return -1;
  list[(*n)++] = *kv;
  return 0;
}

static int find_cell(const char *s) {
  for (int i = 0; i < N_OF(CELLS); i++)
    if (!strcmp(CELLS[i].name, s)) return i;
  return -1;
}

static void cells_list(char *buf, size_t n) {
  const char *names[NCELLS_LISTED];
  for (int i = 0; i < NCELLS_LISTED; i++) names[i] = CELLS[i].name;
  list_names(buf, n, names, NCELLS_LISTED);
}

static void model_defaults(rl_lesson_model *m) { memset(m, 0, sizeof *m); }

/* models: CELL [opt ...] CELL [opt ...] ... (a cell name starts a new slot; "none" = empty slot) */
static int parse_models(ctx *c, char **tok, int n, rl_lesson_step *st) {
  char b[48], list[300];
  int slot = -1;
  for (int i = 0; i < RL_LESSON_MAX_MODELS; i++) model_defaults(&st->models[i]);
  if (n == 0) {
    cells_list(list, sizeof list);
    return fail_at(c, "'models:' needs at least one cell; expected one of %s", list);
  }
  for (int i = 0; i < n; i++) {
    int ci = find_cell(tok[i]);
    if (ci >= 0 || !strcmp(tok[i], "none")) {
      if (++slot >= RL_LESSON_MAX_MODELS)
        return fail_at(c, "too many models: the explorer has %d model slots", RL_LESSON_MAX_MODELS);
      if (ci >= 0) {
        st->models[slot].used = 1;
        st->models[slot].cell = CELLS[ci].cell;
        st->models[slot].nonlin = CELLS[ci].nonlin;
      }
      continue;
    }
    if (slot < 0 || strchr(tok[i], '=') == NULL) {
      /* Not an option (options have '=' or are flags) and not a cell name. */
      int is_flag = 0;
      for (int k = 0; k < N_OF(MODEL_OPTS); k++)
        if (MODEL_OPTS[k].kind == OPT_FLAG && !strcmp(MODEL_OPTS[k].key, tok[i])) is_flag = 1;
      if (!is_flag || slot < 0) {
        cells_list(list, sizeof list);
        return fail_at(c, "unknown cell '%s'; expected one of %s, none", shown(tok[i], b), list);
      }
    }
    if (!st->models[slot].used)
      return fail_at(c, "option '%s' follows 'none'; options belong to a cell", shown(tok[i], b));
    rl_lesson_kv kv;
    if (parse_kv(c, tok[i], MODEL_OPTS, N_OF(MODEL_OPTS), "model option", &kv)) return -1;
    rl_lesson_model *m = &st->models[slot];
    if (!strcmp(kv.key, "hidden")) m->hidden = (int)kv.num;
    else if (!strcmp(kv.key, "layers")) m->layers = (int)kv.num;
    else if (!strcmp(kv.key, "bidir")) m->bidirectional = kv.num != 0;
    else if (!strcmp(kv.key, "residual")) m->residual = kv.num != 0;
    else if (!strcmp(kv.key, "clip")) m->has_clip = 1, m->clip = (float)kv.num;
  }
  st->has_models = 1;
  return 0;
}

static int parse_task(ctx *c, char **tok, int n, rl_lesson_step *st) {
  char b[48], list[200];
  const char *names[N_OF(TASKS)];
  for (int i = 0; i < N_OF(TASKS); i++) names[i] = TASKS[i].name;
  list_names(list, sizeof list, names, N_OF(TASKS));
  if (n == 0) return fail_at(c, "'task:' needs a task name; expected one of %s", list);
  int ti = -1;
  for (int i = 0; i < N_OF(TASKS); i++)
    if (!strcmp(TASKS[i].name, tok[0])) ti = i;
  if (ti < 0) return fail_at(c, "unknown task '%s'; expected one of %s", shown(tok[0], b), list);
  copy_str(st->task, sizeof st->task, TASKS[ti].name);
  st->ntask_opts = 0;
  char what[64];
  snprintf(what, sizeof what, "%s option", TASKS[ti].name);
  for (int i = 1; i < n; i++) {
    rl_lesson_kv kv;
    if (parse_kv(c, tok[i], TASKS[ti].opts, TASKS[ti].nopts, what, &kv)) return -1;
    if (kv_put(st->task_opts, &st->ntask_opts, RL_LESSON_MAX_OPTIONS, &kv))
      return fail_at(c, "too many task options (max %d)", RL_LESSON_MAX_OPTIONS);
  }
  st->has_task = 1;
  return 0;
}

static int parse_panels(ctx *c, char **tok, int n, const char *key, unsigned *bits) {
  char b[48], list[300];
  list_names(list, sizeof list, rl_panel_names(), RL_PANEL_COUNT);
  if (n == 0) return fail_at(c, "'%s:' needs at least one panel; expected %s", key, list);
  for (int i = 0; i < n; i++) {
    rl_panel p;
    if (!strcmp(tok[i], "all") && !strcmp(key, "show")) {
      *bits |= (1u << RL_PANEL_COUNT) - 1;
      continue;
    }
    if (rl_panel_parse(tok[i], &p))
      return fail_at(c, "unknown panel '%s'; expected one of %s%s", shown(tok[i], b), list,
                     !strcmp(key, "show") ? ", all" : "");
    *bits |= (unsigned)p;
  }
  return 0;
}

static int parse_long(const char *s, long lo, long hi, long *out) {
  double v;
  if (parse_num(s, &v) || v != floor(v) || v < (double)lo || v > (double)hi) return -1;
  *out = (long)v;
  return 0;
}

static int parse_clamp(ctx *c, char **tok, int n, rl_lesson_action *a) {
  char b[48];
  for (int g = 0; g < 4; g++) a->clamp[g] = NAN;
  if (n == 0)
    return fail_at(c, "'clamp' needs gates, e.g. 'clamp forget=1 input=0 from=2', 'clamp keep', "
                      "'clamp erase' or 'clamp off'");
  a->clamp_from = 0;
  for (int i = 0; i < n; i++) {
    /* keep and erase start at the second word: the first one (a key) writes the cell first */
    if (!strcmp(tok[i], "keep")) { a->clamp[1] = 1; a->clamp[0] = 0; a->clamp_from = 1; continue; }
    if (!strcmp(tok[i], "erase")) { a->clamp[1] = 0; a->clamp_from = 1; continue; }
    if (!strcmp(tok[i], "off")) { for (int g = 0; g < 4; g++) a->clamp[g] = NAN; continue; }
    char *eq = strchr(tok[i], '=');
    if (eq) *eq = 0;
    if (!strcmp(tok[i], "from")) {
      long w;
      if (!eq || parse_long(eq + 1, 1, RL_MAX_TIME, &w))
        return fail_at(c, "'from' needs the first clamped word, counting from 1, e.g. from=2");
      a->clamp_from = (int)w - 1;
      continue;
    }
    int gate = -1;
    for (int g = 0; g < 4; g++)
      if (!strcmp(tok[i], GATE_LONG[g]) || !strcmp(tok[i], GATE_SHORT[g])) gate = g;
    if (gate < 0)
      return fail_at(c, "unknown gate '%s'; expected input, forget, candidate, output (or i, f, g, o), "
                        "keep, erase or off", shown(tok[i], b));
    if (!eq || !eq[1])
      return fail_at(c, "gate '%s' needs a value, e.g. %s=1 (a number from 0 to 1, or 'free')",
                     GATE_LONG[gate], GATE_LONG[gate]);
    if (!strcmp(eq + 1, "free")) { a->clamp[gate] = NAN; continue; }
    double v;
    double lo = gate == 2 ? -1 : 0;
    if (parse_num(eq + 1, &v) || v < lo || v > 1)
      return fail_at(c, "bad value '%s' for gate %s; expected a number from %g to 1, or 'free'",
                     shown(eq + 1, b), GATE_LONG[gate], lo);
    a->clamp[gate] = (float)v;
  }
  return 0;
}

static int parse_action(ctx *c, char **tok, int n, rl_lesson_step *st) {
  char b[48];
  if (n == 0) return fail_at(c, "'do:' needs an action; expected one of %s", ACTIONS);
  if (st->nactions >= RL_LESSON_MAX_ACTIONS)
    return fail_at(c, "too many actions in one step (max %d)", RL_LESSON_MAX_ACTIONS);
  rl_lesson_action *a = &st->actions[st->nactions];
  memset(a, 0, sizeof *a);
  for (int g = 0; g < 4; g++) a->clamp[g] = NAN;
  const char *verb = tok[0];
  int nargs_max = 1;
  if (!strcmp(verb, "train")) {
    a->kind = RL_ACT_TRAIN;
    if (n < 2 || parse_long(tok[1], 1, RL_LESSON_MAX_TRAIN, &a->n))
      return fail_at(c, "'train' needs a number of steps from 1 to %d, e.g. 'do: train 200'",
                     RL_LESSON_MAX_TRAIN);
  } else if (!strcmp(verb, "select") || !strcmp(verb, "bptt")) {
    a->kind = verb[0] == 's' ? RL_ACT_SELECT : RL_ACT_BPTT;
    /* positions count words from 1, as the screen does; stored from 0 */
    if (n >= 2 && !strcmp(tok[1], "last")) a->n = -1;
    else if (n < 2 || parse_long(tok[1], 1, RL_MAX_TIME, &a->n))
      return fail_at(c, "'%s' needs a word position (1 = the first word) or 'last', e.g. 'do: %s 12'", verb, verb);
    else a->n -= 1;
  } else if (!strcmp(verb, "clamp")) {
    a->kind = RL_ACT_CLAMP;
    if (parse_clamp(c, tok + 1, n - 1, a)) return -1;
    nargs_max = n - 1;
  } else if (!strcmp(verb, "reset") || !strcmp(verb, "play") || !strcmp(verb, "pause")) {
    a->kind = verb[0] == 'r' ? RL_ACT_RESET : verb[1] == 'l' ? RL_ACT_PLAY : RL_ACT_PAUSE;
    nargs_max = 0;
  } else {
    return fail_at(c, "unknown action '%s'; expected one of %s", shown(verb, b), ACTIONS);
  }
  if (n - 1 > nargs_max)
    return fail_at(c, "unexpected '%s' after '%s'; write one action per 'do:' line", shown(tok[1 + nargs_max], b),
                   verb);
  st->nactions++;
  return 0;
}

static int parse_set(ctx *c, char **tok, int n, rl_lesson_step *st) {
  char list[300];
  if (n == 0) {
    list_opts(list, sizeof list, SLIDERS, N_OF(SLIDERS));
    return fail_at(c, "'set:' needs name=value, e.g. 'set: lr=0.01'; names: %s", list);
  }
  for (int i = 0; i < n; i++) {
    rl_lesson_kv kv;
    if (parse_kv(c, tok[i], SLIDERS, N_OF(SLIDERS), "setting", &kv)) return -1;
    if (kv_put(st->sets, &st->nsets, RL_LESSON_MAX_SETS, &kv))
      return fail_at(c, "too many settings in one step (max %d)", RL_LESSON_MAX_SETS);
  }
  return 0;
}

static int set_text(ctx *c, char *dst, const char *value, const char *key) {
  if (strlen(value) >= RL_LESSON_TEXT)
    return fail_at(c, "'%s:' text is too long (max %d bytes); split it over several lines", key,
                   RL_LESSON_TEXT - 1);
  copy_str(dst, RL_LESSON_TEXT, value);
  return 0;
}

void rl_lesson_free(rl_lesson *l) {
  if (!l) return;
  free(l->steps);
  memset(l, 0, sizeof *l);
}

static int check_steps(ctx *c, rl_lesson *l) {
  for (int s = 0; s < l->nsteps; s++) {
    rl_lesson_setup su;
    rl_lesson_resolve(l, s, &su);
    const rl_lesson_step *st = &l->steps[s];
    c->line = st->line;
    unsigned extra = st->highlight & ~su.show;
    if (extra) {
      for (int p = 0; p < RL_PANEL_COUNT; p++)
        if (extra & (1u << p))
          return fail_at(c, "step '%.60s' highlights panel '%s' that is not shown; add it to 'show:'",
                         st->title, rl_panel_name((rl_panel)(1u << p)));
    }
    for (int a = 0; a < st->nactions; a++) {
      if (st->actions[a].kind != RL_ACT_CLAMP) continue;
      int any = 0;
      for (int g = 0; g < 4; g++) any |= !isnan(st->actions[a].clamp[g]);
      int lstm = 0;
      for (int m = 0; m < RL_LESSON_MAX_MODELS; m++)
        lstm |= su.has_models && su.models[m].used && su.models[m].cell == RL_CELL_LSTM;
      if (any && !lstm)
        return fail_at(c, "step '%.60s' clamps gates but has no lstm model; add one to 'models:'", st->title);
    }
  }
  return 0;
}

/* The parse in progress. */
typedef struct {
  ctx c;
  rl_lesson l;
  int cap;               /* steps allocated */
  rl_lesson_step *st;    /* the step being read (NULL: still in the header) */
  int seen_models, seen_task, seen_text; /* single-use directives seen in this step */
} parser;

/* "[step] Title": starts a step. 0, or -1 (message in the error). */
static int parse_step_header(parser *p, char *s) {
  char b[48];
  ctx *c = &p->c;
  char *close = strchr(s, ']');
  if (!close) return fail_at(c, "expected '[step] Title'; missing ']'");
  *close = 0;
  char *kw = trim(s + 1);
  if (strcmp(kw, "step")) return fail_at(c, "unknown section '[%s]'; expected '[step] Title'", shown(kw, b));
  char *title = trim(close + 1);
  if (!*title) return fail_at(c, "'[step]' needs a title after it, e.g. '[step] The forget gate'");
  rl_lesson *l = &p->l;
  if (l->nsteps >= RL_LESSON_MAX_STEPS) return fail_at(c, "too many steps (max %d)", RL_LESSON_MAX_STEPS);
  if (l->nsteps == p->cap) {
    int ncap = p->cap ? p->cap * 2 : 8;
    rl_lesson_step *ns = realloc(l->steps, (size_t)ncap * sizeof *ns);
    if (!ns) return fail_at(c, "out of memory");
    l->steps = ns;
    p->cap = ncap;
  }
  rl_lesson_step *st = p->st = &l->steps[l->nsteps++];
  memset(st, 0, sizeof *st);
  for (int i = 0; i < RL_LESSON_MAX_MODELS; i++) model_defaults(&st->models[i]);
  st->line = c->line;
  p->seen_models = p->seen_task = p->seen_text = 0;
  return set_text(c, st->title, title, "[step]");
}

/* A line of the header, before the first step: lesson, title, summary. */
static int parse_header_line(parser *p, const char *key, const char *value) {
  char b[48];
  ctx *c = &p->c;
  if (!strcmp(key, "lesson")) {
    long num;
    if (parse_long(value, 0, 999, &num))
      return fail_at(c, "'lesson:' needs a lesson number from 0 to 999, got '%s'", shown(value, b));
    p->l.number = (int)num;
    return 0;
  }
  if (!strcmp(key, "title")) {
    if (!*value) return fail_at(c, "'title:' is empty");
    return set_text(c, p->l.title, value, "title");
  }
  if (!strcmp(key, "summary")) return set_text(c, p->l.summary, value, "summary");
  if (is_step_key(key))
    return fail_at(c, "'%s:' before the first step; start a step with '[step] Title'", shown(key, b));
  return fail_at(c, "unknown header '%s'; expected lesson, title or summary (then '[step] Title')", shown(key, b));
}

/* say: and text: take the rest of the line as it is. */
static int parse_words(parser *p, const char *key, const char *value) {
  ctx *c = &p->c;
  rl_lesson_step *st = p->st;
  if (!strcmp(key, "say")) {
    if (st->nsay >= RL_LESSON_MAX_SAY)
      return fail_at(c, "too many 'say:' lines in one step (max %d); split the step", RL_LESSON_MAX_SAY);
    if (!*value) return fail_at(c, "'say:' is empty");
    int rc = set_text(c, st->say[st->nsay], value, "say");
    if (!rc) st->nsay++;
    return rc;
  }
  if (p->seen_text++) return fail_at(c, "second 'text:' line in this step");
  if (!*value) return fail_at(c, "'text:' is empty");
  int rc = set_text(c, st->text, value, "text");
  st->has_text = !rc;
  st->text_line = c->line;
  return rc;
}

/* A directive of the current step. */
static int parse_step_line(parser *p, const char *key, char *value) {
  char b[48];
  ctx *c = &p->c;
  rl_lesson_step *st = p->st;
  if (!strcmp(key, "say") || !strcmp(key, "text")) return parse_words(p, key, value);
  char *tok[MAX_TOKENS];
  int ntok = split(value, tok, MAX_TOKENS);
  if (ntok < 0) return fail_at(c, "too many words on one line (max %d)", MAX_TOKENS);
  if (!strcmp(key, "models")) {
    if (p->seen_models++) return fail_at(c, "second 'models:' line in this step; list every model on one line");
    return parse_models(c, tok, ntok, st);
  }
  if (!strcmp(key, "task")) {
    if (p->seen_task++) return fail_at(c, "second 'task:' line in this step");
    return parse_task(c, tok, ntok, st);
  }
  if (!strcmp(key, "show")) {
    st->has_show = 1;
    return parse_panels(c, tok, ntok, "show", &st->show);
  }
  if (!strcmp(key, "highlight")) return parse_panels(c, tok, ntok, "highlight", &st->highlight);
  if (!strcmp(key, "set")) return parse_set(c, tok, ntok, st);
  if (!strcmp(key, "do")) return parse_action(c, tok, ntok, st);
  if (!strcmp(key, "lesson") || !strcmp(key, "title") || !strcmp(key, "summary"))
    return fail_at(c, "'%s:' belongs in the header, before the first '[step]'", key);
  return fail_at(c, "unknown directive '%s'; expected one of %s", shown(key, b), STEP_KEYS);
}

/* One line (trimmed, not blank, not a comment). */
static int parse_line(parser *p, char *s) {
  char b[48];
  if (s[0] == '[') return parse_step_header(p, s);
  char *colon = strchr(s, ':');
  if (!colon) return fail_at(&p->c, "expected 'key: value' or '[step] Title', got '%s'", shown(s, b));
  *colon = 0;
  char *key = trim(s);
  char *value = trim(colon + 1);
  return p->st ? parse_step_line(p, key, value) : parse_header_line(p, key, value);
}

/* The line of n bytes at text into line (NUL-terminated), after checking it. 0, or -1. */
static int take_line(ctx *c, const char *text, size_t n, char *line) {
  if (n >= RL_LESSON_MAX_LINE) return fail_at(c, "line is too long (%zu bytes, max %d)", n, RL_LESSON_MAX_LINE - 1);
  if (memchr(text, 0, n)) return fail_at(c, "unexpected NUL byte; is this a text file?");
  if (!valid_utf8((const unsigned char *)text, n)) return fail_at(c, "invalid UTF-8; save the file as UTF-8 text");
  memcpy(line, text, n);
  line[n] = 0;
  return 0;
}

/* What a whole lesson needs: a number, a title and a step, and steps that make sense. */
static int check_lesson(ctx *c, rl_lesson *l) {
  c->line = 0;
  if (l->number < 0) return fail_at(c, "missing 'lesson: N' header line (the lesson number)");
  if (!l->title[0]) return fail_at(c, "missing 'title: ...' header line");
  if (l->nsteps == 0) return fail_at(c, "the lesson has no steps; expected at least one '[step] Title' line");
  return check_steps(c, l);
}

int rl_lesson_parse(const char *text, size_t len, const char *name, rl_lesson *out, rl_error *err) {
  parser p;
  memset(&p, 0, sizeof p);
  p.c = (ctx){name ? name : "(lesson)", 0, err};
  memset(out, 0, sizeof *out);
  out->number = -1;
  if (!text) return fail_at(&p.c, "no text");
  if (len > RL_LESSON_MAX_BYTES)
    return fail_at(&p.c, "file is too large (%zu bytes, max %d)", len, RL_LESSON_MAX_BYTES);
  p.l.number = -1;
  copy_str(p.l.path, sizeof p.l.path, p.c.name);
  char line[RL_LESSON_MAX_LINE + 1];
  size_t pos = 0;
  if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) pos = 3; /* UTF-8 byte order mark */
  int rc = 0;
  while (pos < len && !rc) {
    p.c.line++;
    size_t start = pos;
    while (pos < len && text[pos] != '\n') pos++;
    size_t n = pos - start;
    if (pos < len) pos++; /* the newline */
    rc = take_line(&p.c, text + start, n, line);
    if (rc) break;
    char *s = trim(line);
    if (*s && *s != '#') rc = parse_line(&p, s);
  }
  if (rc || check_lesson(&p.c, &p.l)) {
    rl_lesson_free(&p.l);
    return -1;
  }
  *out = p.l;
  return 0;
}

int rl_lesson_load(const char *path, rl_lesson *out, rl_error *err) {
  memset(out, 0, sizeof *out);
  out->number = -1;
  FILE *f = fopen(path, "rb");
  if (!f) return rl_fail(err, "%.300s: cannot open: %s", path, strerror(errno));
  char *buf = malloc(RL_LESSON_MAX_BYTES + 1);
  if (!buf) {
    fclose(f);
    return rl_fail(err, "%.300s: out of memory", path);
  }
  size_t n = fread(buf, 1, RL_LESSON_MAX_BYTES + 1, f);
  int bad = ferror(f);
  fclose(f);
  int rc;
  if (bad) rc = rl_fail(err, "%.300s: read error", path);
  else if (n > RL_LESSON_MAX_BYTES)
    rc = rl_fail(err, "%.300s: file is too large (max %d bytes)", path, RL_LESSON_MAX_BYTES);
  else rc = rl_lesson_parse(buf, n, path, out, err);
  free(buf);
  return rc;
}

int rl_lesson_resolve(const rl_lesson *l, int step, rl_lesson_setup *out) {
  memset(out, 0, sizeof *out);
  for (int i = 0; i < RL_LESSON_MAX_MODELS; i++) model_defaults(&out->models[i]);
  if (!l || step < 0 || step >= l->nsteps) return -1;
  for (int s = 0; s <= step; s++) {
    const rl_lesson_step *st = &l->steps[s];
    if (st->has_models) {
      out->has_models = 1;
      memcpy(out->models, st->models, sizeof out->models);
    }
    if (st->has_task) {
      out->has_task = 1;
      memcpy(out->task, st->task, sizeof out->task);
      out->ntask_opts = st->ntask_opts;
      memcpy(out->task_opts, st->task_opts, sizeof out->task_opts);
    }
    if (st->has_text) {
      out->has_text = 1;
      memcpy(out->text, st->text, sizeof out->text);
      out->text_line = st->text_line;
    } else if (st->has_task) { /* a new task: its own example, until a text: line says otherwise */
      out->has_text = 0;
      out->text[0] = 0;
      out->text_line = 0;
    }
    if (st->has_show) out->show = st->show;
    for (int k = 0; k < st->nsets; k++)
      if (kv_put(out->sets, &out->nsets, RL_LESSON_MAX_SETS, &st->sets[k])) {
        /* Full: a later value of a key already present still replaces it above; a new key beyond
         * the limit is dropped (16 distinct sliders exceed the table). */
      }
  }
  return 0;
}

const rl_lesson_kv *rl_lesson_setup_get(const rl_lesson_setup *s, const char *key) {
  for (int i = 0; i < s->nsets; i++)
    if (!strcmp(s->sets[i].key, key)) return &s->sets[i];
  return NULL;
}

void rl_lesson_model_format(const rl_lesson_model *m, char *buf, size_t n) {
  if (!n) return;
  if (!m->used) {
    snprintf(buf, n, "none");
    return;
  }
  const char *name = "?";
  for (int i = 0; i < NCELLS_LISTED; i++)
    if (CELLS[i].cell == m->cell && (m->cell != RL_CELL_RNN || CELLS[i].nonlin == m->nonlin)) {
      name = CELLS[i].name;
      break;
    }
  size_t k = (size_t)snprintf(buf, n, "%s", name);
#define APPEND(...) do { if (k < n) k += (size_t)snprintf(buf + k, n - k, __VA_ARGS__); } while (0)
  if (m->hidden) APPEND(" hidden=%d", m->hidden);
  if (m->layers) APPEND(" layers=%d", m->layers);
  if (m->bidirectional) APPEND(" bidir");
  if (m->residual) APPEND(" residual");
  if (m->has_clip) APPEND(" clip=%g", (double)m->clip);
#undef APPEND
}

/* ---- directories ---- */

static int leading_number(const char *fname) {
  if (!isdigit((unsigned char)fname[0])) return -1;
  long v = 0;
  for (const char *p = fname; isdigit((unsigned char)*p) && v < 100000; p++) v = v * 10 + (*p - '0');
  return (int)v;
}

static int entry_cmp(const void *a, const void *b) {
  const rl_lesson_entry *x = a, *y = b;
  int nx = x->number < 0 ? 1 << 30 : x->number, ny = y->number < 0 ? 1 << 30 : y->number;
  if (nx != ny) return nx < ny ? -1 : 1;
  return strcmp(x->path, y->path);
}

int rl_lesson_dir_load(const char *dir, rl_lesson_set *out, rl_error *err) {
  memset(out, 0, sizeof *out);
  DIR *d = opendir(dir);
  if (!d) return rl_fail(err, "%.300s: cannot open lesson folder: %s", dir, strerror(errno));
  int cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t k = strlen(e->d_name);
    if (k < 8 || strcmp(e->d_name + k - 7, ".lesson") || e->d_name[0] == '.') continue;
    if (out->n == 256) break; /* more than any classroom needs */
    if (out->n == cap) {
      int ncap = cap ? cap * 2 : 16;
      rl_lesson_entry *ne = realloc(out->entries, (size_t)ncap * sizeof *ne);
      if (!ne) {
        closedir(d);
        rl_lesson_set_free(out);
        return rl_fail(err, "out of memory");
      }
      out->entries = ne;
      cap = ncap;
    }
    rl_lesson_entry *en = &out->entries[out->n++];
    memset(en, 0, sizeof *en);
    snprintf(en->path, sizeof en->path, "%.300s/%.200s", dir, e->d_name);
    en->ok = rl_lesson_load(en->path, &en->lesson, &en->error) == 0;
    en->number = en->ok ? en->lesson.number : leading_number(e->d_name);
  }
  closedir(d);
  if (out->n > 1) qsort(out->entries, (size_t)out->n, sizeof *out->entries, entry_cmp);
  /* Two files claiming the same number: the second is an error entry, so nothing is hidden. */
  for (int i = 1; i < out->n; i++) {
    rl_lesson_entry *a = &out->entries[i - 1], *b = &out->entries[i];
    if (a->ok && b->ok && a->number == b->number) {
      rl_fail(&b->error, "%.300s: lesson number %d is also used by %.150s", b->path, b->number, a->path);
      rl_lesson_free(&b->lesson);
      b->ok = 0;
    }
  }
  return 0;
}

void rl_lesson_set_free(rl_lesson_set *s) {
  if (!s) return;
  for (int i = 0; i < s->n; i++) rl_lesson_free(&s->entries[i].lesson);
  free(s->entries);
  memset(s, 0, sizeof *s);
}

int rl_lesson_set_find(const rl_lesson_set *s, int number) {
  for (int i = 0; i < s->n; i++)
    if (s->entries[i].ok && s->entries[i].number == number) return i;
  return -1;
}
