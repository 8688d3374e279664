/* Explorer, headless: every panel renders (size, not blank, legend colours present), injected
 * events change the state (keys, click, drag, hover), settings apply live or reset, exports write
 * PNG + CSV, an unwritable export folder is an error the explorer survives. */
#define _POSIX_C_SOURCE 200809L
#include "modelfile.h"
#include "explorer/explorer_state.h"
#include "explorer_input.h"
#include "testutil.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 720p keeps the test fast under AddressSanitizer; layout and text scale with the height. */
#define WIN_W 1280
#define WIN_H 720

static const rl_panel ALL[RL_PANEL_COUNT] = {RL_PANEL_HEATMAPS, RL_PANEL_GRADIENTS, RL_PANEL_CURVES,
                                             RL_PANEL_DIAGRAM, RL_PANEL_SIDEBAR, RL_PANEL_DISTRIBUTION,
                                             RL_PANEL_BPTT, RL_PANEL_PARAMS, RL_PANEL_EMBEDDING,
                                             RL_PANEL_PREDICTIONS, RL_PANEL_LAYERS, RL_PANEL_GRADNORM};

/* Small and fast, but the same code paths as the default view. */
static tr_config small_config(void) {
  tr_config c = tr_config_default();
  c.task.length = 8;
  c.hidden = 12;
  c.batch = 8;
  return c;
}

typedef struct {
  uint8_t *px;
  gfx_rect r;
} region;

static int read_region(gfx *g, gfx_rect r, region *out) {
  rl_error err;
  out->r = r;
  out->px = malloc((size_t)r.w * (size_t)r.h * 4);
  if (!out->px) return -1;
  if (gfx_read_pixels(g, r, out->px, &err)) {
    fprintf(stderr, "read_pixels: %s\n", err.msg);
    free(out->px);
    out->px = NULL;
    return -1;
  }
  return 0;
}

/* Distinct colours (quantised to 5 bits per channel, capped) in a region. */
static int distinct_colours(const region *rg) {
  static unsigned char seen[32768];
  memset(seen, 0, sizeof seen);
  int n = 0;
  for (long i = 0; i < (long)rg->r.w * rg->r.h; i++) {
    const uint8_t *p = rg->px + i * 4;
    int k = (p[0] >> 3) << 10 | (p[1] >> 3) << 5 | (p[2] >> 3);
    if (!seen[k]) seen[k] = 1, n++;
  }
  return n;
}

/* Pixels within tol (per channel) of colour c. */
static long count_colour(const region *rg, gfx_color c, int tol) {
  long n = 0;
  for (long i = 0; i < (long)rg->r.w * rg->r.h; i++) {
    const uint8_t *p = rg->px + i * 4;
    if (abs(p[0] - c.r) <= tol && abs(p[1] - c.g) <= tol && abs(p[2] - c.b) <= tol) n++;
  }
  return n;
}

static void mouse_move(explorer *e, int x, int y, int held) {
  ui_event ev = {.type = UI_EV_MOUSE_MOVE, .x = x, .y = y, .buttons = held ? 1 << (UI_BUTTON_LEFT - 1) : 0};
  explorer_handle_event(e, &ev);
}

static void mouse_button(explorer *e, int x, int y, int down) {
  ui_event ev = {.type = down ? UI_EV_MOUSE_DOWN : UI_EV_MOUSE_UP, .x = x, .y = y, .button = UI_BUTTON_LEFT};
  explorer_handle_event(e, &ev);
}

static long max_step(const explorer *e) {
  const tr_snapshot *s = explorer_snapshot(e);
  long m = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (s->slot[k].used && s->slot[k].step > m) m = s->slot[k].step;
  return m;
}

/* The x pixel of the centre of timestep t in the heatmap grid, from the tokens' layout. */
static int heat_x(const explorer *e, int t) {
  return e->v.heat_grid.x + (int)((t + 0.5) * e->v.heat_grid.w / e->v.snap.T);
}

