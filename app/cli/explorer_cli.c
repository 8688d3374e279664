/* The options the explorer's commands share, the colour maps and the explorer to a PNG
 * (explorer_cli.h). */
#define _POSIX_C_SOURCE 200809L
#include "explorer_cli.h"
#include "cli_args.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

double cli_thread_cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double cli_now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void view_args_default(view_args *a) {
  memset(a, 0, sizeof *a);
  a->ex = explorer_opts_default();
  a->w = 1920;
  a->h = 1080;
  a->theme = THEME_DARK;
  a->select_t = -2;
  a->scale = 1;
  a->fps = 10;
  a->compare = -1;
}

void view_args_help(FILE *f, const char *cmd) {
  fprintf(f,
          "Explorer options (%s):\n"
          "  --cells A,B[,C]     model slots: rnn-tanh, rnn-relu, rnn-sigmoid, lstm, gru, off\n"
          "                      (default rnn-tanh,lstm)\n"
          "  --task NAME         recall (default), agreement, order, sentiment, lm\n"
          "  --distance N        recall distance / sequence length (default 35, at most 5000)\n"
          "  --distractors N     recall: distinct distractor tokens (default 8)\n"
          "  --hidden N          hidden size (default 32)   --embed N   --batch N (default 32)\n"
          "  --lr X --opt sgd|momentum|adam --clip X --radius X --forget-bias X --seed N\n"
          "  --theme dark|light  --size WxH  --export-dir DIR (default rnnlab-figures)\n"
          "  --select T          selected timestep   --clamp keep|erase|free\n"
          "  --show P1,P2,...    panels: heatmaps gradients curves diagram sidebar distribution bptt params\n"
          "                      embedding predictions layers gradient-norm units connectivity gradient-check\n"
          "  --gradient relative|raw   the gradient plot: relative to the scored step (default) or raw norms\n"
          "  --data FILE --level char|word   the lm task's text file and how it is split\n"
          "  --generated code|dialogue       the lm task on a generated text (rnnlab corpus)\n"
          "  --model FILE        show a model file instead of training (render)\n"
          "  --text-file FILE    the text a model file is shown on (up to 5000 bytes)\n"
          "  --unit L:U[:GATE]   the units panel's unit: layer from 1, unit from 0, gate i f o g c h / r z n h\n"
          "  --compare on|off    connectivity: every model side by side (default on when there are two)\n",
          cmd);
}

static int parse_cell(const char *s, tr_model_spec *m) {
  memset(m, 0, sizeof *m);
  if (!strcmp(s, "off") || !strcmp(s, "none")) return 0;
  m->used = 1;
  char buf[32];
  snprintf(buf, sizeof buf, "%s", s);
  char *dash = strchr(buf, '-');
  if (dash) *dash = 0;
  if (rl_cell_parse(buf, &m->cell)) return -1;
  m->nonlin = RL_ACT_TANH;
  if (dash) {
    if (m->cell != RL_CELL_RNN || rl_nonlin_parse(dash + 1, &m->nonlin)) return -1;
  }
  return 0;
}

static int parse_cells(tr_config *c, const char *cmd, const char *v) {
  char buf[128];
  snprintf(buf, sizeof buf, "%s", v);
  int k = 0;
  for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","), k++) {
    if (k >= TR_MAX_SLOTS || parse_cell(tok, &c->models[k])) {
      fprintf(stderr, "rnnlab %s: --cells: '%s' is not a cell (rnn-tanh, rnn-relu, rnn-sigmoid, lstm, gru, off), at most %d\n",
              cmd, tok, TR_MAX_SLOTS);
      return -1;
    }
  }
  for (; k < TR_MAX_SLOTS; k++) memset(&c->models[k], 0, sizeof c->models[k]);
  return 1;
}

static int parse_task(tr_config *c, const char *cmd, const char *v) {
  rl_task_kind kind;
  if (rl_task_kind_parse(v, &kind)) {
    fprintf(stderr, "rnnlab %s: --task: unknown task '%s' (recall, agreement, order, sentiment, lm)\n", cmd, v);
    return -1;
  }
  int len = c->task.length, dis = c->task.distractors;
  rl_task_kind old = c->task.kind;
  c->task = rl_task_default(kind);
  if (kind == old) c->task.length = len, c->task.distractors = dis;
  return 1;
}

/* One of the words an option allows: its index, or -1 with a message. */
static int one_of(const char *cmd, const char *o, const char *v, const char *a, const char *b, const char *c) {
  if (!strcmp(v, a)) return 0;
  if (!strcmp(v, b)) return 1;
  if (c && !strcmp(v, c)) return 2;
  fprintf(stderr, "rnnlab %s: %s: expected %s%s%s or %s, got '%s'\n", cmd, o, a, c ? ", " : "", c ? b : "", c ? c : b, v);
  return -1;
}

