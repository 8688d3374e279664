/* `rnnlab render`: the explorer's view (or one panel) drawn headless to a PNG after training,
 * optionally after a script of injected input; --bench-fps measures the drawing. (`render --lesson`
 * is cmd_render_lesson, with the other lesson commands' options in lesson_cli.c.) */
#include "commands.h"
#include "cli_args.h"
#include "explorer_cli.h"
#include "lesson_cli.h"
#include "script.h"
#include <stdio.h>
#include <string.h>

static void render_help(void) {
  printf("usage: rnnlab render --train-steps N --out fig.png [--panel NAME] [--size WxH] [--scale 1|2]\n"
         "                     [--theme light|dark]\n"
         "       rnnlab render --bench-fps SECONDS [--size WxH]\n\n"
         "Trains the explorer's models N steps (both cores) and draws the explorer's view, or one panel,\n"
         "with no display.\n\n");
  view_args_help(stdout, "render");
  printf("  --panel NAME        only this panel, filling the image\n"
         "  --scale 1|2         twice the pixels with the same layout (print); default 1\n"
         "  --script \"...\"     events before drawing: keys:..., click:X,Y, drag:..., train:N, export:PANEL\n"
         "  --bench-fps SECONDS frames per second of the full view while both models train\n");
}

/* render's own options. 1 consumed, 0 not one of them, -1 bad value (message printed). */
static int parse_render_opt(view_args *a, int argc, char **argv, int *i) {
  const char *o = argv[*i], *v;
  int is = !strcmp(o, "--out") || !strcmp(o, "--panel") || !strcmp(o, "--scale") || !strcmp(o, "--train-steps") ||
           !strcmp(o, "--bench-fps");
  if (!is) return 0;
  if (!(v = arg_value("render", argc, argv, i))) return -1;
  if (!strcmp(o, "--out")) {
    a->out = v;
  } else if (!strcmp(o, "--panel")) {
    a->panel = v;
  } else if (!strcmp(o, "--scale")) {
    if (arg_int("render", o, v, 1, 2, &a->scale)) return -1;
  } else if (!strcmp(o, "--train-steps")) {
    int n;
    if (arg_int("render", o, v, 0, 10000000, &n)) return -1;
    a->train_steps = n;
  } else {
    float s;
    if (arg_float("render", o, v, 0.5, 3600, &s)) return -1;
    a->bench_s = s;
  }
  return 1;
}

static int bench_headless(explorer *e, gfx *g, double seconds) {
  explorer_play(e, 1);
  double t0 = cli_now_s();
  long frames = 0;
  long s0 = explorer_total_steps(e);
  double cpu0 = cli_thread_cpu_s();
  while (cli_now_s() - t0 < seconds) {
    explorer_frame(e);
    gfx_present(g);
    frames++;
  }
  double dt = cli_now_s() - t0;
  long steps = explorer_total_steps(e) - s0;
  double cpu = cli_thread_cpu_s() - cpu0;
  printf("headless %dx%d: %ld frames in %.1f s = %.1f frames/s while training (%.0f training steps/s over all "
         "models); drawing thread CPU %.1f ms/frame (%.0f frames/s if it has a core to itself)\n",
         gfx_width(g), gfx_height(g), frames, dt, (double)frames / dt, (double)steps / dt,
         1e3 * cpu / (double)(frames ? frames : 1), cpu > 0 ? (double)frames / cpu : 0.0);
  explorer_play(e, 0);
  return 0;
}

static void deliver_direct(void *ctx, const ui_event *ev) { explorer_handle_event((explorer *)ctx, ev); }

/* Runs --script headless, a frame after each command, then waits for what it queued. */
static int run_script(explorer *e, const char *text) {
  rl_error err;
  script sc;
  script_init(&sc, text);
  explorer_frame(e); /* lay out once so clicks find the panels */
  for (int guard = 0; guard < 100000; guard++) {
    int s = script_step(&sc, e, deliver_direct, e, &err);
    if (s < 0) {
      fprintf(stderr, "rnnlab render: %s\n", err.msg);
      return 2;
    }
    if (s > 0 || script_done(&sc)) break;
    explorer_frame(e);
  }
  explorer_wait(e, 60.0);
  /* an export the script asked for (F12, a panel's export button) failed: the window shows it in
   * its header; a script's caller needs the message and the exit status */
  int is_error;
  const char *notice = explorer_notice_text(e, &is_error);
  if (is_error && !strncmp(notice, "Export failed", 13)) {
    fprintf(stderr, "rnnlab render: %s\n", notice);
    return 1;
  }
  return 0;
}