static void test_panels(gfx *g, explorer *e) {
  explorer_frame(e);
  const theme *th = gfx_theme(g);
  /* default view: five panels laid out, none blank */
  unsigned shown = explorer_panels_shown(e);
  for (int i = 0; i < RL_PANEL_COUNT; i++) {
    if (!(shown & (unsigned)ALL[i])) continue;
    gfx_rect r = explorer_panel_rect(e, ALL[i]);
    CHECKF(r.w >= 200 && r.h >= 150, "panel %s is %dx%d", panel_title(ALL[i]), r.w, r.h);
    CHECKF(r.x >= 0 && r.y >= 0 && r.x + r.w <= WIN_W && r.y + r.h <= WIN_H, "panel %s inside the window",
           panel_title(ALL[i]));
    region rg;
    if (read_region(g, r, &rg)) continue;
    int nc = distinct_colours(&rg);
    CHECKF(nc >= 20, "panel %s looks blank: %d colours", panel_title(ALL[i]), nc);
    free(rg.px);
  }
  /* heatmaps: the two colour legends are drawn (both ends of each colormap are present) */
  region rg;
  if (read_region(g, explorer_panel_rect(e, RL_PANEL_HEATMAPS), &rg) == 0) {
    CHECK(count_colour(&rg, colormap_at(COLORMAP_SEQUENTIAL, 0.95f), 10) >= 8); /* near the legend ends */
    CHECK(count_colour(&rg, colormap_at(COLORMAP_SEQUENTIAL, 0.05f), 10) >= 8); /* near the legend ends */
    CHECK(count_colour(&rg, colormap_at(COLORMAP_DIVERGING, 0.05f), 10) >= 8); /* near the legend ends */
    CHECK(count_colour(&rg, colormap_at(COLORMAP_DIVERGING, 0.95f), 10) >= 8); /* near the legend ends */
    free(rg.px);
  }
  /* gradient plot: both model colours (lines + legend) and the axis colour */
  if (read_region(g, explorer_panel_rect(e, RL_PANEL_GRADIENTS), &rg) == 0) {
    CHECK(count_colour(&rg, theme_series(th, 0), 10) >= 50);
    CHECK(count_colour(&rg, theme_series(th, 1), 10) >= 50);
    CHECK(count_colour(&rg, th->axis, 10) >= 100);
    free(rg.px);
  }
  /* every panel alone fills a figure */
  for (int i = 0; i < RL_PANEL_COUNT; i++) {
    gfx_begin_frame(g);
    ex_draw_single(e, ALL[i], gfx_r(0, 0, WIN_W, WIN_H));
    region all;
    if (read_region(g, gfx_r(0, 0, WIN_W, WIN_H), &all)) continue;
    int nc = distinct_colours(&all);
    CHECKF(nc >= 20, "single panel %s looks blank: %d colours", panel_title(ALL[i]), nc);
    free(all.px);
  }
}

