/* ui: event-injection tests. Synthetic ui_events (built by hand, no display) drive the widgets;
 * the checks look at return values and the values the widgets edit. One golden image of a
 * sidebar, and pixel checks of an open dropdown and a tooltip. */
#include "draw/ui.h"
#include "testutil.h"
#include "golden/golden_check.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static ui *U;
static gfx *G;

static void motion(int x, int y) {
  ui_event e = {.type = UI_EV_MOUSE_MOVE, .x = x, .y = y};
  ui_input(U, &e);
}
static int button(ui_event_type type, int x, int y, int b) {
  ui_event e = {.type = type, .x = x, .y = y, .button = b};
  return ui_input(U, &e);
}
static void press(int x, int y) { button(UI_EV_MOUSE_DOWN, x, y, UI_BUTTON_LEFT); }
static void release(int x, int y) { button(UI_EV_MOUSE_UP, x, y, UI_BUTTON_LEFT); }
static int key(ui_key k, int mod) {
  ui_event e = {.type = UI_EV_KEY_DOWN, .key = k, .mods = mod};
  return ui_input(U, &e);
}
static void wheel(int y) {
  ui_event e = {.type = UI_EV_WHEEL, .wheel = y};
  ui_input(U, &e);
}
static void text_input(const char *s) {
  ui_event e = {.type = UI_EV_TEXT};
  snprintf(e.text, sizeof e.text, "%s", s);
  ui_input(U, &e);
}

/* The widget state a frame edits, the results it returns and where each widget was drawn. */
static const char *CELLS[] = {"RNN tanh", "RNN ReLU", "LSTM", "GRU"};
static struct {
  float lr, clip;
  int hidden, keep, cell, speed;
  char text[64];
  int submitted;
} S;
static struct {
  int lr, clip, hidden, keep, cell, speed, reset, step, text;
  gfx_rect r_lr, r_clip, r_hidden, r_keep, r_cell, r_speed, r_reset, r_step, r_text, panel;
  int panel_clicked, key_n;
} R;

static void frame(void) {
  memset(&R, 0, sizeof R);
  gfx_begin_frame(G);
  const theme *th = gfx_theme(G);
  gfx_clear(G, th->bg);
  ui_begin(U);
  gfx_rect side = {0, 0, 420, gfx_height(G)};
  gfx_fill_rect(G, side, th->panel);
  ui_layout_begin(U, side);
  ui_label(U, "Model A");
  R.cell = ui_select(U, "cell", &S.cell, CELLS, 4);
  R.r_cell = ui_last_rect(U);
  ui_tooltip(U, "cell type of model A");
  R.lr = ui_slider(U, "learning rate", &S.lr, 1e-4f, 1.0f, UI_LOG, "%.2g");
  R.r_lr = ui_last_rect(U);
  R.clip = ui_slider(U, "clip", &S.clip, 0, 10, 0, NULL);
  R.r_clip = ui_last_rect(U);
  R.hidden = ui_slider_int(U, "hidden", &S.hidden, 4, 256);
  R.r_hidden = ui_last_rect(U);
  R.keep = ui_checkbox(U, "keep (f = 1, i = 0)", &S.keep);
  R.r_keep = ui_last_rect(U);
  ui_row(U, 2, NULL, 0);
  R.reset = ui_button(U, "Reset");
  R.r_reset = ui_last_rect(U);
  R.step = ui_button(U, "Step");
  R.r_step = ui_last_rect(U);
  ui_row(U, 1, NULL, 0);
  R.speed = ui_cycle(U, "speed", &S.speed, CELLS, 4);
  R.r_speed = ui_last_rect(U);
  R.text = ui_textbox(U, "text", S.text, sizeof S.text, &S.submitted);
  R.r_text = ui_last_rect(U);
  ui_layout_end(U);
  /* a custom panel right of the sidebar */
  R.panel = gfx_r(440, 20, 300, 200);
  gfx_fill_rect(G, R.panel, th->panel);
  R.panel_clicked = ui_clicked(U, R.panel);
  ui_tooltip_rect(U, R.panel, "unit 3, t = 7\nc = 0.42");
  R.key_n = ui_key_pressed(U, 'n');
  ui_end(U);
}

static int cx(gfx_rect r) { return r.x + r.w / 2; }
static int cy(gfx_rect r) { return r.y + r.h / 2; }