/* The models, the task and training: what the trainer is configured with. 1 / 0 / -1 as
 * view_args_parse; o is the option, v its value. */
static int parse_training(tr_config *c, const char *cmd, const char *o, const char *v) {
  if (!strcmp(o, "--cells")) return parse_cells(c, cmd, v);
  if (!strcmp(o, "--task")) return parse_task(c, cmd, v);
  if (!strcmp(o, "--distance") || !strcmp(o, "--length")) {
    if (arg_int(cmd, o, v, 1, VIEW_MAX_LENGTH, &c->task.length)) {
      fprintf(stderr, "(the explorer traces and draws a sequence of up to %d steps within a second; rnnlab train "
                      "takes distances up to %d)\n", VIEW_MAX_LENGTH, RL_MAX_TIME - 2);
      return -1;
    }
    return 1;
  }
  if (!strcmp(o, "--distractors")) return arg_int(cmd, o, v, 1, 1000, &c->task.distractors) ? -1 : 1;
  if (!strcmp(o, "--hidden")) return arg_int(cmd, o, v, 1, RL_MAX_WIDTH, &c->hidden) ? -1 : 1;
  if (!strcmp(o, "--embed")) return arg_int(cmd, o, v, 1, RL_MAX_WIDTH, &c->embed) ? -1 : 1;
  if (!strcmp(o, "--batch")) return arg_int(cmd, o, v, 1, RL_MAX_BATCH, &c->batch) ? -1 : 1;
  if (!strcmp(o, "--lr")) return arg_float(cmd, o, v, 1e-8, 100, &c->lr) ? -1 : 1;
  if (!strcmp(o, "--clip")) return arg_float(cmd, o, v, 0, 1e9, &c->clip) ? -1 : 1;
  if (!strcmp(o, "--radius")) return arg_float(cmd, o, v, 0, 100, &c->radius) ? -1 : 1;
  if (!strcmp(o, "--forget-bias")) return arg_float(cmd, o, v, -100, 100, &c->forget_bias) ? -1 : 1;
  if (!strcmp(o, "--seed")) return arg_u64(cmd, o, v, &c->seed) ? -1 : 1;
  if (!strcmp(o, "--data")) {
    c->task.data_path = v;
    return 1;
  }
  if (!strcmp(o, "--level")) {
    int k = one_of(cmd, o, v, "char", "word", NULL);
    if (k < 0) return -1;
    c->task.level = k == 0 ? RL_VOCAB_CHAR : RL_VOCAB_WORD;
    return 1;
  }
  if (!strcmp(o, "--generated")) {
    int k = one_of(cmd, o, v, "code", "dialogue", NULL);
    if (k < 0) return -1;
    c->task.generated = k + 1;
    return 1;
  }
  if (!strcmp(o, "--opt")) {
    if (rl_opt_parse(v, &c->opt)) {
      fprintf(stderr, "rnnlab %s: --opt: unknown optimizer '%s' (sgd, momentum, adam)\n", cmd, v);
      return -1;
    }
    return 1;
  }
  return 0;
}

/* What is shown and how: theme, size, export folder, selection, clamps, panels, script, text. */
static int parse_view(view_args *a, const char *cmd, const char *o, const char *v) {
  if (!strcmp(o, "--theme")) {
    if (theme_parse(v, &a->theme)) {
      fprintf(stderr, "rnnlab %s: --theme: '%s' is not dark or light\n", cmd, v);
      return -1;
    }
    return 1;
  }
  if (!strcmp(o, "--size")) {
    if (sscanf(v, "%dx%d", &a->w, &a->h) != 2 || a->w < 200 || a->h < 150 || a->w > 8192 || a->h > 8192) {
      fprintf(stderr, "rnnlab %s: --size: expected WxH between 200x150 and 8192x8192, got '%s'\n", cmd, v);
      return -1;
    }
    return 1;
  }
  if (!strcmp(o, "--select")) return arg_int(cmd, o, v, -1, RL_MAX_TIME, &a->select_t) ? -1 : 1;
  if (!strcmp(o, "--clamp")) {
    if (one_of(cmd, o, v, "keep", "erase", "free") < 0) return -1;
    a->clamp = v;
    return 1;
  }
  if (!strcmp(o, "--compare")) return (a->compare = one_of(cmd, o, v, "off", "on", NULL)) < 0 ? -1 : 1;
  if (!strcmp(o, "--gradient")) return (a->grad_raw = one_of(cmd, o, v, "relative", "raw", NULL)) < 0 ? -1 : 1;
  /* options whose value is kept as written */
  const struct {
    const char *opt;
    const char **dst;
  } KEEP[] = {{"--export-dir", &a->ex.export_dir}, {"--show", &a->show}, {"--script", &a->script}, {"--text", &a->text},
                {"--model", &a->model_path}, {"--text-file", &a->text_file}, {"--unit", &a->unit}};
  for (size_t k = 0; k < sizeof KEEP / sizeof KEEP[0]; k++)
    if (!strcmp(o, KEEP[k].opt)) {
      *KEEP[k].dst = v;
      return 1;
    }
  return 0;
}

