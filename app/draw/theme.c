/* rnnlab themes: plain data (see theme.h). */
#include "theme.h"
#include <math.h>
#include <string.h>

#define C(r, g, b) {r, g, b, 255}

static const theme THEMES[THEME_COUNT] = {
    {
        .name = "dark",
        .bg = C(18, 20, 26),
        .panel = C(27, 30, 38),
        .panel_border = C(52, 57, 70),
        .text = C(232, 234, 240),
        .text_dim = C(160, 166, 182),
        .axis = C(178, 184, 198),
        .grid = C(48, 53, 65),
        .accent = C(255, 196, 61),
        .widget = C(42, 46, 58),
        .widget_hover = C(58, 64, 80),
        .widget_active = C(78, 86, 106),
        .widget_border = C(84, 92, 112),
        .tooltip_bg = C(245, 245, 240),
        .tooltip_text = C(20, 20, 24),
        .ok = C(92, 200, 130),
        .warn = C(255, 176, 59),
        .error = C(255, 105, 97),
        /* Okabe-Ito, lifted for a dark background: sky blue, orange, bluish green, yellow,
         * vermillion, reddish purple, blue, grey. */
        .series = {C(86, 180, 233), C(230, 159, 0), C(0, 178, 138), C(240, 228, 66),
                   C(245, 110, 60), C(214, 140, 190), C(60, 140, 230), C(190, 190, 190)},
        .text_px = {22.0f, 24.0f, 28.0f, 40.0f, 36.0f},
    },
    {
        .name = "light",
        .bg = C(255, 255, 255),
        .panel = C(255, 255, 255),
        .panel_border = C(205, 208, 215),
        .text = C(20, 22, 28),
        .text_dim = C(88, 92, 104),
        .axis = C(40, 42, 50),
        .grid = C(228, 230, 235),
        .accent = C(200, 120, 0),
        .widget = C(236, 238, 242),
        .widget_hover = C(222, 226, 234),
        .widget_active = C(200, 206, 218),
        .widget_border = C(170, 176, 190),
        .tooltip_bg = C(30, 32, 40),
        .tooltip_text = C(245, 245, 245),
        .ok = C(0, 130, 70),
        .warn = C(190, 110, 0),
        .error = C(200, 40, 30),
        /* Okabe-Ito as published, darkened where needed for white paper: blue, vermillion,
         * bluish green, orange, sky blue, reddish purple, yellow (darkened), black. */
        .series = {C(0, 114, 178), C(213, 94, 0), C(0, 158, 115), C(230, 159, 0),
                   C(86, 180, 233), C(204, 121, 167), C(180, 160, 0), C(60, 60, 60)},
        .text_px = {22.0f, 24.0f, 28.0f, 40.0f, 36.0f},
    },
};

const theme *theme_get(theme_id id) {
  if ((int)id < 0 || id >= THEME_COUNT) id = THEME_DARK;
  return &THEMES[id];
}

int theme_parse(const char *name, theme_id *out) {
  if (!name) return -1;
  for (int i = 0; i < THEME_COUNT; i++)
    if (!strcmp(name, THEMES[i].name)) {
      if (out) *out = (theme_id)i;
      return 0;
    }
  return -1;
}

const char *theme_name(theme_id id) { return theme_get(id)->name; }

int theme_text_px(const theme *t, theme_text role, float scale) {
  if (!t) t = theme_get(THEME_DARK);
  if ((int)role < 0 || role >= THEME_TEXT_COUNT) role = THEME_TEXT_BODY;
  int px = (int)lroundf(t->text_px[role] * theme_text_scale(scale));
  return px < 10 ? 10 : px;
}

float theme_text_scale(float scale) {
  if (!(scale > 0)) return 1;
  return scale >= 1 ? scale : sqrtf(scale);
}

gfx_color theme_series(const theme *t, int i) {
  if (!t) t = theme_get(THEME_DARK);
  if (i < 0) i = -i;
  return t->series[i % THEME_SERIES];
}