static void reset_state(void) {
  S.lr = 0.01f;
  S.clip = 1;
  S.hidden = 64;
  S.keep = 0;
  S.cell = 2;
  S.speed = 0;
  snprintf(S.text, sizeof S.text, "hi");
  S.submitted = 0;
}

static void test_layout(void) {
  frame();
  /* rows stack downward without overlap, full width inside the padding */
  CHECK(R.r_cell.y + R.r_cell.h <= R.r_lr.y && R.r_lr.y + R.r_lr.h <= R.r_clip.y);
  CHECK(R.r_cell.w == R.r_lr.w && R.r_cell.x == ui_padding(U));
  CHECK(R.r_cell.h == ui_widget_height(U));
  /* two columns share the row */
  CHECK(R.r_reset.y == R.r_step.y && R.r_reset.x + R.r_reset.w < R.r_step.x);
  CHECK(R.r_step.x + R.r_step.w == R.r_cell.x + R.r_cell.w);
  CHECKF(abs(R.r_reset.w - R.r_step.w) <= 1, "%d vs %d", R.r_reset.w, R.r_step.w);
  /* the widget height grows with the window (projector: body text >= 20 px) */
  rl_error err;
  gfx *small = gfx_create_headless(1280, 720, &err), *big = gfx_create_headless(1920, 1080, &err);
  CHECK(small != NULL && big != NULL);
  if (small && big) {
    ui *u1 = ui_create(small), *u2 = ui_create(big);
    CHECKF(ui_widget_height(u2) > ui_widget_height(u1), "%d vs %d", ui_widget_height(u2), ui_widget_height(u1));
    CHECK(gfx_font_px(big, THEME_TEXT_BODY) >= 20);
    ui_destroy(u1);
    ui_destroy(u2);
  }
  gfx_destroy(small);
  gfx_destroy(big);
  /* custom layouts: fixed + fill widths, remaining area */
  ui_begin(U);
  ui_layout_begin(U, gfx_r(0, 0, 400, 300));
  int w[3] = {100, 0, 50};
  ui_row(U, 3, w, 30);
  gfx_rect a = ui_next(U), b = ui_next(U), c = ui_next(U), d = ui_next(U);
  CHECK(a.w == 100 && c.w == 50 && a.h == 30);
  CHECK(b.x == a.x + a.w + (b.x - a.x - a.w) && b.x > a.x + a.w && c.x + c.w == a.x + 400 - 2 * ui_padding(U));
  CHECK(d.y > a.y && d.x == a.x); /* wrapped to the next row */
  ui_space(U, 10);
  /* a paragraph wraps into several lines inside the layout width */
  ui_text_block(U, "The forget gate decides how much of the cell state survives each step; "
                   "clamp it to one and the gradient flows back unchanged.");
  gfx_rect para = ui_last_rect(U);
  int lh = gfx_line_height(G, GFX_SANS, gfx_font_px(G, THEME_TEXT_BODY));
  CHECKF(para.h >= 3 * lh && para.w == 400 - 2 * ui_padding(U), "paragraph %dx%d, line %d", para.w, para.h, lh);
  gfx_rect after = ui_next(U);
  CHECK(after.y >= para.y + para.h && after.w == 100); /* the 3-column row spec is restored */
  ui_space(U, 10);
  gfx_rect rest = ui_remaining(U);
  CHECK(rest.y > d.y + d.h && rest.y + rest.h == 300 - ui_padding(U));
  ui_layout_end(U);
  ui_end(U);
}

static void test_button(void) {
  frame();
  /* hover alone does nothing; press + release over it clicks once */
  motion(cx(R.r_reset), cy(R.r_reset));
  frame();
  CHECK(!R.reset);
  press(cx(R.r_reset), cy(R.r_reset));
  frame();
  CHECK(!R.reset); /* not yet: buttons fire on release */
  release(cx(R.r_reset), cy(R.r_reset));
  frame();
  CHECK(R.reset && !R.step);
  frame();
  CHECK(!R.reset);
  /* press and release in the same frame (fast click) also counts */
  press(cx(R.r_step), cy(R.r_step));
  release(cx(R.r_step), cy(R.r_step));
  frame();
  CHECK(R.step && !R.reset);
  /* press on the button, release elsewhere: cancelled */
  press(cx(R.r_reset), cy(R.r_reset));
  frame();
  release(600, 500);
  frame();
  CHECK(!R.reset);
  /* focus + Space/Return press it; keys go to the caller when nothing has focus */
  press(cx(R.r_reset), cy(R.r_reset));
  release(cx(R.r_reset), cy(R.r_reset));
  frame();
  CHECK(ui_wants_keyboard(U));
  CHECK(key(UI_KEY_SPACE, 0) == 1);
  frame();
  CHECK(R.reset);
  press(600, 500); /* click on empty space drops the focus */
  release(600, 500);
  frame();
  CHECK(!ui_wants_keyboard(U));
  CHECK(key(UI_KEY_SPACE, 0) == 0);
  frame();
  CHECK(!R.reset);
  key('n', 0);
  frame();
  CHECK(R.key_n); /* an unused key is visible to the caller */
}

