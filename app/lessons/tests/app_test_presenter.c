/* The lesson presenter, headless: every step of every shipped lesson sets up the explorer as the
 * lesson says and renders; a short lesson's training runs; the clicker keys, blank screen and menu
 * move as documented; editing the open lesson reloads it (and a broken edit keeps the old one). */
#define _POSIX_C_SOURCE 200809L
#include "lessons/presenter.h"
#include "testutil.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static gfx *g;
static explorer *e;

/* Fraction of pixels in r that differ from the pixel at r's top-left corner, and whether the
 * region has at least two clearly different colours (text or plots drawn). */
static double busy_fraction(gfx_rect r) {
  uint8_t *px = malloc((size_t)r.w * (size_t)r.h * 4);
  rl_error err;
  if (!px || gfx_read_pixels(g, r, px, &err)) {
    free(px);
    return -1;
  }
  long diff = 0;
  for (long i = 0; i < (long)r.w * r.h; i++) {
    int d = abs(px[4 * i] - px[0]) + abs(px[4 * i + 1] - px[1]) + abs(px[4 * i + 2] - px[2]);
    diff += d > 40;
  }
  free(px);
  return (double)diff / ((double)r.w * r.h);
}

static ui_event key(ui_key k, int mod) {
  ui_event ev = {.type = UI_EV_KEY_DOWN, .key = k, .mods = mod};
  return ev;
}

static int press(presenter *p, ui_key k) {
  ui_event ev = key(k, 0);
  return presenter_handle_event(p, &ev);
}

/* Every step of every lesson: applied without training (fast), the explorer shows the lesson's
 * panels and models, and the drawn frame has a narration header and a non-blank view. */
static void test_every_step_renders(void) {
  rl_lesson_set set;
  rl_error err = {{0}};
  CHECKF(rl_lesson_dir_load(RNNLAB_SOURCE_LESSONS, &set, &err) == 0, "%s", err.msg);
  int rendered = 0;
  for (int i = 0; i < set.n; i++) {
    if (!set.entries[i].ok) continue;
    const rl_lesson *l = &set.entries[i].lesson;
    for (int s = 0; s < l->nsteps; s++) {
      int rc = lesson_apply_step(e, l, s, 0, &err);
      CHECKF(rc == 0, "lesson %d step %d: %s", l->number, s + 1, err.msg);
      explorer_wait(e, 60.0);
      rl_lesson_setup su;
      rl_lesson_resolve(l, s, &su);
      CHECKF(explorer_panels_shown(e) == su.show, "lesson %d step %d: panels %x, want %x", l->number, s + 1,
             explorer_panels_shown(e), su.show);
      tr_config c;
      explorer_get_config(e, &c);
      for (int m = 0; m < RL_LESSON_MAX_MODELS; m++) {
        CHECK(c.models[m].used == su.models[m].used);
        if (c.models[m].used)
          CHECKF(c.models[m].cell == su.models[m].cell && c.models[m].layers == su.models[m].layers &&
                     c.models[m].bidirectional == su.models[m].bidirectional,
                 "lesson %d step %d slot %d", l->number, s + 1, m);
      }
      presenter_draw_step(e, g, l, s);
      const tr_snapshot *snap = explorer_snapshot(e);
      int failed = 0;
      for (int m = 0; m < TR_MAX_SLOTS; m++)
        if (snap->slot[m].used && snap->slot[m].failed) {
          failed = 1;
          fprintf(stderr, "lesson %d step %d slot %d: %s\n", l->number, s + 1, m, snap->slot[m].error);
        }
      CHECKF(!failed, "lesson %d step %d: a model failed", l->number, s + 1);
      /* The header (top 8%) holds the step title and narration; the view below is drawn. */
      int W = gfx_width(g), H = gfx_height(g);
      double head = busy_fraction(gfx_r(0, 0, W, H * 8 / 100));
      double view = busy_fraction(gfx_r(0, H / 4, W, H * 3 / 4));
      CHECKF(head > 0.005, "lesson %d step %d: header looks empty (%.4f)", l->number, s + 1, head);
      CHECKF(view > 0.02, "lesson %d step %d: view looks blank (%.4f)", l->number, s + 1, view);
      /* Every panel the step shows got a rectangle. */
      for (int p = 0; p < RL_PANEL_COUNT; p++)
        if (su.show & (1u << p))
          CHECKF(explorer_panel_rect(e, (rl_panel)(1u << p)).w > 0, "lesson %d step %d: panel %s not drawn",
                 l->number, s + 1, rl_panel_name((rl_panel)(1u << p)));
      if (s == 0 && l->number == 3) {
        char path[600];
        snprintf(path, sizeof path, "%s/lesson03-step01.png", test_tmpdir());
        CHECK(gfx_save_png(g, path, &err) == 0);
      }
      rendered++;
    }
  }
  CHECKF(rendered >= 7 * 4, "rendered %d steps", rendered);
  printf("rendered %d lesson steps\n", rendered);
  rl_lesson_set_free(&set);
}

