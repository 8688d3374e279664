/* `rnnlab export-lesson N --out DIR`: every step of a lesson as DIR/lessonNN-stepKK.png (or .svg,
 * .pdf), for slides; --animate adds DIR/lessonNN-stepKK.gif for each step that trains, recorded
 * while it trains. */
#include "commands.h"
#include "cli_args.h"
#include "draw/gif.h"
#include "lesson_cli.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  gfx_file_kind kind; /* the stills */
  int animate, frames, fps;
} export_opts;

/* export-lesson's own options: 1 consumed, 0 not one, -1 bad value (message printed). */
static int parse_export_opt(export_opts *o, int argc, char **argv, int *i) {
  const char *opt = argv[*i], *v;
  if (!strcmp(opt, "--animate")) return o->animate = 1;
  if (strcmp(opt, "--format") && strcmp(opt, "--frames") && strcmp(opt, "--fps")) return 0;
  if (!(v = arg_value("export-lesson", argc, argv, i))) return -1;
  if (!strcmp(opt, "--frames")) return arg_int("export-lesson", opt, v, 1, 2000, &o->frames) ? -1 : 1;
  if (!strcmp(opt, "--fps")) return arg_int("export-lesson", opt, v, 1, 50, &o->fps) ? -1 : 1;
  for (int k = GFX_FILE_PNG; k <= GFX_FILE_PDF; k++)
    if (!strcmp(v, gfx_file_ext((gfx_file_kind)k))) {
      o->kind = (gfx_file_kind)k;
      return 1;
    }
  fprintf(stderr, "rnnlab export-lesson: --format: expected png, svg or pdf, got '%s' (--animate adds GIFs)\n", v);
  return -1;
}

static long step_training(const rl_lesson *l, int s) {
  long n = 0;
  for (int a = 0; a < l->steps[s].nactions; a++)
    if (l->steps[s].actions[a].kind == RL_ACT_TRAIN) n += l->steps[s].actions[a].n;
  return n;
}

/* Step s applied without its training, then trained in o->frames pieces, a frame after each. */
static int animate_step(lesson_headless *h, const rl_lesson *l, int s, long steps, const export_opts *o,
                        const char *path, const char *command) {
  rl_error err;
  int w = gfx_width(h->g), hh = gfx_height(h->g), K = o->frames;
  if (lesson_apply_step(h->e, l, s, 0, &err) || explorer_wait(h->e, 60.0) /* the snapshot after a reset */) {
    fprintf(stderr, "rnnlab export-lesson: %s\n", err.msg);
    return 1;
  }
  gif_anim *anim = gif_begin(w, hh, (100 + o->fps / 2) / o->fps, &err);
  uint8_t *px = anim ? malloc((size_t)w * hh * 4) : NULL;
  int rc = !anim ? -1 : !px ? rl_fail(&err, "out of memory") : 0;
  long done = 0;
  explorer_train_run(h->e, steps);
  for (int k = 0; !rc && k < K; k++) {
    long target = K == 1 ? steps : (long)((double)steps * k / (K - 1) + 0.5);
    if (target > done) explorer_train_part(h->e, target - done);
    done = target;
    if (explorer_wait(h->e, 900.0)) rc = rl_fail(&err, "lesson %d step %d: training did not finish in time", l->number, s + 1);
    if (rc) break;
    explorer_clear_notice(h->e);
    presenter_draw_step(h->e, h->g, l, s);
    rc = gfx_read_pixels(h->g, gfx_r(0, 0, w, hh), px, &err) || gif_add_frame(anim, px, &err) ? -1 : 0;
    gfx_present(h->g);
  }
  if (!rc) rc = gif_save(anim, path, command, &err);
  free(px);
  gif_free(anim);
  if (rc) {
    fprintf(stderr, "rnnlab export-lesson: %s\n", err.msg);
    return 1;
  }
  printf("wrote %s (lesson %d, step %d: %d frames over %ld training steps)\n", path, l->number, s + 1, K, steps);
  return 0;
}

static int export_steps(lesson_headless *h, const rl_lesson *l, const lesson_args *a, const export_opts *o) {
  int rc = 0;
  for (int s = 0; !rc && s < l->nsteps; s++) {
    rl_error err;
    char path[1024];
    long steps = step_training(l, s);
    /* Applying the steps in order is exactly lesson_replay_to(s) for every s, without re-training
     * the earlier steps each time. */
    if (s == 0) explorer_play(h->e, 0);
    if (o->animate && steps > 0) {
      snprintf(path, sizeof path, "%s/lesson%02d-step%02d.gif", a->out, l->number, s + 1);
      rc = animate_step(h, l, s, steps, o, path, a->command);
    } else if (lesson_apply_step(h->e, l, s, LESSON_RUN_TRAIN | LESSON_WAIT, &err)) {
      fprintf(stderr, "rnnlab export-lesson: %s\n", err.msg);
      rc = 1;
    }
    if (rc) break;
    snprintf(path, sizeof path, "%s/lesson%02d-step%02d.%s", a->out, l->number, s + 1, gfx_file_ext(o->kind));
    rc = lesson_headless_save(h, l, s, path, "export-lesson", a->command);
  }
  return rc;
}

int cmd_export_lesson(int argc, char **argv) {
  lesson_args a;
  lesson_args_default(&a);
  export_opts o = {GFX_FILE_PNG, 0, 50, 10};
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: rnnlab export-lesson N --out DIR [--format png|svg|pdf] [--animate [--frames K] [--fps F]]\n"
             "                            [options]\n\n"
             "Steps through lesson N headlessly (running its training) and writes every step as\n"
             "DIR/lessonNN-stepKK.png (or .svg, .pdf: vector, text stays text), ready for slides.\n"
             "--animate also records each step that trains as DIR/lessonNN-stepKK.gif: K frames (default\n"
             "50) spaced over its training, played at F frames per second (default 10).\n"
             "Every file carries this command line as metadata.\n\n");
      lesson_args_help(stdout);
      return 0;
    }
    if (argv[i][0] != '-' && a.number < 0) {
      if (arg_int("export-lesson", "lesson number", argv[i], 0, 999, &a.number)) return 2;
      continue;
    }
    int r = parse_export_opt(&o, argc, argv, &i);
    if (r == 0) r = lesson_args_parse(&a, "export-lesson", argc, argv, &i);
    if (r < 0) return 2;
    if (r == 0) {
      fprintf(stderr, "rnnlab export-lesson: unknown option '%s' (see rnnlab export-lesson --help)\n", argv[i]);
      return 2;
    }
  }
  if (a.number < 0 || !a.out) {
    fprintf(stderr, "rnnlab export-lesson: a lesson number and --out DIR are required\n");
    return 2;
  }
  char command[2048];
  cli_command_line(argc, argv, command, sizeof command);
  a.command = command;
  if (mkdir(a.out, 0777) && errno != EEXIST) {
    fprintf(stderr, "rnnlab export-lesson: cannot create %s: %s\n", a.out, strerror(errno));
    return 1;
  }
  rl_lesson_set set;
  const rl_lesson *l;
  if (lesson_cli_load(&a, "export-lesson", &set, &l)) {
    rl_lesson_set_free(&set);
    return 1;
  }
  lesson_headless h;
  int rc = lesson_headless_open(&a, "export-lesson", &h);
  if (!rc) rc = export_steps(&h, l, &a, &o);
  if (h.e) lesson_headless_close(&h);
  rl_lesson_set_free(&set);
  return rc;
}
