/* `rnnlab export-lesson N --out DIR`: every step of a lesson as DIR/lessonNN-stepKK.png, for slides. */
#include "commands.h"
#include "cli_args.h"
#include "lesson_cli.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int cmd_export_lesson(int argc, char **argv) {
  lesson_args a;
  lesson_args_default(&a);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: rnnlab export-lesson N --out DIR [options]\n\n"
             "Steps through lesson N headlessly (running its training) and writes every step as\n"
             "DIR/lessonNN-stepKK.png, ready for slides.\n\n");
      lesson_args_help(stdout);
      return 0;
    }
    if (argv[i][0] != '-' && a.number < 0) {
      if (arg_int("export-lesson", "lesson number", argv[i], 0, 999, &a.number)) return 2;
      continue;
    }
    int r = lesson_args_parse(&a, "export-lesson", argc, argv, &i);
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
  for (int s = 0; !rc && s < l->nsteps; s++) {
    rl_error err;
    /* Applying the steps in order is exactly lesson_replay_to(s) for every s, without re-training
     * the earlier steps each time. */
    if (s == 0) explorer_play(h.e, 0);
    if (lesson_apply_step(h.e, l, s, LESSON_RUN_TRAIN | LESSON_WAIT, &err)) {
      fprintf(stderr, "rnnlab export-lesson: %s\n", err.msg);
      rc = 1;
      break;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/lesson%02d-step%02d.png", a.out, l->number, s + 1);
    rc = lesson_headless_save(&h, l, s, path, "export-lesson");
  }
  if (h.e) lesson_headless_close(&h);
  rl_lesson_set_free(&set);
  return rc;
}

