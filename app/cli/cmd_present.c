/* `rnnlab --lesson N`: the lesson presenter in a window (full screen by default); --keys presses
 * keys one per frame and quits (testing). */
#include "commands.h"
#include "cli_args.h"
#include "host/files.h"
#include "host/host.h"
#include "lesson_cli.h"
#include <stdio.h>
#include <string.h>

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

/* Returns 0 to go on, -1 after printing the help, 2 on a usage error (message printed). */
static int parse_present_args(lesson_args *a, int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: rnnlab --lesson N [options]\n\n"
             "Presents lesson N full screen, at the desktop's resolution (F5 toggles a 1600x900 window).\n"
             "Keys: Page Down / Right next step, Page Up / Left previous, Home / End, Shift+Left / Right the\n"
             "selected timestep, B blank screen, M lesson menu, ? or F1 all keys. The lesson reloads when its\n"
             "file is saved.\n\n");
      lesson_args_help(stdout);
      printf("  --window            open a window (--size, default 1600x900) instead of full screen\n"
             "  --keys K1,K2,...    press these keys one per frame, then quit (testing); key names\n"
             "                      e.g. pagedown,right,b,m,escape\n"
             "  --out FILE.png      with --keys: save the last frame\n");
      return -1;
    }
    int r = lesson_args_parse(a, "rnnlab", argc, argv, &i);
    if (r < 0) return 2;
    if (r > 0) continue;
    if (!strcmp(argv[i], "--fullscreen")) a->fullscreen = 1;
    else if (!strcmp(argv[i], "--window")) a->fullscreen = 0;
    else if (!strcmp(argv[i], "--keys")) {
      if (!(a->keys = arg_value("rnnlab", argc, argv, &i))) return 2;
    } else {
      fprintf(stderr, "rnnlab: '%s' is not an option of the lesson presenter (see rnnlab --lesson 1 --help)\n",
              argv[i]);
      return 2;
    }
  }
  return 0;
}

int cmd_present(int argc, char **argv) {
  lesson_args a;
  lesson_args_default(&a);
  a.w = 1600;
  a.h = 900;
  a.fullscreen = 1;
  int parsed = parse_present_args(&a, argc, argv);
  if (parsed) return parsed < 0 ? 0 : parsed;
  present_run r;
  memset(&r, 0, sizeof r);
  r.a = &a;
  host_window_opts wo = {"rnnlab lesson", a.w, a.h, a.fullscreen, "presenter"};
  if (host_open(&wo, &r.h, &r.g)) return 1;
  rl_error err;
  cli_load_colormaps();
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
