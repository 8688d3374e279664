/* What the lesson commands share -- `rnnlab --lesson N` (cmd_present.c), `rnnlab render --lesson
 * N` (cmd_render.c) and `rnnlab export-lesson N` (cmd_export_lesson.c): their options, loading a
 * lesson, and a headless presenter that draws a step to a PNG. Steps are numbered from 1 on the
 * command line, as on screen. */
#ifndef RNNLAB_LESSON_CLI_H
#define RNNLAB_LESSON_CLI_H
#include "lessons/presenter.h"
#include <stdio.h>

typedef struct {
  int number;           /* lesson */
  int step;             /* 1-based, 0 = not given */
  const char *out;
  const char *dir;
  int w, h;
  theme_id theme;
  int fullscreen;
  const char *keys;     /* window: keys injected one per frame, then quit */
} lesson_args;

void lesson_args_default(lesson_args *a);
/* Parses the options every lesson command shares. Returns 1 consumed, 0 not ours, -1 error. */
int lesson_args_parse(lesson_args *a, const char *cmd, int argc, char **argv, int *i);
void lesson_args_help(FILE *f);
/* Loads lesson a->number from its folder (set must be freed by the caller either way). Prints the
 * message and returns 1 on failure. */
int lesson_cli_load(const lesson_args *a, const char *cmd, rl_lesson_set *set, const rl_lesson **out);

/* An explorer drawing into an image of a->w x a->h, for slides. */
typedef struct {
  gfx *g;
  explorer *e;
} lesson_headless;

int lesson_headless_open(const lesson_args *a, const char *cmd, lesson_headless *h);
void lesson_headless_close(lesson_headless *h);
/* Draws step `step` of l as the presenter shows it and writes path. Returns the exit code. */
int lesson_headless_save(lesson_headless *h, const rl_lesson *l, int step, const char *path, const char *cmd);

#endif