static void test_checkbox(void) {
  reset_state();
  frame();
  press(cx(R.r_keep), cy(R.r_keep));
  release(cx(R.r_keep), cy(R.r_keep));
  frame();
  CHECK(R.keep && S.keep == 1);
  frame();
  CHECK(!R.keep && S.keep == 1);
  key(UI_KEY_SPACE, 0); /* it has the focus now */
  frame();
  CHECK(R.keep && S.keep == 0);
  press(600, 500);
  release(600, 500);
  frame();
}

/* The label of a slider is never crossed by its handle (the trial saw "hid|den"): at any value, no
 * accent-coloured pixel falls inside the label's text box. */
static gfx_rect label_box;
static void find_label(void *ctx, const char *s, int px, gfx_rect box) {
  (void)px;
  if (!strcmp(s, (const char *)ctx)) label_box = box;
}

static void test_slider_handle(void) {
  reset_state();
  const theme *th = gfx_theme(G);
  for (int v = 4; v <= 256; v += 12) { /* sweep the handle across the whole track */
    S.hidden = v;
    label_box = gfx_r(0, 0, 0, 0);
    gfx_set_text_observer(G, find_label, "hidden");
    frame();
    gfx_set_text_observer(G, NULL, NULL);
    CHECK(label_box.w > 0);
    uint8_t *px = malloc((size_t)label_box.w * (size_t)label_box.h * 4);
    rl_error err;
    int bad = 0;
    if (px && gfx_read_pixels(G, label_box, px, &err) == 0)
      for (long i = 0; i < (long)label_box.w * label_box.h; i++)
        bad += abs(px[4 * i] - th->accent.r) < 16 && abs(px[4 * i + 1] - th->accent.g) < 16 &&
               abs(px[4 * i + 2] - th->accent.b) < 16;
    free(px);
    CHECKF(bad == 0, "hidden = %d: %d handle pixels inside the label", v, bad);
  }
}

