/* rnnlab themes: a dark one for projectors and a light one for papers.
 *
 * A theme is plain data: colours and the text sizes of each role, designed for a 1080-pixel high
 * target. gfx scales them to the actual target (gfx_font_px), so a 1920x1080 projector shows body
 * text at 21 px and a 2x export at 42 px.
 *
 * Series colours follow the Okabe-Ito palette (distinguishable with the common colour-vision
 * deficiencies), adjusted in lightness so they stand out on the theme's background.
 */
#ifndef RNNLAB_THEME_H
#define RNNLAB_THEME_H
#include <SDL2/SDL.h>

typedef enum { THEME_DARK = 0, THEME_LIGHT = 1, THEME_COUNT } theme_id;

typedef enum {
  THEME_TEXT_SMALL = 0, /* tick labels, legends, tooltips: 18 px at 1080p */
  THEME_TEXT_BODY,      /* widget labels, values: 21 px at 1080p */
  THEME_TEXT_HEADING,   /* panel titles: 24 px */
  THEME_TEXT_TITLE,     /* screen title, notices: 30 px */
  THEME_TEXT_COUNT
} theme_text;

#define THEME_SERIES 8

typedef struct {
  const char *name;     /* "dark", "light" */
  SDL_Color bg;         /* window background */
  SDL_Color panel;      /* panel background */
  SDL_Color panel_border;
  SDL_Color text;       /* main text */
  SDL_Color text_dim;   /* secondary text: axis labels, units */
  SDL_Color axis;       /* plot axes and ticks */
  SDL_Color grid;       /* plot grid lines (subtle) */
  SDL_Color accent;     /* selection, focus, slider fill */
  SDL_Color widget;     /* widget background */
  SDL_Color widget_hover;
  SDL_Color widget_active;
  SDL_Color widget_border;
  SDL_Color tooltip_bg;
  SDL_Color tooltip_text;
  SDL_Color ok;         /* notices: success */
  SDL_Color warn;       /* notices: attention (e.g. "training reset") */
  SDL_Color error;      /* notices: failure */
  SDL_Color series[THEME_SERIES]; /* plot series in order; series[0] and [1] contrast best */
  float text_px[THEME_TEXT_COUNT]; /* at a 1080-pixel high target */
} theme;

const theme *theme_get(theme_id id);          /* always valid; out-of-range ids give dark */
int theme_parse(const char *name, theme_id *out); /* "dark" | "light": 0, else -1 */
const char *theme_name(theme_id id);

/* Text size in pixels for a role at a scale (gfx_scale: target height / 1080). Never below 10. */
int theme_text_px(const theme *t, theme_text role, float scale);

/* Series colour i (wraps around). */
SDL_Color theme_series(const theme *t, int i);

#endif
