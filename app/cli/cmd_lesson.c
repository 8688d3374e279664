/* Lesson commands:
 *   rnnlab --lesson N [--lessons DIR] [--size WxH] [--theme dark|light] [--fullscreen] [--keys K,K,...]
 *   rnnlab render --lesson N --step K --out fig.png [--size WxH] [--theme ...] [--lessons DIR]
 *   rnnlab export-lesson N --out DIR [--size WxH] [--theme ...] [--lessons DIR]
 * Steps are numbered from 1 on the command line, as on screen. */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "draw/colormap.h"
#include "commands.h"
#include "host/files.h"
#include "host/host.h"
#include "lessons/presenter.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
static int parse_opt(lesson_args *a, const char *cmd, int argc, char **argv, int *i) {
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

static void args_default(lesson_args *a) {
  memset(a, 0, sizeof *a);
  a->number = -1;
  a->w = 1920;
  a->h = 1080;
  a->theme = THEME_DARK;
}

static void lesson_help(FILE *f) {
  fprintf(f,
          "Lesson options:\n"
          "  --lesson N          the lesson number (lessons/NN-*.lesson, 'lesson: N' inside)\n"
          "  --lessons DIR       lesson folder (default: $RNNLAB_LESSONS, ./lessons, or the source tree's)\n"
          "  --size WxH          image size (default 1920x1080); with --window, the window's (1600x900)\n"
          "  --theme dark|light  dark for projectors (default), light for paper\n");
}

/* Loads lesson a->number from the folder; prints the message and returns NULL on failure. */
static int load_lesson(const lesson_args *a, const char *cmd, rl_lesson_set *set, const rl_lesson **out) {
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

typedef struct {
  gfx *g;
  explorer *e;
} headless;

static int headless_open(const lesson_args *a, const char *cmd, headless *h) {
  rl_error err;
  char cmaps[1024];
  snprintf(cmaps, sizeof cmaps, "%s/colormaps", host_assets_dir());
  colormap_load_dir(cmaps, &err); /* falls back to built-in tables */
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

static void headless_close(headless *h) {
  explorer_destroy(h->e);
  gfx_destroy(h->g);
}

static int save_step(headless *h, const rl_lesson *l, int step, const char *path, const char *cmd) {
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

int cmd_render_lesson(int argc, char **argv) {
  lesson_args a;
  args_default(&a);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: rnnlab render --lesson N [--step K] --out fig.png [options]\n\n"
             "Draws step K (default 1) of lesson N without a display, exactly as the presenter shows it\n"
             "after stepping through steps 1..K (their training runs first).\n\n");
      lesson_help(stdout);
      return 0;
    }
    int r = parse_opt(&a, "render", argc, argv, &i);
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
  if (load_lesson(&a, "render", &set, &l)) {
    rl_lesson_set_free(&set);
    return 1;
  }
  int step = a.step ? a.step - 1 : 0;
  if (step >= l->nsteps) {
    fprintf(stderr, "rnnlab render: lesson %d has steps 1 to %d, not %d\n", l->number, l->nsteps, step + 1);
    rl_lesson_set_free(&set);
    return 2;
  }
  headless h;
  int rc = headless_open(&a, "render", &h);
  if (!rc) {
    rl_error err;
    if (lesson_replay_to(h.e, l, step, 900.0, &err)) {
      fprintf(stderr, "rnnlab render: %s\n", err.msg);
      rc = 1;
    } else {
      rc = save_step(&h, l, step, a.out, "render");
    }
    headless_close(&h);
  }
  rl_lesson_set_free(&set);
  return rc;
}

int cmd_export_lesson(int argc, char **argv) {
  lesson_args a;
  args_default(&a);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: rnnlab export-lesson N --out DIR [options]\n\n"
             "Steps through lesson N headlessly (running its training) and writes every step as\n"
             "DIR/lessonNN-stepKK.png, ready for slides.\n\n");
      lesson_help(stdout);
      return 0;
    }
    if (argv[i][0] != '-' && a.number < 0) {
      if (arg_int("export-lesson", "lesson number", argv[i], 0, 999, &a.number)) return 2;
      continue;
    }
    int r = parse_opt(&a, "export-lesson", argc, argv, &i);
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
  if (load_lesson(&a, "export-lesson", &set, &l)) {
    rl_lesson_set_free(&set);
    return 1;
  }
  headless h;
  int rc = headless_open(&a, "export-lesson", &h);
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
    rc = save_step(&h, l, s, path, "export-lesson");
  }
  if (h.e) headless_close(&h);
  rl_lesson_set_free(&set);
  return rc;
}

/* The presenter in a window: what the host's loop calls (host.h). */
typedef struct {
  host *h;
  gfx *g;
  explorer *e;
  presenter *p;
  const lesson_args *a;
  char keybuf[512];
  char *next_key; /* --keys: the keys not pressed yet (NULL: none given) */
  int quit, rc;
} present_run;