static void test_keys(explorer *e) {
  explorer_frame(e);
  /* N: exactly one step */
  long s0 = max_step(e);
  inject_key(e, 'n', 0);
  CHECK(explorer_wait(e, 60) == 0);
  CHECKF(max_step(e) == s0 + 1, "N: step %ld -> %ld", s0, max_step(e));
  /* Space: play, then pause */
  CHECK(!explorer_playing(e));
  inject_key(e, UI_KEY_SPACE, 0);
  CHECK(explorer_playing(e));
  inject_key(e, UI_KEY_SPACE, 0);
  CHECK(!explorer_playing(e));
  explorer_wait(e, 60);
  /* +/-: speed */
  int sp = trainer_speed(e->tr);
  inject_key(e, '-', 0);
  CHECK(trainer_speed(e->tr) == sp - 1);
  inject_key(e, '+', 0);
  CHECK(trainer_speed(e->tr) == sp);
  /* Left/Right move the selected timestep */
  int T = e->v.snap.T;
  CHECK(explorer_selected_timestep(e) == T - 1);
  inject_key(e, UI_KEY_LEFT, 0);
  inject_key(e, UI_KEY_LEFT, 0);
  CHECK(explorer_selected_timestep(e) == T - 3);
  inject_key(e, UI_KEY_RIGHT, 0);
  CHECK(explorer_selected_timestep(e) == T - 2);
  inject_key(e, UI_KEY_HOME, 0);
  CHECK(explorer_selected_timestep(e) == 0);
  inject_key(e, UI_KEY_LEFT, 0);
  CHECK(explorer_selected_timestep(e) == 0);
  /* C cycles the clamp: keep, erase, free */
  inject_key(e, 'c', 0);
  CHECK(e->v.clamp_mode == 1);
  explorer_wait(e, 60);
  const tr_slot_snap *lstm = &e->v.snap.slot[1];
  CHECK(lstm->spec.cell == RL_CELL_LSTM);
  CHECK(lstm->clamps.value[1] == 1.0f && lstm->clamps.value[0] == 0.0f);
  /* keep (f = 1, i = 0 from the second word): what the first word wrote is held exactly */
  CHECK(lstm->clamps.from_t == 1);
  float c0 = 0, moved = 0;
  for (int j = 0; j < lstm->H; j++) c0 = fmaxf(c0, fabsf(lstm->c[j]));
  for (int t = 1; t < lstm->T; t++)
    for (int j = 0; j < lstm->H; j++) moved = fmaxf(moved, fabsf(lstm->c[t * lstm->H + j] - lstm->c[j]));
  CHECKF(c0 > 0.0f && moved == 0.0f, "keep clamp: |c(1)| %g, largest change after it %g", (double)c0, (double)moved);
  inject_key(e, 'c', 0);
  CHECK(e->v.clamp_mode == 2);
  inject_key(e, 'c', 0);
  CHECK(e->v.clamp_mode == 0);
  explorer_wait(e, 60);
  CHECK(isnan(e->v.snap.slot[1].clamps.value[1]));
  /* R: reset to step 0 with a notice */
  CHECK(max_step(e) > 0);
  inject_key(e, 'r', 0);
  explorer_wait(e, 60);
  CHECK(max_step(e) == 0);
  CHECK(strstr(e->notice, "re-initialised") != NULL);
}

static void test_mouse(explorer *e) {
  explorer_train(e, 3);
  explorer_wait(e, 60);
  explorer_frame(e);
  gfx_rect hr = explorer_panel_rect(e, RL_PANEL_HEATMAPS);
  CHECK(hr.w > 0);
  /* click on timestep 2's column (in the first band) */
  int y = hr.y + hr.h / 2;
  int x2 = heat_x(e, 2);
  mouse_move(e, x2, y, 0);
  mouse_button(e, x2, y, 1);
  explorer_frame(e);
  mouse_button(e, x2, y, 0);
  explorer_frame(e);
  CHECKF(explorer_selected_timestep(e) == 2, "click selected %d", explorer_selected_timestep(e));
  /* drag to timestep 5 */
  int x5 = heat_x(e, 5);
  mouse_button(e, x2, y, 1);
  explorer_frame(e);
  mouse_move(e, x5, y, 1);
  explorer_frame(e);
  mouse_button(e, x5, y, 0);
  explorer_frame(e);
  CHECKF(explorer_selected_timestep(e) == 5, "drag selected %d", explorer_selected_timestep(e));
  /* hover: unit and timestep under the mouse */
  mouse_move(e, heat_x(e, 4), y, 0);
  explorer_frame(e);
  CHECKF(e->v.hover_t == 4 && e->v.hover_unit >= 0, "hover t=%d unit=%d", e->v.hover_t, e->v.hover_unit);
  { /* the tooltip box is drawn below-right of the mouse */
    region tip;
    if (read_region(e->v.g, gfx_r(heat_x(e, 4) + gfx_px(e->v.g, 20), y + gfx_px(e->v.g, 24), 40, 20), &tip) == 0) {
      CHECK(count_colour(&tip, gfx_theme(e->v.g)->tooltip_bg, 12) >= 200);
      free(tip.px);
    }
  }
  mouse_move(e, 5, 5, 0);
  explorer_frame(e);
  CHECK(e->v.hover_t == -1);
}

/* The sidebar through the keyboard, as a user without a mouse would: Tab to the third model
 * slot's select (Play, Step, Reset, speed, A, B, C), Right picks the next cell type: a third
 * model appears, training resets with a notice. */