/* Trains, runs the script, draws: the exit code. */
static int render(explorer *e, gfx *g, const view_args *a) {
  int rc = view_args_apply(e, a, "render") ? 2 : 0;
  if (!rc && a->bench_s > 0) rc = bench_headless(e, g, a->bench_s);
  if (!rc && a->train_steps > 0) {
    explorer_train(e, a->train_steps);
    /* generous: a slow sanitizer build trains much slower */
    if (explorer_wait(e, 600.0)) {
      fprintf(stderr, "rnnlab render: training did not finish in time\n");
      rc = 1;
    }
  } else if (!rc) {
    explorer_wait(e, 30.0);
  }
  if (!rc && a->script) rc = run_script(e, a->script);
  if (!rc && a->out) {
    rc = explorer_png(e, g, a, "render");
    if (!rc) printf("wrote %s (%dx%d, step %ld)\n", a->out, gfx_width(g), gfx_height(g), explorer_step(e));
  }
  return rc;
}

int cmd_render(int argc, char **argv) {
  view_args a;
  view_args_default(&a);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      render_help();
      return 0;
    }
    int r = view_args_parse(&a, "render", argc, argv, &i);
    if (r == 0) r = parse_render_opt(&a, argc, argv, &i);
    if (r < 0) return 2;
    if (r == 0) {
      fprintf(stderr, "rnnlab render: unknown option '%s' (see rnnlab render --help)\n", argv[i]);
      return 2;
    }
  }
  if (!a.out && a.bench_s <= 0) {
    fprintf(stderr, "rnnlab render: --out FILE.png is required\n");
    return 2;
  }
  cli_load_colormaps();
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
  int rc = render(e, g, &a);
  explorer_destroy(e);
  gfx_destroy(g);
  return rc;
}

/* `rnnlab render --lesson N --step K`: step K as the presenter shows it after steps 1..K. */
int cmd_render_lesson(int argc, char **argv) {
  lesson_args a;
  lesson_args_default(&a);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: rnnlab render --lesson N [--step K] --out fig.png [options]\n\n"
             "Draws step K (default 1) of lesson N without a display, exactly as the presenter shows it\n"
             "after stepping through steps 1..K (their training runs first).\n\n");
      lesson_args_help(stdout);
      return 0;
    }
    int r = lesson_args_parse(&a, "render", argc, argv, &i);
    if (r < 0) return 2;
    if (r == 0) {
      fprintf(stderr, "rnnlab render: '%s' is not a lesson option (see rnnlab render --lesson 1 --help)\n", argv[i]);
      return 2;
    }
  }
  if (a.number < 0 || !a.out) {
    fprintf(stderr, "rnnlab render: --lesson N and --out FILE.png are required\n");
    return 2;
  }
  rl_lesson_set set;
  const rl_lesson *l;
  if (lesson_cli_load(&a, "render", &set, &l)) {
    rl_lesson_set_free(&set);
    return 1;
  }
  int step = a.step ? a.step - 1 : 0;
  if (step >= l->nsteps) {
    fprintf(stderr, "rnnlab render: lesson %d has steps 1 to %d, not %d\n", l->number, l->nsteps, step + 1);
    rl_lesson_set_free(&set);
    return 2;
  }
  lesson_headless h;
  int rc = lesson_headless_open(&a, "render", &h);
  if (!rc) {
    rl_error err;
    if (lesson_replay_to(h.e, l, step, 900.0, &err)) {
      fprintf(stderr, "rnnlab render: %s\n", err.msg);
      rc = 1;
    } else {
      rc = lesson_headless_save(&h, l, step, a.out, "render");
    }
    lesson_headless_close(&h);
  }
  rl_lesson_set_free(&set);
  return rc;
}

