/* What the lesson commands share (lesson_cli.h): options, loading a lesson, the headless presenter. */
#define _POSIX_C_SOURCE 200809L
#include "lesson_cli.h"
#include "cli_args.h"
#include "commands.h"
#include "host/files.h"
#include "lessons/presenter.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int parse_size(const char *cmd, const char *v, int *w, int *h) {
  char *x;
  long a = strtol(v, &x, 10);
  if (*x != 'x') goto bad;
  char *end;
  long b = strtol(x + 1, &end, 10);
  if (*end || a < 320 || b < 240 || a > 8192 || b > 8192) goto bad;
  *w = (int)a;
  *h = (int)b;
  return 0;
bad:
  fprintf(stderr, "rnnlab %s: --size: expected WxH between 320x240 and 8192x8192, got '%s'\n", cmd, v);
  return -1;
}

/* Parses the options every lesson command shares. Returns 1 consumed, 0 not ours, -1 error. */
int lesson_args_parse(lesson_args *a, const char *cmd, int argc, char **argv, int *i) {
  const char *o = argv[*i], *v;
  if (!strcmp(o, "--lesson")) {
    if (!(v = arg_value(cmd, argc, argv, i))) return -1;
    return arg_int(cmd, o, v, 0, 999, &a->number) ? -1 : 1;
  }
  if (!strcmp(o, "--step")) {
    if (!(v = arg_value(cmd, argc, argv, i))) return -1;
    /* the upper bound is the lesson's own step count, checked once the lesson is loaded */
    if (arg_int(cmd, o, v, INT_MIN, INT_MAX, &a->step)) return -1;
    if (a->step < 1) {
      fprintf(stderr, "rnnlab %s: --step counts from 1, not %d\n", cmd, a->step);
      return -1;
    }
    return 1;
  }
  if (!strcmp(o, "--out")) return (a->out = arg_value(cmd, argc, argv, i)) ? 1 : -1;
  if (!strcmp(o, "--lessons")) return (a->dir = arg_value(cmd, argc, argv, i)) ? 1 : -1;
  if (!strcmp(o, "--size")) {
    if (!(v = arg_value(cmd, argc, argv, i))) return -1;
    return parse_size(cmd, v, &a->w, &a->h) ? -1 : 1;
  }
  if (!strcmp(o, "--theme")) {
    if (!(v = arg_value(cmd, argc, argv, i))) return -1;
    if (theme_parse(v, &a->theme)) {
      fprintf(stderr, "rnnlab %s: --theme: expected dark or light, got '%s'\n", cmd, v);
      return -1;
    }
    return 1;
  }
  return 0;
}

void lesson_args_default(lesson_args *a) {
  memset(a, 0, sizeof *a);
  a->number = -1;
  a->w = 1920;
  a->h = 1080;
  a->theme = THEME_DARK;
}

void lesson_args_help(FILE *f) {
  fprintf(f,
          "Lesson options:\n"
          "  --lesson N          the lesson number (lessons/NN-*.lesson, 'lesson: N' inside)\n"
          "  --lessons DIR       lesson folder (default: $RNNLAB_LESSONS, ./lessons, or the source tree's)\n"
          "  --size WxH          image size (default 1920x1080); with --window, the window's (1600x900)\n"
          "  --theme dark|light  dark for projectors (default), light for paper\n");
}

/* Loads lesson a->number from its folder; prints the message and returns 1 on failure. */
int lesson_cli_load(const lesson_args *a, const char *cmd, rl_lesson_set *set, const rl_lesson **out) {
  rl_error err;
  const char *dir = host_lessons_dir(a->dir);
  if (rl_lesson_dir_load(dir, set, &err)) {
    fprintf(stderr, "rnnlab %s: %s\n", cmd, err.msg);
    return 1;
  }
  int i = rl_lesson_set_find(set, a->number);
  if (i < 0) {
    for (int k = 0; k < set->n; k++)
      if (set->entries[k].number == a->number) {
        fprintf(stderr, "rnnlab %s: %s\n", cmd, set->entries[k].error.msg);
        return 1;
      }
    fprintf(stderr, "rnnlab %s: no lesson %d in %s (%d lesson files there)\n", cmd, a->number, dir, set->n);
    return 1;
  }
  *out = &set->entries[i].lesson;
  return 0;
}

int lesson_headless_open(const lesson_args *a, const char *cmd, lesson_headless *h) {
  rl_error err;
  cli_load_colormaps();
  h->e = NULL;
  h->g = gfx_create_headless(a->w, a->h, &err);
  if (!h->g) {
    fprintf(stderr, "rnnlab %s: %s\n", cmd, err.msg);
    return 1;
  }
  gfx_set_theme(h->g, theme_get(a->theme));
  explorer_opts o = explorer_opts_default();
  o.autoplay = 0;
  if (explorer_create(h->g, &o, &h->e, &err)) {
    fprintf(stderr, "rnnlab %s: %s\n", cmd, err.msg);
    gfx_destroy(h->g);
    return 1;
  }
  return 0;
}

void lesson_headless_close(lesson_headless *h) {
  explorer_destroy(h->e);
  gfx_destroy(h->g);
}

int lesson_headless_save(lesson_headless *h, const rl_lesson *l, int step, const char *path, const char *cmd) {
  rl_error err;
  explorer_clear_notice(h->e); /* slides carry no transient "settings changed" notices */
  presenter_draw_step(h->e, h->g, l, step);
  if (gfx_save_png(h->g, path, &err)) {
    fprintf(stderr, "rnnlab %s: %s\n", cmd, err.msg);
    return 1;
  }
  printf("wrote %s (lesson %d, step %d of %d: %s)\n", path, l->number, step + 1, l->nsteps, l->steps[step].title);
  return 0;
}

