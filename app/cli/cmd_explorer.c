/* `rnnlab` (the explorer window), `rnnlab render` (the same view headless, to PNG) and
 * `rnnlab view MODEL --text "..."` (a loaded model's gates on a sentence). */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "draw/colormap.h"
#include "commands.h"
#include "host/files.h"
#include "host/host.h"
#include "explorer/explorer.h"
#include "modelfile.h"
#include "explorer/panels.h"
#include <math.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double thread_cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- options shared by the three commands ---------------------------------------------------- */

/* The longest distance / sequence the explorer, render and view accept: the traced pass is linear in
 * it, and `render --train-steps 0 --distance 5000` draws in 0.8 s (16000: 2 s; 99998: 8 s, 0.8 GB),
 * while the columns of a 1920-pixel heatmap stopped being readable long before. */
#define VIEW_MAX_LENGTH 5000

typedef struct {
  explorer_opts ex;
  int w, h;
  theme_id theme;
  const char *out;
  const char *panel;
  long train_steps;
  int select_t;
  const char *clamp;
  const char *script;
  double bench_s;
  int fullscreen;
  const char *text;
  const char *model_path;
  const char *lesson;
  const char *show;
  int scale;            /* render: 1 or 2 (twice the pixels, the same layout) */
  int grad_raw;
} ex_args;

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