/* Replaying lesson 2 to its last step runs its training (50 steps) and the selection it asks for. */
static void test_replay_trains(void) {
  rl_lesson_set set;
  rl_error err = {{0}};
  CHECK(rl_lesson_dir_load(RNNLAB_SOURCE_LESSONS, &set, &err) == 0);
  int i = rl_lesson_set_find(&set, 2);
  CHECK(i >= 0);
  if (i >= 0) {
    const rl_lesson *l = &set.entries[i].lesson;
    long want = 0;
    for (int s = 0; s < l->nsteps; s++)
      for (int a = 0; a < l->steps[s].nactions; a++)
        if (l->steps[s].actions[a].kind == RL_ACT_TRAIN) want += l->steps[s].actions[a].n;
    CHECKF(lesson_replay_to(e, l, l->nsteps - 1, 600.0, &err) == 0, "%s", err.msg);
    const tr_snapshot *snap = explorer_snapshot(e);
    CHECKF(snap->slot[0].used && snap->slot[0].step == want, "trained %ld steps, lesson asks %ld",
           snap->slot[0].step, want);
    /* Step 5 said "bptt 1" (the first word, index 0); step 6 has no selection of its own, so it stays. */
    CHECK(explorer_selected_timestep(e) == 0);
    /* Lesson 2 never clamps: every gate is free. */
    tr_config c;
    explorer_get_config(e, &c);
    CHECK(c.models[0].cell == RL_CELL_RNN && !c.models[1].used);
  }
  rl_lesson_set_free(&set);
}

static void test_navigation(void) {
  presenter *p = NULL;
  rl_error err = {{0}};
  CHECKF(presenter_create(e, g, NULL, RNNLAB_SOURCE_LESSONS, 4, &p, &err) == 0, "%s", err.msg);
  if (!p) return;
  const rl_lesson *l = presenter_lesson(p);
  CHECK(l && l->number == 4 && presenter_step(p) == 0 && !presenter_menu_open(p));
  int n = presenter_nsteps(p);
  CHECK(press(p, UI_KEY_PAGEDOWN) && presenter_step(p) == 1);
  CHECK(press(p, UI_KEY_RIGHT) && presenter_step(p) == 2);
  CHECK(press(p, UI_KEY_PAGEUP) && presenter_step(p) == 1);
  CHECK(press(p, UI_KEY_LEFT) && presenter_step(p) == 0);
  CHECK(press(p, UI_KEY_LEFT) && presenter_step(p) == 0); /* stays at the first step */
  CHECK(press(p, UI_KEY_END) && presenter_step(p) == n - 1);
  CHECK(press(p, UI_KEY_PAGEDOWN) && presenter_step(p) == n - 1); /* and at the last */
  CHECK(press(p, UI_KEY_HOME) && presenter_step(p) == 0);
  /* The clamp step: going to it clamps, going back before it frees the gates again. */
  int keep = -1;
  for (int s = 0; s < n; s++)
    for (int a = 0; a < l->steps[s].nactions; a++)
      if (l->steps[s].actions[a].kind == RL_ACT_CLAMP && keep < 0) keep = s;
  CHECK(keep > 0);
  presenter_goto(p, keep);
  CHECK(explorer_snapshot(e) != NULL);
  /* Blank: B blanks, the next key only brings the picture back. */
  presenter_goto(p, 1);
  CHECK(press(p, 'b') && presenter_blanked(p));
  presenter_frame(p);
  CHECK(busy_fraction(gfx_r(0, 0, gfx_width(g), gfx_height(g))) == 0.0); /* all black */
  CHECK(press(p, UI_KEY_PAGEDOWN) && !presenter_blanked(p) && presenter_step(p) == 1);
  /* Keys that are not the presenter's go on to the explorer; modified keys too. */
  CHECK(press(p, UI_KEY_SPACE) == 0);
  ui_event ctrl_right = key(UI_KEY_RIGHT, UI_MOD_CTRL);
  CHECK(presenter_handle_event(p, &ctrl_right) == 0 && presenter_step(p) == 1);
  /* Menu: M opens it on the current lesson, Down + Enter opens the next lesson at its first step. */
  CHECK(press(p, 'm') && presenter_menu_open(p));
  presenter_frame(p);
  CHECK(press(p, UI_KEY_DOWN));
  CHECK(press(p, UI_KEY_RETURN) && !presenter_menu_open(p));
  CHECK(presenter_lesson(p) && presenter_lesson(p)->number == 5 && presenter_step(p) == 0);
  CHECK(press(p, 'm') && press(p, UI_KEY_ESCAPE) && !presenter_menu_open(p));
  presenter_frame(p);
  presenter_destroy(p);

  /* A lesson number that does not exist opens the menu with a message. */
  CHECK(presenter_create(e, g, NULL, RNNLAB_SOURCE_LESSONS, 77, &p, &err) == 0);
  if (p) {
    CHECK(presenter_menu_open(p) && strstr(presenter_error(p), "no lesson 77"));
    CHECK(press(p, UI_KEY_ESCAPE) && presenter_menu_open(p)); /* nothing open to go back to */
    presenter_frame(p);
    presenter_destroy(p);
  }
}

