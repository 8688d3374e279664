/* Subcommands of the rnnlab executable. Each takes argv starting at the command name and
 * returns the process exit code (0 success, 1 runtime failure, 2 bad usage).
 *
 * app/cli owns the command line: one file per subcommand (cmd_NAME.c), what several share
 * (cli_args: parsing; explorer_cli, explorer_window, script: the explorer's commands; lesson_cli:
 * the lesson commands), progress bars, and the experiments (one file each on experiment_common.c
 * and stats.c). It may call every other folder -- lessons, explorer, draw, host -- and the engine;
 * it decides what is printed and the exit code (the host only reports a window it cannot open). */
#ifndef RNNLAB_COMMANDS_H
#define RNNLAB_COMMANDS_H
#include "train.h"
#include <stdio.h>

typedef struct {
  const char *name;
  const char *help;
  int (*run)(int argc, char **argv);
} rl_command;

/* No command (or only options such as --lesson): the explorer. */
int cmd_default(int argc, char **argv);
/* The explorer window's options (rnnlab --help and rnnlab [OPTIONS] --help print the same). */
void cmd_default_help(FILE *f);
int cmd_init(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_bench(int argc, char **argv);
/* Training from the command line (cmd_train.c). */
int cmd_train(int argc, char **argv);
/* train's option parsing alone (tests/fuzz): 0 valid (*out and *steps are what a run would use),
 * 1 help printed, 2 usage error (message printed). */
int cmd_train_parse(int argc, char **argv, rl_train_opts *out, long *steps);
int cmd_sample(int argc, char **argv);
int cmd_experiment(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_view(int argc, char **argv);
/* Lessons: `rnnlab --lesson N` (cmd_present.c), `rnnlab render --lesson N --step K` (cmd_render.c),
 * `rnnlab export-lesson N --out DIR` (cmd_export_lesson.c). */
int cmd_present(int argc, char **argv);
int cmd_render_lesson(int argc, char **argv);
int cmd_export_lesson(int argc, char **argv);

#endif
