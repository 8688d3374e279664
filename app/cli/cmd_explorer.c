/* `rnnlab` with no command: the explorer in a window (a vanilla RNN and an LSTM training live). */
#include "commands.h"
#include "cli_args.h"
#include "explorer_cli.h"
#include "host/host.h"
#include <stdio.h>
#include <string.h>

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
  view_args_help(f, "rnnlab");
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

/* The window's own options. 1 consumed, 0 not one of them, -1 bad value (message printed). */
static int parse_window_opt(view_args *a, int argc, char **argv, int *i) {
  if (!strcmp(argv[*i], "--fullscreen")) {
    a->fullscreen = 1;
  } else if (!strcmp(argv[*i], "--paused")) {
    a->ex.autoplay = 0;
  } else if (!strcmp(argv[*i], "--speed")) {
    const char *v = arg_value("rnnlab", argc, argv, i);
    if (!v || parse_speed("rnnlab", v, &a->ex.speed_level)) return -1;
  } else if (!strcmp(argv[*i], "--bench-fps")) {
    const char *v = arg_value("rnnlab", argc, argv, i);
    float s;
    if (!v || arg_float("rnnlab", "--bench-fps", v, 0.5, 3600, &s)) return -1;
    a->bench_s = s;
    a->ex.speed_level = -1; /* the worst case: both cores train flat out */
  } else {
    return 0;
  }
  return 1;
}

int cmd_default(int argc, char **argv) {
  view_args a;
  view_args_default(&a);
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
    int r = view_args_parse(&a, "rnnlab", argc, argv, &i);
    if (r == 0) r = parse_window_opt(&a, argc, argv, &i);
    if (r < 0) return 2;
    if (r == 0) {
      fprintf(stderr, "rnnlab: unknown option '%s' (see rnnlab --help)\n", argv[i]);
      return 2;
    }
  }
  cli_load_colormaps();
  return explorer_window(&a, NULL, "rnnlab");
}