static void test_sidebar(explorer *e) {
  explorer_frame(e);
  CHECK(!e->v.snap.slot[2].used);
  int found = 0;
  for (int i = 0; i < 7; i++) {
    inject_key(e, UI_KEY_TAB, 0);
    explorer_frame(e);
  }
  inject_key(e, UI_KEY_RIGHT, 0);
  explorer_frame(e);
  explorer_frame(e);
  explorer_wait(e, 60);
  found = e->v.snap.slot[2].used;
  CHECKF(found, "Tab x7 + Right did not enable model C (models: %d %d %d)", e->v.snap.slot[0].used,
         e->v.snap.slot[1].used, e->v.snap.slot[2].used);
  if (found) {
    CHECK(e->v.snap.slot[2].spec.cell == RL_CELL_RNN && e->v.snap.slot[2].spec.nonlin == RL_ACT_TANH);
    CHECK(strstr(e->notice, "re-initialised") != NULL);
  }
  inject_key(e, UI_KEY_ESCAPE, 0); /* drop the focus */
  explorer_frame(e);
}

static void test_settings(explorer *e) {
  explorer_train(e, 4);
  explorer_wait(e, 60);
  long s = max_step(e);
  CHECK(s >= 4);
  /* learning rate and clipping apply live: no reset */
  CHECK(explorer_set_value(e, "lr", 0.003, NULL) == 0);
  CHECK(explorer_set_value(e, "clip", 0.5, NULL) == 0);
  explorer_wait(e, 60);
  CHECK(max_step(e) == s);
  tr_config c;
  trainer_get_config(e->tr, &c);
  CHECK(fabsf(c.lr - 0.003f) < 1e-7f && fabsf(c.clip - 0.5f) < 1e-7f);
  /* the architecture resets, with a visible notice */
  CHECK(explorer_set_value(e, "hidden", 10, NULL) == 0);
  explorer_wait(e, 60);
  CHECK(max_step(e) == 0);
  CHECK(e->v.snap.slot[0].H == 10);
  CHECK(strstr(e->notice, "re-initialised") != NULL);
  /* a third model slot */
  tr_model_spec m[3];
  memset(m, 0, sizeof m);
  m[0].used = m[1].used = m[2].used = 1;
  m[0].cell = RL_CELL_RNN;
  m[1].cell = RL_CELL_LSTM;
  m[2].cell = RL_CELL_GRU;
  CHECK(explorer_set_models(e, m, 3, NULL) == 0);
  explorer_wait(e, 60);
  CHECK(e->v.snap.slot[2].used && e->v.snap.slot[2].spec.cell == RL_CELL_GRU && e->v.snap.slot[2].have_trace);
  /* a bad setting is an error, the explorer keeps working */
  rl_error err;
  CHECK(explorer_set_value(e, "nonsense", 1, &err) != 0);
  CHECK(strstr(err.msg, "nonsense") != NULL);
  CHECK(explorer_set_task(e, "bogus", 0, &err) != 0);
  CHECK(explorer_set_task(e, "recall", 6, &err) == 0);
  explorer_wait(e, 60);
  CHECK(e->v.snap.T == 8);
}

static int file_size(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 ? (int)st.st_size : -1;
}