static void explorer_help(FILE *f, const char *cmd) {
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

/* Returns 1 if consumed, 0 if not an explorer option, -1 on error. */
static int parse_common(ex_args *a, const char *cmd, int argc, char **argv, int *i) {
  const char *o = argv[*i];
  tr_config *c = &a->ex.train;
  const char *v;
#define VAL() do { v = arg_value(cmd, argc, argv, i); if (!v) return -1; } while (0)
  if (!strcmp(o, "--cells")) {
    VAL();
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
  if (!strcmp(o, "--task")) {
    VAL();
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
  if (!strcmp(o, "--distance") || !strcmp(o, "--length")) {
    VAL();
    if (arg_int(cmd, o, v, 1, VIEW_MAX_LENGTH, &c->task.length)) {
      fprintf(stderr, "(the explorer traces and draws a sequence of up to %d steps within a second; rnnlab train "
                      "takes distances up to %d)\n", VIEW_MAX_LENGTH, RL_MAX_TIME - 2);
      return -1;
    }
    return 1;
  }
  if (!strcmp(o, "--distractors")) {
    VAL();
    return arg_int(cmd, o, v, 1, 1000, &c->task.distractors) ? -1 : 1;
  }
  if (!strcmp(o, "--hidden")) { VAL(); return arg_int(cmd, o, v, 1, RL_MAX_WIDTH, &c->hidden) ? -1 : 1; }
  if (!strcmp(o, "--embed")) { VAL(); return arg_int(cmd, o, v, 1, RL_MAX_WIDTH, &c->embed) ? -1 : 1; }
  if (!strcmp(o, "--batch")) { VAL(); return arg_int(cmd, o, v, 1, RL_MAX_BATCH, &c->batch) ? -1 : 1; }
  if (!strcmp(o, "--lr")) { VAL(); return arg_float(cmd, o, v, 1e-8, 100, &c->lr) ? -1 : 1; }
  if (!strcmp(o, "--clip")) { VAL(); return arg_float(cmd, o, v, 0, 1e9, &c->clip) ? -1 : 1; }
  if (!strcmp(o, "--radius")) { VAL(); return arg_float(cmd, o, v, 0, 100, &c->radius) ? -1 : 1; }
  if (!strcmp(o, "--forget-bias")) { VAL(); return arg_float(cmd, o, v, -100, 100, &c->forget_bias) ? -1 : 1; }
  if (!strcmp(o, "--seed")) { VAL(); return arg_u64(cmd, o, v, &c->seed) ? -1 : 1; }
  if (!strcmp(o, "--opt")) {
    VAL();
    if (rl_opt_parse(v, &c->opt)) {
      fprintf(stderr, "rnnlab %s: --opt: unknown optimizer '%s' (sgd, momentum, adam)\n", cmd, v);
      return -1;
    }
    return 1;
  }
  if (!strcmp(o, "--theme")) {
    VAL();
    if (theme_parse(v, &a->theme)) {
      fprintf(stderr, "rnnlab %s: --theme: '%s' is not dark or light\n", cmd, v);
      return -1;
    }
    return 1;
  }
  if (!strcmp(o, "--size")) {
    VAL();
    if (sscanf(v, "%dx%d", &a->w, &a->h) != 2 || a->w < 200 || a->h < 150 || a->w > 8192 || a->h > 8192) {
      fprintf(stderr, "rnnlab %s: --size: expected WxH between 200x150 and 8192x8192, got '%s'\n", cmd, v);
      return -1;
    }
    return 1;
  }
  if (!strcmp(o, "--export-dir")) { VAL(); a->ex.export_dir = v; return 1; }
  if (!strcmp(o, "--select")) { VAL(); return arg_int(cmd, o, v, -1, RL_MAX_TIME, &a->select_t) ? -1 : 1; }
  if (!strcmp(o, "--clamp")) {
    VAL();
    if (strcmp(v, "keep") && strcmp(v, "erase") && strcmp(v, "free")) {
      fprintf(stderr, "rnnlab %s: --clamp: expected keep, erase or free, got '%s'\n", cmd, v);
      return -1;
    }
    a->clamp = v;
    return 1;
  }
  if (!strcmp(o, "--show")) { VAL(); a->show = v; return 1; }
  if (!strcmp(o, "--gradient")) {
    VAL();
    if (strcmp(v, "relative") && strcmp(v, "raw")) {
      fprintf(stderr, "rnnlab %s: --gradient: expected relative or raw, got '%s'\n", cmd, v);
      return -1;
    }
    a->grad_raw = !strcmp(v, "raw");
    return 1;
  }
  if (!strcmp(o, "--script")) { VAL(); a->script = v; return 1; }
  if (!strcmp(o, "--text")) { VAL(); a->text = v; return 1; }
#undef VAL
  return 0;
}

static void args_default(ex_args *a) {
  memset(a, 0, sizeof *a);
  a->ex = explorer_opts_default();
  a->w = 1920;
  a->h = 1080;
  a->theme = THEME_DARK;
  a->select_t = -2;
  a->scale = 1;
}

static int parse_show(const char *cmd, const char *s, unsigned *out) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", s);
  unsigned m = 0;
  for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
    rl_panel p;
    if (rl_lesson_panel_parse(tok, &p)) {
      fprintf(stderr, "rnnlab %s: unknown panel '%s' (heatmaps, gradients, curves, diagram, sidebar, "
                      "distribution, bptt, params)\n", cmd, tok);
      return -1;
    }
    m |= (unsigned)p;
  }
  *out = m;
  return 0;
}

/* Applies the view options (after the explorer exists). */
static int apply_view_args(explorer *e, const ex_args *a, const char *cmd) {
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

static void load_colormaps(void) {
  rl_error err;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/colormaps", host_assets_dir());
  colormap_load_dir(dir, &err); /* falls back to the built-in tables */
}

/* ---- scripts: events injected as if typed ---------------------------------------------------- */

/* Script: commands separated by ';'.
 *   keys:a,b,shift+F12   press keys one per frame      key:NAME     one key
 *   wait:SECONDS          keep running frames          frames:N     run N frames
 *   click:X,Y             left click at a pixel        drag:X0,Y0,X1,Y1     move:X,Y (hover)
 *   train:N               queue N steps and wait until they are drawn
 *   export:PANEL          that panel's export button (PNG + CSV)
 *   quit                  close the window */
typedef struct {
  char buf[2048];
  char *cmds[128];
  int n, pos;
  double wait_until;
  long frames_left;
  const char *keys_rest; /* remaining keys of a keys: command */
  char keys_buf[512];
} script;

static int script_init(script *s, const char *text) {
  memset(s, 0, sizeof *s);
  if (!text) return 0;
  snprintf(s->buf, sizeof s->buf, "%s", text);
  for (char *tok = strtok(s->buf, ";"); tok && s->n < 128; tok = strtok(NULL, ";")) {
    while (*tok == ' ') tok++;
    if (*tok) s->cmds[s->n++] = tok;
  }
  return 0;
}

static int make_key(const char *name, ui_event *ev) {
  memset(ev, 0, sizeof *ev);
  int mod = 0;
  char buf[64];
  snprintf(buf, sizeof buf, "%s", name);
  char *p = buf;
  for (;;) {
    char *plus = strchr(p, '+');
    if (!plus || plus == p || !plus[1]) break;
    *plus = 0;
    if (!strcasecmp(p, "shift")) mod |= UI_MOD_SHIFT;
    else if (!strcasecmp(p, "ctrl")) mod |= UI_MOD_CTRL;
    else if (!strcasecmp(p, "alt")) mod |= UI_MOD_ALT;
    else return -1;
    p = plus + 1;
  }
  ui_key k = ui_key_from_name(p);
  if (k == UI_KEY_UNKNOWN) return -1;
  ev->type = UI_EV_KEY_DOWN;
  ev->key = k;
  ev->mods = mod;
  return 0;
}

typedef void (*deliver_fn)(void *ctx, const ui_event *ev);

/* Runs the script one frame at a time. Returns 1 to quit, -1 on a script error, 0 to continue. */
static int script_step(script *s, explorer *e, deliver_fn deliver, void *ctx, rl_error *err) {
  double now = now_s();
  if (s->wait_until > 0) {
    if (now < s->wait_until) return 0;
    s->wait_until = 0;
  }
  if (s->frames_left > 0) {
    s->frames_left--;
    return 0;
  }
  if (s->keys_rest) {
    char name[64];
    const char *comma = strchr(s->keys_rest, ',');
    size_t len = comma ? (size_t)(comma - s->keys_rest) : strlen(s->keys_rest);
    if (len >= sizeof name) len = sizeof name - 1;
    memcpy(name, s->keys_rest, len);
    name[len] = 0;
    s->keys_rest = comma ? comma + 1 : NULL;
    ui_event ev;
    if (make_key(name, &ev)) return rl_fail(err, "script: unknown key '%s'", name);
    deliver(ctx, &ev);
    ev.type = UI_EV_KEY_UP;
    deliver(ctx, &ev);
    s->frames_left = 1; /* let the frame see it */
    return 0;
  }
  if (s->pos >= s->n) return 0;
  const char *c = s->cmds[s->pos++];
  if (!strncmp(c, "keys:", 5) || !strncmp(c, "key:", 4)) {
    snprintf(s->keys_buf, sizeof s->keys_buf, "%s", strchr(c, ':') + 1);
    s->keys_rest = s->keys_buf;
    return 0;
  }
  if (!strncmp(c, "wait:", 5)) {
    s->wait_until = now + atof(c + 5);
    return 0;
  }
  if (!strncmp(c, "frames:", 7)) {
    s->frames_left = atol(c + 7);
    return 0;
  }
  if (!strncmp(c, "train:", 6)) {
    explorer_train(e, atol(c + 6));
    explorer_wait(e, 120.0);
    return 0;
  }
  if (!strncmp(c, "click:", 6) || !strncmp(c, "drag:", 5)) {
    int x0, y0, x1, y1;
    int drag = c[0] == 'd';
    if (drag ? sscanf(c + 5, "%d,%d,%d,%d", &x0, &y0, &x1, &y1) != 4 : sscanf(c + 6, "%d,%d", &x0, &y0) != 2)
      return rl_fail(err, "script: expected %s", drag ? "drag:X0,Y0,X1,Y1" : "click:X,Y");
    if (!drag) x1 = x0, y1 = y0;
    ui_event ev = {.type = UI_EV_MOUSE_MOVE, .x = x0, .y = y0};
    deliver(ctx, &ev);
    ev = (ui_event){.type = UI_EV_MOUSE_DOWN, .x = x0, .y = y0, .button = UI_BUTTON_LEFT};
    deliver(ctx, &ev);
    if (drag) {
      ev = (ui_event){.type = UI_EV_MOUSE_MOVE, .x = x1, .y = y1, .buttons = 1 << (UI_BUTTON_LEFT - 1)};
      deliver(ctx, &ev);
    }
    ev = (ui_event){.type = UI_EV_MOUSE_UP, .x = x1, .y = y1, .button = UI_BUTTON_LEFT};
    deliver(ctx, &ev);
    s->frames_left = 1;
    return 0;
  }
  if (!strncmp(c, "move:", 5)) {
    ui_event ev = {.type = UI_EV_MOUSE_MOVE};
    if (sscanf(c + 5, "%d,%d", &ev.x, &ev.y) != 2) return rl_fail(err, "script: expected move:X,Y");
    deliver(ctx, &ev);
    s->frames_left = 1;
    return 0;
  }
  if (!strncmp(c, "export:", 7)) {
    rl_panel p;
    if (rl_lesson_panel_parse(c + 7, &p) || p == RL_PANEL_SIDEBAR)
      return rl_fail(err, "script: export:PANEL names a panel with an export button (heatmaps, gradients, curves, "
                          "diagram, distribution, bptt, params), not '%s'", c + 7);
    e->export_panels |= (unsigned)p; /* as if its export button were clicked */
    s->frames_left = 1;
    return 0;
  }
  if (!strcmp(c, "quit")) return 1;
  return rl_fail(err, "script: unknown command '%s' (keys:, key:, wait:, frames:, click:, drag:, move:, train:, "
                      "export:, quit)", c);
}

static void deliver_post(void *ctx, const ui_event *ev) { host_post_event((host *)ctx, ev); }

static void deliver_direct(void *ctx, const ui_event *ev) { explorer_handle_event((explorer *)ctx, ev); }

/* ---- the window ------------------------------------------------------------------------------ */

/* The explorer in a window: what the host's loop calls (host.h). */
typedef struct {
  host *h;
  gfx *g;
  explorer *e;
  const ex_args *a;
  script sc;
  int rc;
  long frames, flast;
  double t0, tlast, cpu0;
} window_run;

static void window_event(void *ctx, const ui_event *ev) {
  window_run *w = ctx;
  if (ev->type == UI_EV_KEY_DOWN && (ev->key == UI_KEY_F5 || ev->key == UI_KEY_F11)) {
    host_set_fullscreen(w->h, !host_fullscreen(w->h));
    return;
  }
  explorer_handle_event(w->e, ev);
}

/* One turn: the script's next command, then a frame if anything changed. */
static int window_frame(void *ctx) {
  window_run *w = ctx;
  const ex_args *a = w->a;
  if (w->rc || explorer_should_quit(w->e) || (a->bench_s > 0 && now_s() - w->t0 >= a->bench_s)) return HOST_QUIT;
  if (a->script) {
    rl_error err;
    int s = script_step(&w->sc, w->e, deliver_post, w->h, &err);
    if (s < 0) {
      fprintf(stderr, "rnnlab: %s\n", err.msg);
      w->rc = 2;
      return HOST_QUIT;
    }
    if (s > 0) return HOST_QUIT;
  }
  /* draw only when something changed (the window keeps its last frame); the benchmark draws
   * every frame to measure the worst case */
  if (a->bench_s <= 0 && !explorer_needs_redraw(w->e)) return HOST_IDLE;
  explorer_frame(w->e);
  w->frames++;
  double t = now_s();
  if (a->bench_s > 0 && t - w->tlast >= 1.0) {
    printf("frames/s %.1f\n", (double)(w->frames - w->flast) / (t - w->tlast));
    fflush(stdout);
    w->tlast = t;
    w->flast = w->frames;
  }
  return HOST_DREW;
}

static void window_bench_summary(const window_run *w) {
  double cpu = thread_cpu_s() - w->cpu0, dt = now_s() - w->t0;
  long frames = w->frames;
  printf("window %dx%d (%s renderer): %ld frames in %.1f s = %.1f frames/s while training (%ld steps); "
         "drawing thread CPU %.1f ms/frame (%.0f frames/s if it has a core to itself)\n",
         gfx_width(w->g), gfx_height(w->g), gfx_backend_name(w->g), frames, dt, (double)frames / dt,
         trainer_total_steps(w->e->tr), 1e3 * cpu / (double)(frames ? frames : 1), cpu > 0 ? (double)frames / cpu : 0.0);
}

static int run_window(ex_args *a, rl_model *view_model, const char *cmd) {
  window_run w;
  memset(&w, 0, sizeof w);
  w.a = a;
  host_window_opts wo = {"rnnlab", a->w, a->h, a->fullscreen, "explorer"};
  if (host_open(&wo, &w.h, &w.g)) {
    rl_model_free(view_model);
    return 1;
  }
  gfx_set_theme(w.g, theme_get(a->theme));
  rl_error err;
  int rc = view_model ? explorer_create_view(w.g, view_model, a->text, &w.e, &err)
                      : explorer_create(w.g, &a->ex, &w.e, &err);
  if (rc) {
    fprintf(stderr, "rnnlab %s: %s\n", cmd, err.msg);
    host_close(w.h);
    return 1;
  }
  if (apply_view_args(w.e, a, cmd)) w.rc = 2;
  script_init(&w.sc, a->script);
  w.t0 = w.tlast = now_s();
  w.cpu0 = thread_cpu_s();
  host_app app = {&w, window_event, window_frame};
  host_run(w.h, &app);
  if (a->bench_s > 0) window_bench_summary(&w);
  explorer_destroy(w.e);
  host_close(w.h);
  return w.rc;
}

void cmd_default_help(FILE *f) {
  fprintf(f, "Explorer window options (rnnlab [OPTIONS]):\n"
             "  --paused            start with training paused (Space plays)\n"
             "  --speed N|max       training steps per second per model: 1 2 5 10 20 50 100 300 or max\n"
             "                      (default 10, a pace a class can follow; +/- change it)\n"
             "  --fullscreen        start full screen (F5 or F11 toggles it)\n"
             "  --size WxH          window size (default 1600x900; at least %dx%d)\n"
             "  --script \"...\"     inject events: keys:space,n,F12; wait:1; click:X,Y; train:N; export:PANEL; quit\n"
             "  --bench-fps SECONDS print frames per second while training, then quit\n",
          HOST_MIN_W, HOST_MIN_H);
  explorer_help(f, "rnnlab");
}

/* "10" or "max" -> a speed level. */
static int parse_speed(const char *cmd, const char *v, int *level) {
  for (int i = 0; i < TR_SPEED_LEVELS; i++) {
    float sv = tr_speed_value(i);
    char buf[16];
    if (sv > 0) snprintf(buf, sizeof buf, "%g", (double)sv);
    else snprintf(buf, sizeof buf, "max");
    if (!strcmp(v, buf)) {
      *level = i;
      return 0;
    }
  }
  fprintf(stderr, "rnnlab %s: --speed: expected 1, 2, 5, 10, 20, 50, 100, 300 or max (steps per second), got '%s'\n",
          cmd, v);
  return -1;
}

int cmd_default(int argc, char **argv) {
  ex_args a;
  args_default(&a);
  a.w = 1600;
  a.h = 900;
  a.ex.autoplay = 1;
  a.ex.speed_level = EXPLORER_CLASS_SPEED_LEVEL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: rnnlab [OPTIONS]\n\nOpens the explorer: a vanilla RNN and an LSTM train live on the recall task.\n\n");
      cmd_default_help(stdout);
      return 0;
    }
    int r = parse_common(&a, "rnnlab", argc, argv, &i);
    if (r < 0) return 2;
    if (r > 0) continue;
    if (!strcmp(argv[i], "--fullscreen")) a.fullscreen = 1;
    else if (!strcmp(argv[i], "--paused")) a.ex.autoplay = 0;
    else if (!strcmp(argv[i], "--speed")) {
      const char *v = arg_value("rnnlab", argc, argv, &i);
      if (!v || parse_speed("rnnlab", v, &a.ex.speed_level)) return 2;
    } else if (!strcmp(argv[i], "--bench-fps")) {
      const char *v = arg_value("rnnlab", argc, argv, &i);
      float s;
      if (!v || arg_float("rnnlab", "--bench-fps", v, 0.5, 3600, &s)) return 2;
      a.bench_s = s;
      a.ex.speed_level = -1; /* the worst case: both cores train flat out */
    } else {
      fprintf(stderr, "rnnlab: unknown option '%s' (see rnnlab --help)\n", argv[i]);
      return 2;
    }
  }
  load_colormaps();
  return run_window(&a, NULL, "rnnlab");
}