static const char *const WITH_VALUE[] = {"--cells", "--task", "--distance", "--length", "--distractors", "--hidden",
                                         "--embed", "--batch", "--lr", "--clip", "--radius", "--forget-bias",
                                         "--seed", "--opt", "--theme", "--size", "--export-dir", "--select",
                                         "--clamp", "--show", "--gradient", "--script", "--text", "--data",
                                         "--level", "--generated", "--model", "--text-file", "--unit", "--compare",
                                         NULL};

int view_args_parse(view_args *a, const char *cmd, int argc, char **argv, int *i) {
  const char *o = argv[*i];
  int known = 0;
  for (int k = 0; WITH_VALUE[k] && !known; k++) known = !strcmp(o, WITH_VALUE[k]);
  if (!known) return 0;
  const char *v = arg_value(cmd, argc, argv, i);
  if (!v) return -1;
  int r = parse_training(&a->ex.train, cmd, o, v);
  return r ? r : parse_view(a, cmd, o, v);
}

/* "heatmaps, gradients, ...": every panel's name, for messages. */
static const char *panel_list(void) {
  static char list[512];
  const char *const *names = rl_panel_names();
  size_t o = 0;
  for (int i = 0; i < RL_PANEL_COUNT && o < sizeof list; i++)
    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", names[i]);
  return list;
}

static int parse_show(const char *cmd, const char *s, unsigned *out) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", s);
  unsigned m = 0;
  for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
    rl_panel p;
    if (rl_panel_parse(tok, &p)) {
      fprintf(stderr, "rnnlab %s: unknown panel '%s' (%s)\n", cmd, tok, panel_list());
      return -1;
    }
    m |= (unsigned)p;
  }
  *out = m;
  return 0;
}

int view_args_apply(explorer *e, const view_args *a, const char *cmd) {
  if (a->show) {
    unsigned m;
    if (parse_show(cmd, a->show, &m)) return -1;
    explorer_show_panels(e, m, 0);
  }
  if (a->clamp) explorer_set_clamp_mode(e, a->clamp, NULL);
  explorer_set_gradient_scale(e, a->grad_raw);
  if (a->select_t != -2) explorer_select_timestep(e, a->select_t);
  if (a->compare >= 0) explorer_set_compare(e, a->compare);
  return 0;
}

int view_args_apply_unit(explorer *e, const view_args *a, const char *cmd) {
  rl_error err;
  if (!a->unit) return 0;
  if (explorer_set_unit(e, a->unit, &err)) {
    fprintf(stderr, "rnnlab %s: --unit: %s\n", cmd, err.msg);
    return -1;
  }
  return 0;
}

int view_args_text(const view_args *a, const char *cmd, char **buf) {
  *buf = NULL;
  if (!a->text_file) {
    if (a->text && !(*buf = rl_strdup(a->text))) return -1;
    return 0;
  }
  FILE *f = fopen(a->text_file, "rb");
  if (!f) {
    fprintf(stderr, "rnnlab %s: --text-file: cannot open %s\n", cmd, a->text_file);
    return -1;
  }
  char *b = malloc(VIEW_MAX_LENGTH + 1);
  size_t n = b ? fread(b, 1, VIEW_MAX_LENGTH, f) : 0;
  fclose(f);
  if (!b) return -1;
  if (n == VIEW_MAX_LENGTH) { /* cut: drop a character the cut split */
    size_t k = n;
    while (k > 0 && ((unsigned char)b[k - 1] & 0xC0) == 0x80) k--;
    if (k > 0 && (unsigned char)b[k - 1] >= 0xC0) n = k - 1;
  }
  b[n] = 0;
  if (n == 0 || strlen(b) != n) {
    fprintf(stderr, "rnnlab %s: --text-file: %s is %s\n", cmd, a->text_file, n ? "binary (a NUL byte)" : "empty");
    free(b);
    return -1;
  }
  *buf = b;
  return 0;
}

int explorer_png(explorer *e, gfx *g, const view_args *a, const char *cmd) {
  rl_error err;
  rl_panel p = 0;
  if (a->panel && rl_panel_parse(a->panel, &p)) {
    fprintf(stderr, "rnnlab %s: --panel: unknown panel '%s' (%s)\n", cmd, a->panel, panel_list());
    return 2;
  }
  float sc = (float)a->h / 1080.0f;
  /* a single panel keeps the text size of the full view at 1080p (small figures stay readable) */
  if (explorer_write_figure(e, p, a->out, gfx_width(g), gfx_height(g), p && sc < 1.0f ? 1.0f : sc, (float)a->scale,
                            a->command, &err)) {
    fprintf(stderr, "rnnlab %s: %s\n", cmd, err.msg);
    return 1;
  }
  return 0;
}
