/* `rnnlab render`: the explorer's view (or one panel) drawn headless to a PNG after training,
 * optionally after a script of injected input; --bench-fps measures the drawing. (`render --lesson`
 * is cmd_render_lesson, with the other lesson commands' options in lesson_cli.c.) */
#include "commands.h"
#include "cli_args.h"
#include "explorer_cli.h"
#include "lesson_cli.h"
#include "script.h"
#include "draw/gif.h"
#include "modelfile.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void render_help(void) {
  printf("usage: rnnlab render --train-steps N --out fig.png|fig.svg|fig.pdf [--panel NAME] [--size WxH]\n"
         "                     [--scale 1|2] [--theme light|dark]\n"
         "       rnnlab render --train-steps N --frames K --out anim.gif [--fps F] [--panel NAME] [--size WxH]\n"
         "       rnnlab render --model M.safetensors --text-file F --out fig.png|fig.svg|fig.pdf\n"
         "                     [--panel units --unit 1:3:c]\n"
         "       rnnlab render --bench-fps SECONDS [--size WxH]\n\n"
         "Trains the explorer's models N steps (both cores) and draws the explorer's view, or one panel,\n"
         "with no display. The format follows the file name: PNG, SVG or PDF (vector: text stays text,\n"
         "heatmaps are images at one pixel per cell). A .gif records K frames spaced evenly over the N\n"
         "steps (the first before training). Every file carries this command line as metadata.\n\n");
  view_args_help(stdout, "render");
  printf("  --panel NAME        only this panel, filling the image\n"
         "  --scale 1|2         twice the pixels with the same layout (print); default 1\n"
         "  --script \"...\"     events before drawing: keys:..., click:X,Y, drag:..., train:N, export:PANEL\n"
         "  --frames K          animation (.gif): frames recorded while training (1..2000)\n"
         "  --fps F             animation: frames per second when played (1..50, default 10)\n"
         "  --bench-fps SECONDS frames per second of the full view while both models train\n");
}