/* ---- headless -------------------------------------------------------------------------------- */

static int render_to(explorer *e, gfx *g, const ex_args *a, const char *cmd) {
  rl_error err;
  if (a->panel) {
    rl_panel p;
    if (rl_lesson_panel_parse(a->panel, &p)) {
      fprintf(stderr, "rnnlab %s: --panel: unknown panel '%s' (heatmaps, gradients, curves, diagram, sidebar, "
                      "distribution, bptt, params)\n", cmd, a->panel);
      return 2;
    }
    /* a single panel keeps the text size of the full view at 1080p (small figures stay readable) */
    float sc = (float)a->h / 1080.0f;
    gfx_set_scale_override(g, sc < 1.0f ? 1.0f : sc);
    gfx_set_export_factor(g, (float)a->scale);
    gfx_begin_frame(g);
    trainer_snapshot(e->tr, &e->snap);
    e->exporting = 1;
    ex_draw_single(e, p, gfx_r(0, 0, gfx_width(g), gfx_height(g)));
    e->exporting = 0;
  } else {
    gfx_set_scale_override(g, (float)a->h / 1080.0f);
    gfx_set_export_factor(g, (float)a->scale);
    e->exporting = 1; /* a figure: no controls, hints or notices */
    explorer_frame(e);
    e->exporting = 0;
  }
  if (gfx_save_png(g, a->out, &err)) {
    fprintf(stderr, "rnnlab %s: %s\n", cmd, err.msg);
    return 1;
  }
  return 0;
}