static void test_export(explorer *e) {
  char dir[600], path[1024];
  snprintf(dir, sizeof dir, "%s/figs", test_tmpdir());
  explorer_set_export_dir(e, dir);
  explorer_set_lesson_name(e, "lesson 3");
  explorer_frame(e);
  rl_error err;
  CHECK(explorer_export_view(e, 1, path, sizeof path, &err) == 0);
  CHECKF(strstr(path, "lesson-3-view-step") != NULL, "name %s", path);
  CHECK(file_size(path) > 1000);
  int w = 0, h = 0;
  uint8_t *img = gfx_load_png(path, &w, &h, &err);
  CHECK(img && w == WIN_W && h == WIN_H);
  free(img);
  /* Shift+F12: twice the size */
  inject_key(e, UI_KEY_F12, UI_MOD_SHIFT);
  explorer_frame(e);
  CHECKF(strstr(e->notice, "Saved") != NULL, "notice: %s", e->notice);
  char p2[1024];
  snprintf(p2, sizeof p2, "%s", strstr(e->notice, dir) ? strstr(e->notice, dir) : "");
  img = gfx_load_png(p2, &w, &h, &err);
  CHECKF(img && w == 2 * WIN_W && h == 2 * WIN_H, "2x export %s: %dx%d", p2, w, h);
  free(img);
  /* each panel: PNG + CSV with a header line */
  for (int i = 0; i < RL_PANEL_COUNT; i++) {
    CHECK(explorer_export_panel(e, ALL[i], 1, path, sizeof path, &err) == 0);
    CHECK(file_size(path) > 500);
    char csv[1100];
    snprintf(csv, sizeof csv, "%.*s.csv", (int)strlen(path) - 4, path);
    FILE *f = fopen(csv, "r");
    CHECKF(f != NULL, "missing %s", csv);
    if (f) {
      char line[256] = "";
      CHECK(fgets(line, sizeof line, f) != NULL && strchr(line, ',') != NULL);
      fclose(f);
    }
  }
  /* the same name twice does not overwrite */
  char a[1024], b[1024];
  CHECK(explorer_export_panel(e, RL_PANEL_GRADIENTS, 1, a, sizeof a, &err) == 0);
  CHECK(explorer_export_panel(e, RL_PANEL_GRADIENTS, 1, b, sizeof b, &err) == 0);
  CHECK(strcmp(a, b) != 0);
  /* the panel's export button (top right of its title bar) exports it: PNG + CSV, named in the notice */
  explorer_frame(e);
  {
    /* the buttons show while the mouse is over the panel */
    gfx_rect pr = explorer_panel_rect(e, RL_PANEL_CURVES);
    mouse_move(e, pr.x + pr.w / 2, pr.y + pr.h / 2, 0);
    explorer_frame(e);
    gfx_rect b = e->v.export_button[panel_index(RL_PANEL_CURVES)][0];
    CHECK(b.w > 0);
    int bx = b.x + b.w / 2, by = b.y + b.h / 2;
    mouse_move(e, bx, by, 0);
    explorer_frame(e);
    mouse_button(e, bx, by, 1);
    explorer_frame(e);
    mouse_button(e, bx, by, 0);
    explorer_frame(e);
    CHECKF(strstr(e->notice, "curves-step") && strstr(e->notice, "(+ .csv)"), "notice: %s", e->notice);
  }
  /* unwritable folder: an error notice, the explorer carries on */
  char bad[700];
  snprintf(bad, sizeof bad, "%s/file", test_tmpdir());
  FILE *f = fopen(bad, "w");
  if (f) fclose(f);
  char inside[760];
  snprintf(inside, sizeof inside, "%s/sub", bad);
  explorer_set_export_dir(e, inside);
  inject_key(e, UI_KEY_F12, 0);
  explorer_frame(e);
  CHECKF(e->notice_error && strstr(e->notice, "Export failed"), "notice: %s", e->notice);
  explorer_frame(e);
  CHECK(explorer_export_view(e, 1, path, sizeof path, &err) != 0);
}