static void test_slider(void) {
  reset_state();
  frame();
  /* linear: a click at the middle of the track gives the middle of the range (within one
   * pixel's worth of value: 10 / track width) */
  gfx_rect r = R.r_clip;
  int pad = ui_padding(U);
  float track0 = r.x + pad * 0.5f, trackw = (float)(r.w - pad);
  int xm = (int)lroundf(track0 + 0.5f * trackw);
  press(xm, cy(r));
  frame();
  CHECK(R.clip);
  CHECKF(fabsf(S.clip - 5.0f) <= 10.0f / trackw + 1e-4f, "clip %g", S.clip);
  release(xm, cy(r));
  frame();
  CHECK(!R.clip);
  /* drag: keep the button down and move right beyond the end -> the maximum */
  press(xm, cy(r));
  frame();
  motion(r.x + r.w + 200, cy(r) + 300); /* leaving the widget while dragging keeps control */
  frame();
  CHECK(R.clip && S.clip == 10.0f);
  motion(r.x - 50, cy(r));
  frame();
  CHECK(S.clip == 0.0f);
  release(r.x - 50, cy(r));
  frame();
  motion(r.x + r.w - 2, cy(r));
  frame();
  CHECK(!R.clip && S.clip == 0.0f); /* released: moving no longer changes it */
  /* log scale: the middle of the track is the geometric mean sqrt(1e-4 * 1) = 1e-2 (within one
   * pixel: a factor 10^(4 / track width)) */
  r = R.r_lr;
  xm = (int)lroundf(track0 + 0.25f * trackw);
  press(xm, cy(r));
  release(xm, cy(r));
  frame();
  double want = pow(10.0, -4 + 4 * ((xm - track0) / trackw));
  CHECKF(test_close(S.lr, want, 1e-4, 0), "lr %g want %g", S.lr, want);
  CHECKF(S.lr > 1e-3f * 0.9f && S.lr < 1e-3f * 1.1f, "lr %g (quarter of 4 decades = 1e-3)", S.lr);
  /* keyboard with focus: Right steps up by 2% of the (log) range, Home/End go to the ends */
  float before = S.lr;
  key(UI_KEY_RIGHT, 0);
  frame();
  CHECK(R.lr && S.lr > before);
  CHECKF(test_close(log10(S.lr) - log10(before), 0.08, 1e-3, 1e-4), "step %g", log10(S.lr) - log10(before));
  key(UI_KEY_END, 0);
  frame();
  CHECK(S.lr == 1.0f);
  key(UI_KEY_HOME, 0);
  frame();
  CHECK(test_close(S.lr, 1e-4, 1e-5, 0));
  /* Tab moves the focus to the next widget (clip), Left then changes clip, not lr */
  key(UI_KEY_TAB, 0);
  frame();
  float lr_before = S.lr, clip_before = S.clip = 5;
  key(UI_KEY_LEFT, 0);
  frame();
  CHECK(S.lr == lr_before && S.clip < clip_before);
  key(UI_KEY_TAB, UI_MOD_SHIFT); /* back to lr */
  frame();
  key(UI_KEY_RIGHT, 0);
  frame();
  CHECK(S.lr > lr_before);
  key(UI_KEY_ESCAPE, 0);
  frame();
  CHECK(!ui_wants_keyboard(U));
  /* mouse wheel over a slider */
  motion(cx(R.r_hidden), cy(R.r_hidden));
  frame();
  int h0 = S.hidden;
  wheel(1);
  frame();
  CHECK(R.hidden && S.hidden > h0);
  /* integer slider stays integral and in range */
  press(R.r_hidden.x + R.r_hidden.w / 3, cy(R.r_hidden));
  release(R.r_hidden.x + R.r_hidden.w / 3, cy(R.r_hidden));
  frame();
  CHECK(S.hidden >= 4 && S.hidden <= 256);
  /* a NaN value is brought back into range */
  S.clip = NAN;
  frame();
  CHECK(S.clip == 0.0f);
  press(600, 500);
  release(600, 500);
  frame();
}

static void test_select(void) {
  reset_state();
  frame();
  /* click opens the dropdown below; clicking an item picks it */
  press(cx(R.r_cell), cy(R.r_cell));
  release(cx(R.r_cell), cy(R.r_cell));
  frame();
  CHECK(!R.cell && S.cell == 2);
  CHECK(ui_wants_mouse(U));
  /* the popup is drawn on top (over the lr slider) in the panel colour: item 0 lies right
   * below the select */
  int ih = ui_widget_height(U);
  int item0_y = R.r_cell.y + R.r_cell.h + ih / 2;
  uint8_t p[4];
  rl_error err;
  gfx_read_pixels(G, gfx_r(R.r_cell.x + R.r_cell.w - 20, item0_y, 1, 1), p, &err);
  gfx_color pc = gfx_theme(G)->panel;
  CHECKF(p[0] == pc.r && p[1] == pc.g && p[2] == pc.b, "popup pixel %d %d %d", p[0], p[1], p[2]);
  /* pick "RNN ReLU" (item 1): the slider underneath must not react */
  float lr0 = S.lr;
  int y1 = R.r_cell.y + R.r_cell.h + ih + ih / 2;
  motion(cx(R.r_cell), y1);
  frame();
  press(cx(R.r_cell), y1);
  frame();
  release(cx(R.r_cell), y1);
  frame();
  CHECK(S.cell == 1);
  CHECK(S.lr == lr0);
  /* open and click elsewhere: closes without picking and without clicking what is there */
  press(cx(R.r_cell), cy(R.r_cell));
  release(cx(R.r_cell), cy(R.r_cell));
  frame();
  press(cx(R.r_reset), cy(R.r_reset));
  release(cx(R.r_reset), cy(R.r_reset));
  frame();
  CHECK(!R.reset && S.cell == 1);
  frame();
  CHECK(!ui_wants_mouse(U) || ui_hover(U, R.r_reset));
  /* keyboard: focus it (open + Escape closes), then Right cycles */
  press(cx(R.r_cell), cy(R.r_cell));
  release(cx(R.r_cell), cy(R.r_cell));
  frame();
  key(UI_KEY_ESCAPE, 0);
  frame();
  key(UI_KEY_RIGHT, 0);
  frame();
  CHECK(R.cell && S.cell == 2);
  key(UI_KEY_LEFT, 0);
  key(UI_KEY_LEFT, 0);
  key(UI_KEY_LEFT, 0);
  frame();
  CHECK(S.cell == 3); /* wraps around */
  /* wheel over it cycles (down = next) */
  motion(cx(R.r_cell), cy(R.r_cell));
  frame();
  wheel(-1);
  frame();
  CHECK(S.cell == 0);
  press(600, 500);
  release(600, 500);
  frame();
}