static int bench_headless(explorer *e, gfx *g, double seconds) {
  explorer_play(e, 1);
  double t0 = now_s();
  long frames = 0;
  long s0 = trainer_total_steps(e->tr);
  double cpu0 = thread_cpu_s();
  while (now_s() - t0 < seconds) {
    explorer_frame(e);
    gfx_present(g);
    frames++;
  }
  double dt = now_s() - t0;
  long steps = trainer_total_steps(e->tr) - s0;
  double cpu = thread_cpu_s() - cpu0;
  printf("headless %dx%d: %ld frames in %.1f s = %.1f frames/s while training (%.0f training steps/s over all "
         "models); drawing thread CPU %.1f ms/frame (%.0f frames/s if it has a core to itself)\n",
         gfx_width(g), gfx_height(g), frames, dt, (double)frames / dt, (double)steps / dt,
         1e3 * cpu / (double)(frames ? frames : 1), cpu > 0 ? (double)frames / cpu : 0.0);
  explorer_play(e, 0);
  return 0;
}

int cmd_render(int argc, char **argv) {
  ex_args a;
  args_default(&a);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: rnnlab render --train-steps N --out fig.png [--panel NAME] [--size WxH] [--scale 1|2]\n"
             "                     [--theme light|dark]\n"
             "       rnnlab render --bench-fps SECONDS [--size WxH]\n\n"
             "Trains the explorer's models N steps (both cores) and draws the explorer's view, or one panel,\n"
             "with no display.\n\n");
      explorer_help(stdout, "render");
      printf("  --panel NAME        only this panel, filling the image\n"
             "  --scale 1|2         twice the pixels with the same layout (print); default 1\n"
             "  --script \"...\"     events before drawing: keys:..., click:X,Y, drag:..., train:N, export:PANEL\n"
             "  --bench-fps SECONDS frames per second of the full view while both models train\n");
      return 0;
    }
    int r = parse_common(&a, "render", argc, argv, &i);
    if (r < 0) return 2;
    if (r > 0) continue;
    const char *v;
    if (!strcmp(argv[i], "--out")) {
      if (!(v = arg_value("render", argc, argv, &i))) return 2;
      a.out = v;
    } else if (!strcmp(argv[i], "--panel")) {
      if (!(v = arg_value("render", argc, argv, &i))) return 2;
      a.panel = v;
    } else if (!strcmp(argv[i], "--scale")) {
      if (!(v = arg_value("render", argc, argv, &i)) || arg_int("render", "--scale", v, 1, 2, &a.scale)) return 2;
    } else if (!strcmp(argv[i], "--train-steps")) {
      int n;
      if (!(v = arg_value("render", argc, argv, &i)) || arg_int("render", "--train-steps", v, 0, 10000000, &n)) return 2;
      a.train_steps = n;
    } else if (!strcmp(argv[i], "--bench-fps")) {
      float s;
      if (!(v = arg_value("render", argc, argv, &i)) || arg_float("render", "--bench-fps", v, 0.5, 3600, &s)) return 2;
      a.bench_s = s;
    } else {
      fprintf(stderr, "rnnlab render: unknown option '%s' (see rnnlab render --help)\n", argv[i]);
      return 2;
    }
  }
  if (!a.out && a.bench_s <= 0) {
    fprintf(stderr, "rnnlab render: --out FILE.png is required\n");
    return 2;
  }
  load_colormaps();
  rl_error err;
  gfx *g = gfx_create_headless(a.w * a.scale, a.h * a.scale, &err);
  if (!g) {
    fprintf(stderr, "rnnlab render: %s\n", err.msg);
    return 1;
  }
  gfx_set_theme(g, theme_get(a.theme));
  explorer *e = NULL;
  if (explorer_create(g, &a.ex, &e, &err)) {
    fprintf(stderr, "rnnlab render: %s\n", err.msg);
    gfx_destroy(g);
    return 1;
  }
  int rc = 0;
  if (apply_view_args(e, &a, "render")) rc = 2;
  if (!rc && a.bench_s > 0) rc = bench_headless(e, g, a.bench_s);
  if (!rc && a.train_steps > 0) {
    explorer_train(e, a.train_steps);
    /* generous: a slow sanitizer build trains much slower */
    if (explorer_wait(e, 600.0)) {
      fprintf(stderr, "rnnlab render: training did not finish in time\n");
      rc = 1;
    }
  } else if (!rc) {
    explorer_wait(e, 30.0);
  }
  if (!rc && a.script) {
    script sc;
    script_init(&sc, a.script);
    explorer_frame(e); /* lay out once so clicks find the panels */
    for (int guard = 0; guard < 100000; guard++) {
      int s = script_step(&sc, e, deliver_direct, e, &err);
      if (s < 0) {
        fprintf(stderr, "rnnlab render: %s\n", err.msg);
        rc = 2;
        break;
      }
      if (s > 0 || (sc.pos >= sc.n && !sc.keys_rest && sc.frames_left == 0 && sc.wait_until == 0)) break;
      explorer_frame(e);
    }
    explorer_wait(e, 60.0);
    /* an export the script asked for (F12, a panel's export button) failed: the window shows it in
     * its header; a script's caller needs the message and the exit status */
    if (!rc && e->notice_error && !strncmp(e->notice, "Export failed", 13)) {
      fprintf(stderr, "rnnlab render: %s\n", e->notice);
      rc = 1;
    }
  }
  if (!rc && a.out) {
    rc = render_to(e, g, &a, "render");
    if (!rc) {
      long step = 0;
      for (int k = 0; k < TR_MAX_SLOTS; k++)
        if (e->snap.slot[k].used && e->snap.slot[k].step > step) step = e->snap.slot[k].step;
      printf("wrote %s (%dx%d, step %ld)\n", a.out, gfx_width(g), gfx_height(g), step);
    }
  }
  explorer_destroy(e);
  gfx_destroy(g);
  return rc;
}

