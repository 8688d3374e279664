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
          "  --gradient relative|raw   the gradient plot: relative to the scored step (default) or raw norms\n",
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
  if (!strcmp(o, "--opt")) {
    if (rl_opt_parse(v, &c->opt)) {
      fprintf(stderr, "rnnlab %s: --opt: unknown optimizer '%s' (sgd, momentum, adam)\n", cmd, v);
      return -1;
    }
    return 1;
  }
  return 0;
}

/* One of the words an option allows: its index, or -1 with a message. */
static int one_of(const char *cmd, const char *o, const char *v, const char *a, const char *b, const char *c) {
  if (!strcmp(v, a)) return 0;
  if (!strcmp(v, b)) return 1;
  if (c && !strcmp(v, c)) return 2;
  fprintf(stderr, "rnnlab %s: %s: expected %s%s%s or %s, got '%s'\n", cmd, o, a, c ? ", " : "", c ? b : "", c ? c : b, v);
  return -1;
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
  if (!strcmp(o, "--gradient")) return (a->grad_raw = one_of(cmd, o, v, "relative", "raw", NULL)) < 0 ? -1 : 1;
  /* options whose value is kept as written */
  const struct {
    const char *opt;
    const char **dst;
  } KEEP[] = {{"--export-dir", &a->ex.export_dir}, {"--show", &a->show}, {"--script", &a->script}, {"--text", &a->text}};
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
                                         "--clamp", "--show", "--gradient", "--script", "--text", NULL};

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

static int parse_show(const char *cmd, const char *s, unsigned *out) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", s);
  unsigned m = 0;
  for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
    rl_panel p;
    if (rl_panel_parse(tok, &p)) {
      fprintf(stderr, "rnnlab %s: unknown panel '%s' (heatmaps, gradients, curves, diagram, sidebar, "
                      "distribution, bptt, params)\n", cmd, tok);
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
  return 0;
}

int explorer_png(explorer *e, gfx *g, const view_args *a, const char *cmd) {
  rl_error err;
  rl_panel p = 0;
  if (a->panel && rl_panel_parse(a->panel, &p)) {
    fprintf(stderr, "rnnlab %s: --panel: unknown panel '%s' (heatmaps, gradients, curves, diagram, sidebar, "
                    "distribution, bptt, params)\n", cmd, a->panel);
    return 2;
  }
  float sc = (float)a->h / 1080.0f;
  /* a single panel keeps the text size of the full view at 1080p (small figures stay readable) */
  gfx_set_scale_override(g, p && sc < 1.0f ? 1.0f : sc);
  gfx_set_export_factor(g, (float)a->scale);
  explorer_draw_figure(e, p);
  if (gfx_save_png(g, a->out, &err)) {
    fprintf(stderr, "rnnlab %s: %s\n", cmd, err.msg);
    return 1;
  }
  return 0;
}
