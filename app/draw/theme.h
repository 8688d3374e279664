/* rnnlab themes: a dark one for projectors and a light one for papers.
 *
 * A theme is plain data: colours and the text sizes of each role, designed for a 1080-pixel high
 * target and sized for the back row of a lecture hall: narration 36 px, panel titles 28 px, ticks,
 * labels and tokens 22 px on a 1920x1080 projector. gfx scales them to the actual target
 * (gfx_font_px): linearly above 1080 pixels (a 2x export doubles every size), and with the square
 * root of the scale below it, so a 1280x720 projector keeps narration at 29 px and ticks at 18 px
 * while the layout shrinks by a third.
 *
 * Series colours follow the Okabe-Ito palette (distinguishable with the common colour-vision
 * deficiencies), adjusted in lightness so they stand out on the theme's background.
 */
#ifndef RNNLAB_THEME_H
#define RNNLAB_THEME_H
#include "gfx_types.h"

typedef enum { THEME_DARK = 0, THEME_LIGHT = 1, THEME_COUNT } theme_id;

typedef enum {
  THEME_TEXT_SMALL = 0, /* tick labels, axis labels, tokens, legends, tooltips: 22 px at 1080p */
  THEME_TEXT_BODY,      /* widget labels, values, model lines: 24 px */
  THEME_TEXT_HEADING,   /* panel titles: 28 px */
  THEME_TEXT_TITLE,     /* screen title, a lesson step's title: 40 px */
  THEME_TEXT_NARRATION, /* a lesson's narration: 36 px */
  THEME_TEXT_COUNT
} theme_text;

#define THEME_SERIES 8

typedef struct {
  const char *name;     /* "dark", "light" */
  gfx_color bg;         /* window background */
  gfx_color panel;      /* panel background */
  gfx_color panel_border;
  gfx_color text;       /* main text */
  gfx_color text_dim;   /* secondary text: axis labels, units */
  gfx_color axis;       /* plot axes and ticks */
  gfx_color grid;       /* plot grid lines (subtle) */
  gfx_color accent;     /* selection, focus, slider fill */
  gfx_color widget;     /* widget background */
  gfx_color widget_hover;
  gfx_color widget_active;
  gfx_color widget_border;
  gfx_color tooltip_bg;
  gfx_color tooltip_text;
  gfx_color ok;         /* notices: success */
  gfx_color warn;       /* notices: attention (e.g. "training reset") */
  gfx_color error;      /* notices: failure */
  gfx_color series[THEME_SERIES]; /* plot series in order; series[0] and [1] contrast best */
  float text_px[THEME_TEXT_COUNT]; /* at a 1080-pixel high target */
} theme;

const theme *theme_get(theme_id id);          /* always valid; out-of-range ids give dark */
int theme_parse(const char *name, theme_id *out); /* "dark" | "light": 0, else -1 */
const char *theme_name(theme_id id);

/* Text size in pixels for a role at a scale (gfx_scale: target height / 1080): linear for
 * scale >= 1, sqrt(scale) below (theme_text_scale). Never below 10. */
int theme_text_px(const theme *t, theme_text role, float scale);
/* How text scales with the target: s for s >= 1, sqrt(s) below (small windows keep readable text). */
float theme_text_scale(float scale);

/* Series colour i (wraps around). */
gfx_color theme_series(const theme *t, int i);

#endif