int cmd_view(int argc, char **argv) {
  ex_args a;
  args_default(&a);
  a.w = 1600;
  a.h = 900;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: rnnlab view MODEL.safetensors --text \"...\" [--out fig.png] [--size WxH] [--theme light|dark]\n\n"
             "Shows a model's gates, states and gradient norms on a sentence (rnnlab's own model files or\n"
             "a PyTorch state_dict saved with safetensors and rnnlab vocabulary metadata). With --out the\n"
             "view is drawn to a PNG with no display; otherwise a window opens.\n");
      return 0;
    }
    int r = parse_common(&a, "view", argc, argv, &i);
    if (r < 0) return 2;
    if (r > 0) continue;
    const char *v;
    if (!strcmp(argv[i], "--out")) {
      if (!(v = arg_value("view", argc, argv, &i))) return 2;
      a.out = v;
    } else if (!strcmp(argv[i], "--panel")) {
      if (!(v = arg_value("view", argc, argv, &i))) return 2;
      a.panel = v;
    } else if (argv[i][0] != '-' && !a.model_path) {
      a.model_path = argv[i];
    } else {
      fprintf(stderr, "rnnlab view: unknown option '%s' (see rnnlab view --help)\n", argv[i]);
      return 2;
    }
  }
  if (!a.model_path || !a.text) {
    fprintf(stderr, "rnnlab view: usage: rnnlab view MODEL.safetensors --text \"...\"\n");
    return 2;
  }
  rl_error err;
  rl_model *m = NULL;
  if (rl_model_load(a.model_path, &m, &err)) {
    fprintf(stderr, "rnnlab view: %s\n", err.msg);
    return 1;
  }
  load_colormaps();
  if (!a.out) return run_window(&a, m, "view");
  gfx *g = gfx_create_headless(a.w, a.h, &err);
  if (!g) {
    fprintf(stderr, "rnnlab view: %s\n", err.msg);
    rl_model_free(m);
    return 1;
  }
  gfx_set_theme(g, theme_get(a.theme));
  explorer *e = NULL;
  if (explorer_create_view(g, m, a.text, &e, &err)) {
    fprintf(stderr, "rnnlab view: %s\n", err.msg);
    gfx_destroy(g);
    return 1;
  }
  snprintf(e->model_path, sizeof e->model_path, "%s", a.model_path);
  int rc = apply_view_args(e, &a, "view");
  explorer_wait(e, 30.0);
  if (!rc) rc = render_to(e, g, &a, "view");
  if (!rc) printf("wrote %s\n", a.out);
  explorer_destroy(e);
  gfx_destroy(g);
  return rc;
}
