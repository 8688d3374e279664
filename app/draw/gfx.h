/* rnnlab gfx: the drawing layer under every panel, plot and widget.
 *
 * One gfx context wraps one SDL_Renderer. The renderer targets either a window (the explorer) or
 * an SDL_Surface through SDL_CreateSoftwareRenderer (headless: tests, `rnnlab render`, experiment
 * figures; works with SDL_VIDEODRIVER=dummy and no display). Every drawing call below is the same
 * for both, so a headless render and the window share every line of drawing code.
 *
 * Sizes scale with the target height: gfx_px(g, n) converts a length designed for a 1080-pixel
 * high screen into pixels for this target (a 2x export re-renders everything at twice the size).
 * Text sizes come from the theme (theme.h): ticks and labels 22 px, panel titles 28 px, narration 36 px on
 * a 1920x1080 projector, shrinking with the square root of the height below that.
 *
 * Threads: a gfx context (and its caches) belongs to the thread that draws with it.
 * Errors: fallible calls return 0 or -1 and fill an rl_error; nothing here exits or prints.
 */
#ifndef RNNLAB_GFX_H
#define RNNLAB_GFX_H
#include "rl_base.h"
#include "theme.h"
#include <SDL2/SDL.h>
#include <stdint.h>

typedef struct gfx gfx;

/* ---- contexts ---------------------------------------------------------------------------- */

/* Creates a renderer for an existing window (accelerated if available, else software; vsync on).
 * OpenGL that runs on the CPU (Mesa llvmpipe: Xvfb, VMs) is replaced by SDL's software renderer
 * writing straight to the window, which is faster here; setting SDL_RENDER_DRIVER disables that.
 * The window stays owned by the caller. Fonts are located through fontconfig; if DejaVu is
 * missing the error names the Debian package (fonts-dejavu-core). The environment variables
 * RNNLAB_FONT / RNNLAB_FONT_MONO may name .ttf files instead. Theme starts as THEME_DARK. */
gfx *gfx_create_window(SDL_Window *win, rl_error *err);
/* Headless: a w x h RGBA surface with a software renderer. Needs no display and no SDL_Init. */
gfx *gfx_create_headless(int w, int h, rl_error *err);
void gfx_destroy(gfx *g); /* NULL is fine */

/* Headless only: reallocate the surface at a new size (drawn content is lost). */
int gfx_resize_headless(gfx *g, int w, int h, rl_error *err);

SDL_Renderer *gfx_renderer(gfx *g);
int gfx_width(const gfx *g);   /* current output size in pixels (window: drawable size) */
int gfx_height(const gfx *g);
int gfx_is_headless(const gfx *g);

/* Scale factor: target height / 1080, times the user zoom (default 1). Lengths a panel designs
 * for a 1080p screen become gfx_px(g, len) = max(1, round(len * scale)). */
float gfx_scale(const gfx *g);
int gfx_px(const gfx *g, float len_at_1080p);
/* A length that holds text (a sidebar's width, a label column): scales like text does, so text
 * still fits when the window is smaller than 1080p. */
int gfx_tx(const gfx *g, float len_at_1080p);
/* Multiplies the automatic scale (e.g. 1.25 for a far-away projector). */
void gfx_set_zoom(gfx *g, float zoom);
/* Fixes the scale instead of deriving it from the height (0 = automatic again). Useful to render a
 * single panel at the size it has inside a bigger window. Clears nothing that matters. */
void gfx_set_scale_override(gfx *g, float scale);
/* Multiplies every length and text size after the scale is worked out (default 1): a 2x export
 * of a window sets the window's scale as override and factor 2, so it is the window's layout at
 * twice the pixels, text included (text does not scale linearly with the height below 1080p). */
void gfx_set_export_factor(gfx *g, float factor);

void gfx_set_theme(gfx *g, const theme *t); /* NULL -> dark theme */
const theme *gfx_theme(const gfx *g);

/* Start of a frame: refreshes the output size (window resizes), ages the text cache. */
void gfx_begin_frame(gfx *g);
/* Window: SDL_RenderPresent. Headless: no-op. Read or save pixels BEFORE presenting. */
void gfx_present(gfx *g);

/* ---- primitives (colours with alpha blend) ------------------------------------------------ */

void gfx_clear(gfx *g, SDL_Color c);
void gfx_fill_rect(gfx *g, SDL_Rect r, SDL_Color c);
void gfx_rect(gfx *g, SDL_Rect r, int thickness, SDL_Color c);       /* outline inside r */
void gfx_fill_round_rect(gfx *g, SDL_Rect r, int radius, SDL_Color c);
/* Straight line of the given thickness in pixels (>= 1), float coordinates. */
void gfx_line(gfx *g, float x0, float y0, float x1, float y1, float thickness, SDL_Color c);
/* Connected line through n points (xs[i], ys[i]) in pixel coordinates; non-finite points break
 * the line into pieces. Joints are rounded so thick lines look continuous. */
void gfx_polyline(gfx *g, const float *xs, const float *ys, int n, float thickness, SDL_Color c);
void gfx_fill_circle(gfx *g, float cx, float cy, float radius, SDL_Color c);
void gfx_circle(gfx *g, float cx, float cy, float radius, float thickness, SDL_Color c);
void gfx_fill_triangle(gfx *g, float x0, float y0, float x1, float y1, float x2, float y2,
                       SDL_Color c);