/* A model file opened from inside the explorer: view mode, typed text, errors that name the token. */
static void test_view(explorer *e) {
  rl_error err;
  rl_config cfg = rl_config_default();
  cfg.cell = RL_CELL_GRU;
  cfg.vocab = 6;
  cfg.classes = 6;
  cfg.hidden = 8;
  rl_model *m = NULL;
  CHECK(rl_model_create(&cfg, &m, &err) == 0);
  if (!m) return;
  rl_init_opts io = rl_init_default(3);
  CHECK(rl_model_init_params(m, &io, &err) == 0);
  const char *toks[6] = {"the", "cat", "sat", "on", "a", "mat"};
  CHECK(rl_vocab_set(&m->vocab, RL_VOCAB_WORD, 6, toks, &err) == 0);
  char path[700];
  snprintf(path, sizeof path, "%s/gru.safetensors", test_tmpdir());
  CHECK(rl_model_save(m, path, &err) == 0);
  rl_model_free(m);
  char missing[720];
  snprintf(missing, sizeof missing, "%s/none.safetensors", test_tmpdir());
  CHECK(explorer_open_model(e, missing, NULL, &err) != 0);
  CHECK(!e->v.static_mode); /* nothing changed */
  CHECK(explorer_open_model(e, path, NULL, &err) == 0);
  CHECK(e->v.static_mode);
  explorer_frame(e);
  CHECK(e->v.snap.slot[0].used && e->v.snap.slot[0].spec.cell == RL_CELL_GRU && !e->v.snap.slot[1].used);
  CHECK(e->v.snap.T == 6); /* the first tokens of the vocabulary */
  CHECK(explorer_set_text(e, "the cat sat on the mat", &err) == 0);
  CHECK(e->v.snap.T == 6 && !strcmp(e->v.snap.labels[5], "mat"));
  CHECK(e->v.snap.slot[0].have_trace && e->v.snap.slot[0].last_scored == 5); /* own prediction after "mat" */
  CHECK(explorer_set_text(e, "the dog", &err) != 0);
  CHECKF(strstr(err.msg, "dog") != NULL, "message: %s", err.msg);
  CHECK(e->v.snap.T == 6);
  /* training keys do nothing in view mode */
  inject_key(e, 'n', 0);
  inject_key(e, UI_KEY_SPACE, 0);
  CHECK(!explorer_playing(e));
  for (int i = 0; i < RL_PANEL_COUNT; i++) {
    if (!(explorer_panels_shown(e) & (unsigned)ALL[i])) continue;
    explorer_frame(e);
    CHECK(explorer_panel_rect(e, ALL[i]).w > 0);
  }
}

int main(void) {
  rl_error err;
  gfx *g = gfx_create_headless(WIN_W, WIN_H, &err);
  if (!g) {
    fprintf(stderr, "gfx: %s\n", err.msg);
    return 1;
  }
  explorer_opts o = explorer_opts_default();
  o.train = small_config();
  explorer *e = NULL;
  CHECK(explorer_create(g, &o, &e, &err) == 0);
  if (!e) {
    fprintf(stderr, "explorer: %s\n", err.msg);
    return 1;
  }
  explorer_train(e, 5);
  CHECK(explorer_wait(e, 120) == 0);
  CHECK(max_step(e) == 5);
  CHECK(e->v.snap.slot[0].used && e->v.snap.slot[1].used && !e->v.snap.slot[2].used);
  CHECK(e->v.snap.slot[0].have_trace && e->v.snap.slot[1].have_trace);
  CHECK(e->v.snap.slot[0].step == 5 && e->v.snap.slot[1].step == 5);
  test_panels(g, e);
  test_keys(e);
  test_mouse(e);
  test_sidebar(e);
  test_settings(e);
  test_export(e);
  test_view(e);
  /* values outside the sliders' ranges (command line, lessons) survive drawing the sidebar */
  {
    explorer_opts o2 = explorer_opts_default();
    o2.train = small_config();
    o2.train.lr = 3.0f;
    o2.train.radius = 2.5f;
    o2.train.hidden = 300;
    o2.train.task.length = 3;
    explorer *e2 = NULL;
    CHECK(explorer_create(g, &o2, &e2, &err) == 0);
    if (e2) {
      for (int i = 0; i < 3; i++) explorer_frame(e2);
      tr_config c2;
      trainer_get_config(e2->tr, &c2);
      CHECKF(c2.lr == 3.0f && c2.radius == 2.5f && c2.hidden == 300 && c2.task.length == 3,
             "lr %g radius %g hidden %d length %d", (double)c2.lr, (double)c2.radius, c2.hidden, c2.task.length);
      CHECK(e2->notice[0] == 0);
      explorer_destroy(e2);
    }
  }
  /* light theme renders too */
  gfx_set_theme(g, theme_get(THEME_LIGHT));
  explorer_frame(e);
  explorer_destroy(e);
  gfx_destroy(g);
  return test_summary("app_test_explorer");
}