static void present_event(void *ctx, const ui_event *ev) {
  present_run *r = ctx;
  if (ev->type == UI_EV_QUIT) r->quit = 1;
  else if (!presenter_handle_event(r->p, ev)) explorer_handle_event(r->e, ev);
}

/* --keys: presses the next key; once none is left, draws the last frame, saves it (--out), says
 * where the lesson is and quits. Returns 1 when done. */
static int press_next_key(present_run *r) {
  if (!*r->next_key) {
    rl_error err;
    presenter_frame(r->p);
    if (r->a->out && gfx_save_png(r->g, r->a->out, &err)) {
      fprintf(stderr, "rnnlab: %s\n", err.msg);
      r->rc = 1;
    }
    presenter *p = r->p;
    printf("lesson %d, step %d of %d%s%s\n", presenter_lesson(p) ? presenter_lesson(p)->number : -1,
           presenter_step(p) + 1, presenter_nsteps(p), presenter_blanked(p) ? ", blank" : "",
           presenter_menu_open(p) ? ", menu" : "");
    return 1;
  }
  char *comma = strchr(r->next_key, ',');
  if (comma) *comma = 0;
  ui_event kev = {.type = UI_EV_KEY_DOWN, .key = ui_key_from_name(r->next_key)};
  if (kev.key == UI_KEY_UNKNOWN) {
    fprintf(stderr, "rnnlab: --keys: unknown key '%s'\n", r->next_key);
    r->rc = 2;
    return 1;
  }
  if (!presenter_handle_event(r->p, &kev)) explorer_handle_event(r->e, &kev);
  r->next_key = comma ? comma + 1 : r->next_key + strlen(r->next_key);
  return 0;
}

static int present_frame(void *ctx) {
  present_run *r = ctx;
  if (r->quit || r->rc || explorer_should_quit(r->e)) return HOST_QUIT;
  if (r->next_key && press_next_key(r)) return HOST_QUIT;
  presenter_frame(r->p);
  return HOST_DREW;
}

int cmd_present(int argc, char **argv) {
  lesson_args a;
  args_default(&a);
  a.w = 1600;
  a.h = 900;
  a.fullscreen = 1;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: rnnlab --lesson N [options]\n\n"
             "Presents lesson N full screen, at the desktop's resolution (F5 toggles a 1600x900 window).\n"
             "Keys: Page Down / Right next step, Page Up / Left previous, Home / End, Shift+Left / Right the\n"
             "selected timestep, B blank screen, M lesson menu, ? or F1 all keys. The lesson reloads when its\n"
             "file is saved.\n\n");
      lesson_help(stdout);
      printf("  --window            open a window (--size, default 1600x900) instead of full screen\n"
             "  --keys K1,K2,...    press these keys one per frame, then quit (testing); key names\n"
             "                      e.g. pagedown,right,b,m,escape\n"
             "  --out FILE.png      with --keys: save the last frame\n");
      return 0;
    }
    int r = parse_opt(&a, "rnnlab", argc, argv, &i);
    if (r < 0) return 2;
    if (r > 0) continue;
    if (!strcmp(argv[i], "--fullscreen")) a.fullscreen = 1;
    else if (!strcmp(argv[i], "--window")) a.fullscreen = 0;
    else if (!strcmp(argv[i], "--keys")) {
      if (!(a.keys = arg_value("rnnlab", argc, argv, &i))) return 2;
    } else {
      fprintf(stderr, "rnnlab: '%s' is not an option of the lesson presenter (see rnnlab --lesson 1 --help)\n",
              argv[i]);
      return 2;
    }
  }
  present_run r;
  memset(&r, 0, sizeof r);
  r.a = &a;
  host_window_opts wo = {"rnnlab lesson", a.w, a.h, a.fullscreen, "presenter"};
  if (host_open(&wo, &r.h, &r.g)) return 1;
  rl_error err;
  char cmaps[1024];
  snprintf(cmaps, sizeof cmaps, "%s/colormaps", host_assets_dir());
  colormap_load_dir(cmaps, &err);
  gfx_set_theme(r.g, theme_get(a.theme));
  explorer_opts o = explorer_opts_default();
  o.autoplay = 0;
  if (explorer_create(r.g, &o, &r.e, &err) ||
      presenter_create(r.e, r.g, r.h, host_lessons_dir(a.dir), a.number, &r.p, &err)) {
    fprintf(stderr, "rnnlab: %s\n", err.msg);
    r.rc = 1;
  }
  if (!r.rc && presenter_error(r.p)[0]) fprintf(stderr, "rnnlab: %s\n", presenter_error(r.p));
  /* Injected keys (testing): one per frame. */
  snprintf(r.keybuf, sizeof r.keybuf, "%s", a.keys ? a.keys : "");
  r.next_key = a.keys ? r.keybuf : NULL;
  if (!r.rc) {
    host_app app = {&r, present_event, present_frame};
    host_run(r.h, &app);
  }
  presenter_destroy(r.p);
  explorer_destroy(r.e);
  host_close(r.h);
  return r.rc;
}