/* A line with an arrowhead at (x1, y1); head length scales with thickness. */
void gfx_arrow(gfx *g, float x0, float y0, float x1, float y1, float thickness, SDL_Color c);
/* Dashed line (grid lines, selected-timestep markers). */
void gfx_dashed_line(gfx *g, float x0, float y0, float x1, float y1, float thickness, float dash,
                     SDL_Color c);

/* An RGBA8 image (w x h, row-major, 4 bytes/pixel, rows tightly packed) stretched into dst with
 * nearest-neighbour sampling (heatmap cells stay crisp). */
void gfx_image_rgba(gfx *g, SDL_Rect dst, const uint8_t *rgba, int w, int h);

/* Clip stack (intersected with the enclosing clip). Up to 16 levels. */
void gfx_push_clip(gfx *g, SDL_Rect r);
void gfx_pop_clip(gfx *g);

/* ---- text --------------------------------------------------------------------------------- */

typedef enum { GFX_SANS = 0, GFX_MONO = 1 } gfx_face;

/* Alignment flags, one horizontal | one vertical. (x, y) is the anchor point. */
enum {
  GFX_LEFT = 0, GFX_CENTER = 1, GFX_RIGHT = 2,      /* horizontal */
  GFX_TOP = 0, GFX_MIDDLE = 4, GFX_BOTTOM = 8       /* vertical (of the line box) */
};

/* Draws UTF-8 text at pixel size px (font size, ~cap height * 1.4). Returns the drawn width in
 * pixels (0 for empty/NULL text or if the font cannot render it). Rendered strings are cached
 * (LRU by face+size+colour+string), so redrawing the same labels every frame is cheap. */
int gfx_text(gfx *g, float x, float y, const char *s, gfx_face face, int px, SDL_Color c,
             int align);
/* The same, rotated 90 degrees counter-clockwise (reads bottom-to-top: y-axis labels). The
 * anchor refers to the rotated box. */
int gfx_text_vertical(gfx *g, float x, float y, const char *s, gfx_face face, int px,
                      SDL_Color c, int align);
/* Size of the text's line box without drawing it. Either pointer may be NULL. */
void gfx_text_size(gfx *g, const char *s, gfx_face face, int px, int *w, int *h);
/* Line height (ascent + descent) for this face and size. */
int gfx_line_height(gfx *g, gfx_face face, int px);
/* Longest prefix of s (in bytes, on a UTF-8 boundary) whose width with "..." fits max_w; writes
 * the shortened text to out (cap bytes). Returns 1 if s had to be shortened. */
int gfx_text_fit(gfx *g, const char *s, gfx_face face, int px, int max_w, char *out, size_t cap);
/* Greedy word wrap of text (also at '\n') into lines no wider than max_w pixels (a single word
 * wider than that gets a line of its own). Returns the number of lines written (<= max_lines). */
#define GFX_WRAP_LINE 320
int gfx_wrap(gfx *g, const char *text, gfx_face face, int px, int max_w, char (*lines)[GFX_WRAP_LINE],
             int max_lines);
/* Convenience: text size for a theme role at this target's scale (see theme.h). */
int gfx_font_px(const gfx *g, theme_text role);

/* Called after every string gfx_text / gfx_text_vertical draws, with its pixel size and box:
 * lets a test check what a slide says and how large (the projector check). NULL turns it off. */
typedef void (*gfx_text_observer)(void *ctx, const char *s, int px, SDL_Rect box);
void gfx_set_text_observer(gfx *g, gfx_text_observer fn, void *ctx);

/* Statistics of the text cache (tests and the benchmark): hits, misses, entries. */
void gfx_text_cache_stats(const gfx *g, long *hits, long *misses, int *entries);

/* ---- pixels and PNG ----------------------------------------------------------------------- */

/* Reads the current back buffer (call before gfx_present) into rgba: r.w*r.h*4 bytes, RGBA8. */
int gfx_read_pixels(gfx *g, SDL_Rect r, uint8_t *rgba, rl_error *err);
/* The whole output as PNG. An unwritable path returns -1 with a message naming the path. */
int gfx_save_png(gfx *g, const char *path, rl_error *err);
/* One rectangle (e.g. one panel) as PNG; r is clipped to the output. */
int gfx_save_png_region(gfx *g, SDL_Rect r, const char *path, rl_error *err);

/* Plain PNG helpers: write/read RGBA8. gfx_write_png writes atomically (engine/fileio.h: the
 * previous file survives any error); gfx_load_png returns a malloc'ed buffer (free() it) or NULL
 * with err filled. */
int gfx_write_png(const char *path, const uint8_t *rgba, int w, int h, rl_error *err);
uint8_t *gfx_load_png(const char *path, int *w, int *h, rl_error *err);

/* ---- small helpers ------------------------------------------------------------------------ */

static inline SDL_Color gfx_rgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
  SDL_Color c = {r, g, b, a};
  return c;
}
static inline SDL_Rect gfx_r(int x, int y, int w, int h) {
  SDL_Rect r = {x, y, w, h};
  return r;
}
/* Same colour with alpha multiplied by a in [0,1]. */
SDL_Color gfx_fade(SDL_Color c, float a);
/* Linear mix in sRGB: t = 0 -> a, t = 1 -> b. */
SDL_Color gfx_mix(SDL_Color a, SDL_Color b, float t);
/* Rectangle shrunk by d on every side (never negative size). */
SDL_Rect gfx_inset(SDL_Rect r, int d);
int gfx_contains(SDL_Rect r, int x, int y);

#endif
