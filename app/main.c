/* rnnlab: one executable. No arguments opens the explorer; otherwise a subcommand. */
#include "cli/commands.h"
#include <stdio.h>
#include <string.h>

static const rl_command COMMANDS[] = {
    {"init", "create a fresh model file", cmd_init},
    {"inspect", "one forward/backward pass on one sequence: loss, probabilities, trace", cmd_inspect},
    {"bench", "training speed (tokens/s, GFLOP/s) on fixed configurations", cmd_bench},
    {"train", "train a model on a task (checkpoints, resume, Ctrl-C saves)", cmd_train},
    {"sample", "next-token distribution and a sampled continuation of a prompt", cmd_sample},
    {"experiment", "measure the slides' claims: horizon, gradients, agreement", cmd_experiment},
    {"render", "draw the explorer (or one panel) to a PNG without a display", cmd_render},
    {"view", "a model file's gates and gradients on a sentence (window or PNG)", cmd_view},
    {"export-lesson", "write every step of a lesson as a PNG, ready for slides", cmd_export_lesson},
};

/* In a sanitizer build (cmake -DRNNLAB_SANITIZE=ON), LeakSanitizer asks for these before reading
 * LSAN_OPTIONS: leaks inside system libraries that rnnlab cannot free -- fontconfig's configuration
 * parser keeps 288 bytes in every render and view, SDL's video drivers more in a window -- so a
 * sanitizer run of any command exits 0 with no extra settings. The tests' tests/lsan.supp lists
 * the same libraries for the test executables. Unused (and harmless) in other builds. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
  return "leak:libfontconfig\nleak:libSDL2\nleak:libX11\nleak:libxcb\nleak:libdbus\n";
}

static void usage(FILE *f) {
  fprintf(f, "usage: rnnlab [COMMAND] [OPTIONS]\n\nWith no command, opens the explorer.\n\nCommands:\n");
  for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
    fprintf(f, "  %-14s %s\n", COMMANDS[i].name, COMMANDS[i].help);
  fprintf(f, "  %-14s %s\n", "help", "this list (also --help, -h)");
  fprintf(f, "\nLessons:\n  rnnlab --lesson N             present lesson N full screen (rnnlab --lesson N --help)\n"
             "  rnnlab render --lesson N ...  a lesson step as a PNG\n\n");
  cmd_default_help(f);
  fprintf(f, "\n'rnnlab COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv) {
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
    usage(stdout);
    return 0;
  }
  /* `rnnlab --lesson N` and `rnnlab render --lesson N`: the lesson presenter (app/cli/cmd_present.c, cmd_render.c). */
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--lesson")) {
      if (argv[1][0] == '-') return cmd_present(argc, argv);
      if (!strcmp(argv[1], "render")) return cmd_render_lesson(argc - 1, argv + 1);
    }
  if (argc < 2 || argv[1][0] == '-') return cmd_default(argc, argv);
  for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
    if (!strcmp(argv[1], COMMANDS[i].name)) return COMMANDS[i].run(argc - 1, argv + 1);
  fprintf(stderr, "rnnlab: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