static int write_file(const char *path, const char *text, time_t mtime) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fputs(text, f);
  fclose(f);
  struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
  return utimensat(0, path, ts, 0);
}

static void test_live_reload(void) {
  char dir[600], path[700];
  snprintf(dir, sizeof dir, "%s/reload", test_tmpdir());
  mkdir(dir, 0777);
  snprintf(path, sizeof path, "%s/01-test.lesson", dir);
  const char *v1 = "lesson: 1\ntitle: Version one\n[step] A\nsay: a\nmodels: lstm\ntask: recall distance=5\n"
                   "show: heatmaps\n[step] B\nsay: b\n[step] C\nsay: c\n";
  const char *v2 = "lesson: 1\ntitle: Version two\n[step] A\nsay: a\nmodels: gru\ntask: recall distance=5\n"
                   "show: heatmaps curves\n[step] B2\nsay: b\n[step] C\nsay: c\n";
  const char *bad = "lesson: 1\ntitle: Broken\n[step] A\nshow: heatmaps gradeints\n";
  time_t t0 = time(NULL) - 100;
  CHECK(write_file(path, v1, t0) == 0);
  presenter *p = NULL;
  rl_error err = {{0}};
  CHECKF(presenter_create(e, g, NULL, dir, 1, &p, &err) == 0, "%s", err.msg);
  if (!p) return;
  presenter_goto(p, 1);
  CHECK(presenter_check_reload(p) == 0); /* unchanged */
  CHECK(write_file(path, v2, t0 + 10) == 0);
  CHECK(presenter_check_reload(p) == 1);
  CHECK(!strcmp(presenter_lesson(p)->title, "Version two") && presenter_step(p) == 1);
  CHECK(!strcmp(presenter_lesson(p)->steps[1].title, "B2"));
  tr_config c;
  explorer_get_config(e, &c);
  CHECK(c.models[0].cell == RL_CELL_GRU); /* the reloaded step was applied */
  CHECK(explorer_panels_shown(e) == (RL_PANEL_HEATMAPS | RL_PANEL_CURVES));
  /* A broken save: the message names file and line, the last good version stays on. */
  CHECK(write_file(path, bad, t0 + 20) == 0);
  CHECK(presenter_check_reload(p) == 0);
  char want[800];
  snprintf(want, sizeof want, "%s:4: unknown panel 'gradeints'", path);
  CHECKF(strstr(presenter_error(p), want) != NULL, "error '%s'", presenter_error(p));
  CHECK(!strcmp(presenter_lesson(p)->title, "Version two"));
  presenter_frame(p); /* draws the old lesson with the error line */
  /* Fixed again: the error clears. */
  CHECK(write_file(path, v1, t0 + 30) == 0);
  CHECK(presenter_check_reload(p) == 1 && presenter_error(p)[0] == 0);
  CHECK(!strcmp(presenter_lesson(p)->title, "Version one"));
  presenter_destroy(p);
}

int main(void) {
  rl_error err = {{0}};
  g = gfx_create_headless(1920, 1080, &err);
  CHECKF(g != NULL, "%s", err.msg);
  if (!g) return test_summary("app_test_presenter");
  explorer_opts o = explorer_opts_default();
  o.autoplay = 0;
  CHECKF(explorer_create(g, &o, &e, &err) == 0, "%s", err.msg);
  if (e) {
    test_every_step_renders();
    test_replay_trains();
    test_navigation();
    test_live_reload();
    explorer_destroy(e);
  }
  gfx_destroy(g);
  return test_summary("app_test_presenter");
}