static void test_cycle_textbox_panel(void) {
  reset_state();
  frame();
  press(cx(R.r_speed), cy(R.r_speed));
  release(cx(R.r_speed), cy(R.r_speed));
  frame();
  CHECK(R.speed && S.speed == 1);
  button(UI_EV_MOUSE_DOWN, cx(R.r_speed), cy(R.r_speed), UI_BUTTON_RIGHT);
  button(UI_EV_MOUSE_UP, cx(R.r_speed), cy(R.r_speed), UI_BUTTON_RIGHT);
  frame();
  CHECK(R.speed && S.speed == 0);
  /* text box: typed text, Backspace, Return; typed keys are not the caller's shortcuts */
  press(cx(R.r_text), cy(R.r_text));
  release(cx(R.r_text), cy(R.r_text));
  frame();
  CHECK(ui_wants_keyboard(U));
  CHECK(key('n', 0) == 1);
  text_input("n");
  text_input(" there");
  frame();
  CHECK(R.text && !strcmp(S.text, "hin there"));
  CHECK(!R.key_n);
  key(UI_KEY_BACKSPACE, 0);
  key(UI_KEY_BACKSPACE, 0);
  frame();
  CHECK(!strcmp(S.text, "hin the"));
  key(UI_KEY_RETURN, 0);
  frame();
  CHECK(S.submitted == 1);
  frame();
  CHECK(S.submitted == 0);
  /* UTF-8: backspace removes a whole character */
  text_input("\xc3\xa9");
  frame();
  key(UI_KEY_BACKSPACE, 0);
  frame();
  CHECK(!strcmp(S.text, "hin the"));
  /* a custom panel: click inside it, and its tooltip */
  press(cx(R.panel), cy(R.panel));
  release(cx(R.panel), cy(R.panel));
  frame();
  CHECK(R.panel_clicked);
  CHECK(!ui_wants_keyboard(U)); /* clicking a panel gives the keyboard back to the app */
  frame();
  CHECK(!R.panel_clicked);
}

static void test_tooltip_and_golden(void) {
  reset_state();
  /* hover the select: its tooltip (tooltip_bg box) appears right-below the mouse */
  motion(cx(R.r_cell), cy(R.r_cell));
  frame();
  int mx = cx(R.r_cell), my = cy(R.r_cell);
  gfx_color tb = gfx_theme(G)->tooltip_bg;
  uint8_t *px = malloc(120 * 40 * 4);
  rl_error err;
  long n = 0;
  if (px && gfx_read_pixels(G, gfx_r(mx + 10, my + 15, 120, 40), px, &err) == 0)
    for (int i = 0; i < 120 * 40; i++) n += px[4 * i] == tb.r && px[4 * i + 1] == tb.g && px[4 * i + 2] == tb.b;
  CHECKF(n > 1000, "tooltip pixels %ld", n);
  free(px);
  /* the golden sidebar: mouse away, nothing focused, fixed state */
  motion(700, 580);
  press(700, 580);
  release(700, 580);
  frame();
  motion(700, 580);
  frame();
  golden_check_gfx("ui_sidebar", G);
}

int main(void) {
  rl_error err;
  G = gfx_create_headless(800, 600, &err);
  CHECKF(G != NULL, "%s", err.msg);
  if (!G) return test_summary("app_test_ui");
  /* larger widgets than the 600-px-high default scale would give, like a 1080p screen */
  gfx_set_scale_override(G, 1.0f);
  U = ui_create(G);
  CHECK(U != NULL);
  reset_state();
  test_layout();
  test_button();
  test_checkbox();
  test_slider();
  test_slider_handle();
  test_select();
  test_cycle_textbox_panel();
  test_tooltip_and_golden();
  ui_destroy(U);
  gfx_destroy(G);
  return test_summary("app_test_ui");
}