/* render's own options. 1 consumed, 0 not one of them, -1 bad value (message printed). */
static int parse_render_opt(view_args *a, int argc, char **argv, int *i) {
  const char *o = argv[*i], *v;
  int is = !strcmp(o, "--out") || !strcmp(o, "--panel") || !strcmp(o, "--scale") || !strcmp(o, "--train-steps") ||
           !strcmp(o, "--bench-fps") || !strcmp(o, "--frames") || !strcmp(o, "--fps");
  if (!is) return 0;
  if (!(v = arg_value("render", argc, argv, i))) return -1;
  if (!strcmp(o, "--out")) {
    a->out = v;
  } else if (!strcmp(o, "--panel")) {
    a->panel = v;
  } else if (!strcmp(o, "--frames")) {
    if (arg_int("render", o, v, 1, 2000, &a->frames)) return -1;
  } else if (!strcmp(o, "--fps")) {
    if (arg_int("render", o, v, 1, 50, &a->fps)) return -1;
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

/* The output's format (-1: a usage error) and folder (-2: cannot write there), checked before
 * training, which may take minutes. */
static int check_out(const view_args *a) {
  rl_error err;
  gfx_file_kind kind;
  if (gfx_file_kind_of(a->out, &kind, &err)) {
    fprintf(stderr, "rnnlab render: --out %s\n", err.msg);
    return -1;
  }
  if ((kind == GFX_FILE_GIF) != (a->frames > 0)) {
    fprintf(stderr, kind == GFX_FILE_GIF ? "rnnlab render: a .gif is an animation: give --frames K (and --train-steps N)\n"
                                         : "rnnlab render: --frames records an animation: --out must end in .gif\n");
    return -1;
  }
  char dir[1024];
  snprintf(dir, sizeof dir, "%s", a->out);
  char *slash = strrchr(dir, '/');
  if (slash) *(slash == dir ? slash + 1 : slash) = 0;
  else snprintf(dir, sizeof dir, ".");
  struct stat st;
  errno = 0;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0) {
    fprintf(stderr, "rnnlab render: --out %s: cannot write in folder '%s': %s\n", a->out, dir,
            errno ? strerror(errno) : "not a folder");
    return -2;
  }
  return 0;
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

/* Records a->frames frames spaced over a->train_steps steps of training into a->out (GIF). */
static int animate(explorer *e, gfx *g, const view_args *a) {
  rl_error err;
  rl_panel p = 0;
  if (a->panel && rl_panel_parse(a->panel, &p)) {
    fprintf(stderr, "rnnlab render: --panel: unknown panel '%s'\n", a->panel);
    return 2;
  }
  float sc = (float)a->h / 1080.0f;
  gfx_set_scale_override(g, p && sc < 1.0f ? 1.0f : sc);
  gfx_set_export_factor(g, (float)a->scale);
  int w = gfx_width(g), h = gfx_height(g), K = a->frames;
  gif_anim *anim = gif_begin(w, h, (100 + a->fps / 2) / a->fps, &err);
  uint8_t *px = anim ? malloc((size_t)w * h * 4) : NULL;
  int rc = anim && px ? 0 : 1;
  if (rc) fprintf(stderr, "rnnlab render: %s\n", anim ? "out of memory" : err.msg);
  long done = 0;
  for (int k = 0; !rc && k < K; k++) {
    /* frame k after round(N k / (K - 1)) steps: the first untrained, the last after all N */
    long target = K == 1 ? a->train_steps : (long)((double)a->train_steps * k / (K - 1) + 0.5);
    if (target > done) explorer_train(e, target - done);
    done = target;
    if (explorer_wait(e, 600.0)) {
      fprintf(stderr, "rnnlab render: training did not finish in time\n");
      rc = 1;
      break;
    }
    explorer_draw_figure(e, p);
    if (gfx_read_pixels(g, gfx_r(0, 0, w, h), px, &err) || gif_add_frame(anim, px, &err)) {
      fprintf(stderr, "rnnlab render: %s\n", err.msg);
      rc = 1;
    }
    gfx_present(g);
    fprintf(stderr, "\rrnnlab render: frame %d of %d (step %ld)", k + 1, K, explorer_step(e));
  }
  if (!rc) {
    fprintf(stderr, "\n");
    if (gif_save(anim, a->out, a->command, &err)) {
      fprintf(stderr, "rnnlab render: %s\n", err.msg);
      rc = 1;
    } else {
      int me;
      double mean;
      gif_palette_error(anim, &me, &mean);
      printf("wrote %s (%dx%d, %d frames at %d fps, steps 0 to %ld; palette error mean %.2f, max %d levels)\n",
             a->out, w, h, K, a->fps, explorer_step(e), mean, me);
    }
  }
  free(px);
  gif_free(anim);
  return rc;
}

/* Trains, runs the script, draws: the exit code. */
static int render(explorer *e, gfx *g, const view_args *a) {
  int rc = view_args_apply(e, a, "render") ? 2 : 0;
  if (!rc && a->frames > 0) return animate(e, g, a);
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
  if (!rc) rc = view_args_apply_unit(e, a, "render") ? 2 : 0;
  if (!rc && a->script) rc = run_script(e, a->script);
  if (!rc && a->out) {
    rc = explorer_png(e, g, a, "render");
    if (!rc) printf("wrote %s (%dx%d, step %ld)\n", a->out, gfx_width(g), gfx_height(g), explorer_step(e));
  }
  return rc;
}

/* render --model M: the model file on --text / --text-file, nothing trains. 0 or -1 (printed). */
static int create_model_view(gfx *g, const view_args *a, explorer **e) {
  rl_error err;
  rl_model *m = NULL;
  char *text = NULL;
  if (view_args_text(a, "render", &text)) return -1;
  if (rl_model_load(a->model_path, &m, &err) || explorer_create_view(g, m, text, e, &err)) {
    fprintf(stderr, "rnnlab render: %s\n", err.msg);
    free(text);
    return -1;
  }
  free(text);
  return 0;
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
    fprintf(stderr, "rnnlab render: --out FILE.png (or .svg, .pdf, .gif) is required\n");
    return 2;
  }
  int bad_out = a.out ? check_out(&a) : 0;
  if (bad_out) return bad_out == -1 ? 2 : 1;
  char command[2048];
  cli_command_line(argc, argv, command, sizeof command);
  a.command = command;
  cli_load_colormaps();
  rl_error err;
  gfx *g = gfx_create_headless(a.w * a.scale, a.h * a.scale, &err);
  if (!g) {
    fprintf(stderr, "rnnlab render: %s\n", err.msg);
    return 1;
  }
  gfx_set_theme(g, theme_get(a.theme));
  explorer *e = NULL;
  if (a.model_path ? create_model_view(g, &a, &e) : explorer_create(g, &a.ex, &e, &err)) {
    if (!a.model_path) fprintf(stderr, "rnnlab render: %s\n", err.msg);
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
    fprintf(stderr, "rnnlab render: --lesson N and --out FILE.png (or .svg, .pdf) are required\n");
    return 2;
  }
  char command[2048];
  cli_command_line(argc, argv, command, sizeof command);
  a.command = command;
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
      rc = lesson_headless_save(&h, l, step, a.out, "render", a.command);
    }
    lesson_headless_close(&h);
  }
  rl_lesson_set_free(&set);
  return rc;
}

