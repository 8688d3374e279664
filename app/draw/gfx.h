/* rnnlab gfx: the drawing interface under every panel, plot and widget.
 *
 * Panels, plots and widgets draw through the calls below: rectangles, lines, polylines, circles,
 * triangles, images, text and clipping, in pixels, with gfx_color / gfx_rect (gfx_types.h). What
 * they draw on is a backend behind a small table of functions (gfx_backend.h): today the raster
 * backend, gfx_sdl.c (an SDL_Renderer with SDL2_ttf text, on a window or on an image in memory);
 * an output format that is not pixels (SVG, PDF) is one more backend file. Nothing here includes
 * SDL, and nothing here knows what an RNN is.
 *
 * Headless targets (tests, `rnnlab render`, exports, experiment figures) are images in memory
 * (gfx_create_headless); a window's target is made by the host (app/host) with gfx_sdl.h. Every
 * drawing call is the same for both, so a headless render and the window share every line of
 * drawing code.
 *
 * Sizes scale with the target height: gfx_px(g, n) converts a length designed for a 1080-pixel
 * high screen into pixels for this target (a 2x export re-renders everything at twice the size).
 * Text sizes come from the theme (theme.h): ticks and labels 22 px, panel titles 28 px, narration 36 px on
 * a 1920x1080 projector, shrinking with the square root of the height below that.
 *
 * app/draw owns this interface and its backends (gfx_backend.h, gfx_sdl.c), input events
 * (event.h), plots (plot.h), widgets (ui.h), themes and colour maps. It may call engine/rl_base.h
 * and engine/fileio.h (atomic PNG writes) and nothing else of the program: it knows nothing of
 * RNNs, and only gfx_sdl.c includes SDL.
 *
 * Threads: a gfx context (and its caches) belongs to the thread that draws with it.
 * Errors: fallible calls return 0 or -1 and fill an rl_error; nothing here exits or prints.
 */
#ifndef RNNLAB_GFX_H
#define RNNLAB_GFX_H
#include "gfx_types.h"
#include "rl_base.h"
#include "theme.h"
#include <stddef.h>
#include <stdint.h>

typedef struct gfx gfx;

/* ---- contexts ---------------------------------------------------------------------------- */

/* Headless: a w x h RGBA image in memory, drawn by the raster backend (gfx_sdl.c). Needs no display.
 * Fonts are located through fontconfig; if DejaVu is missing the error names the Debian package
 * (fonts-dejavu-core). The environment variables RNNLAB_FONT / RNNLAB_FONT_MONO may name .ttf
 * files instead. Theme starts as THEME_DARK. (A window's target: gfx_sdl.h, used by app/host.) */
gfx *gfx_create_headless(int w, int h, rl_error *err);
void gfx_destroy(gfx *g); /* NULL is fine; also destroys the backend */

/* Headless only: reallocate the image at a new size (drawn content is lost). */
int gfx_resize_headless(gfx *g, int w, int h, rl_error *err);

int gfx_width(const gfx *g);   /* current output size in pixels (window: drawable size) */
int gfx_height(const gfx *g);
int gfx_is_headless(const gfx *g);
/* What draws: the backend's name and, for the raster backend, its renderer ("software", ...). */
const char *gfx_backend_name(const gfx *g);

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
/* Window: shows the frame. Headless: finishes queued drawing. Read or save pixels BEFORE presenting. */
void gfx_present(gfx *g);

/* ---- primitives (colours with alpha blend) ------------------------------------------------ */

void gfx_clear(gfx *g, gfx_color c);
void gfx_fill_rect(gfx *g, gfx_rect r, gfx_color c);
void gfx_stroke_rect(gfx *g, gfx_rect r, int thickness, gfx_color c);       /* outline inside r */
void gfx_fill_round_rect(gfx *g, gfx_rect r, int radius, gfx_color c);
/* Straight line of the given thickness in pixels (>= 1), float coordinates. */
void gfx_line(gfx *g, float x0, float y0, float x1, float y1, float thickness, gfx_color c);
/* Connected line through n points (xs[i], ys[i]) in pixel coordinates; non-finite points break
 * the line into pieces. Joints are rounded so thick lines look continuous. */
void gfx_polyline(gfx *g, const float *xs, const float *ys, int n, float thickness, gfx_color c);
void gfx_fill_circle(gfx *g, float cx, float cy, float radius, gfx_color c);
void gfx_circle(gfx *g, float cx, float cy, float radius, float thickness, gfx_color c);
void gfx_fill_triangle(gfx *g, float x0, float y0, float x1, float y1, float x2, float y2,
                       gfx_color c);
/* A line with an arrowhead at (x1, y1); head length scales with thickness. */
void gfx_arrow(gfx *g, float x0, float y0, float x1, float y1, float thickness, gfx_color c);
/* Dashed line (grid lines, selected-timestep markers). */
void gfx_dashed_line(gfx *g, float x0, float y0, float x1, float y1, float thickness, float dash,
                     gfx_color c);

/* An RGBA8 image (w x h, row-major, 4 bytes/pixel, rows tightly packed) stretched into dst with
 * nearest-neighbour sampling (heatmap cells stay crisp). */
void gfx_image_rgba(gfx *g, gfx_rect dst, const uint8_t *rgba, int w, int h);

/* Clip stack (intersected with the enclosing clip). Up to 16 levels. */
void gfx_push_clip(gfx *g, gfx_rect r);
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
int gfx_text(gfx *g, float x, float y, const char *s, gfx_face face, int px, gfx_color c,
             int align);
/* The same, rotated 90 degrees counter-clockwise (reads bottom-to-top: y-axis labels). The
 * anchor refers to the rotated box. */
int gfx_text_vertical(gfx *g, float x, float y, const char *s, gfx_face face, int px,
                      gfx_color c, int align);
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
typedef void (*gfx_text_observer)(void *ctx, const char *s, int px, gfx_rect box);
void gfx_set_text_observer(gfx *g, gfx_text_observer fn, void *ctx);

/* Statistics of the text cache (tests and the benchmark): hits, misses, entries. */
void gfx_text_cache_stats(const gfx *g, long *hits, long *misses, int *entries);

/* ---- pixels and PNG ----------------------------------------------------------------------- */

/* Reads the current back buffer (call before gfx_present) into rgba: r.w*r.h*4 bytes, RGBA8. */
int gfx_read_pixels(gfx *g, gfx_rect r, uint8_t *rgba, rl_error *err);
/* The whole output as PNG. An unwritable path returns -1 with a message naming the path. */
int gfx_save_png(gfx *g, const char *path, rl_error *err);
/* One rectangle (e.g. one panel) as PNG; r is clipped to the output. */
int gfx_save_png_region(gfx *g, gfx_rect r, const char *path, rl_error *err);

/* Plain PNG helpers: write/read RGBA8. gfx_write_png writes atomically (engine/fileio.h: the
 * previous file survives any error); gfx_load_png returns a malloc'ed buffer (free() it) or NULL
 * with err filled. */
int gfx_write_png(const char *path, const uint8_t *rgba, int w, int h, rl_error *err);
uint8_t *gfx_load_png(const char *path, int *w, int *h, rl_error *err);

/* ---- small helpers (gfx_rgba and gfx_r are in gfx_types.h) --------------------------------- */
/* Same colour with alpha multiplied by a in [0,1]. */
gfx_color gfx_fade(gfx_color c, float a);
/* Linear mix in sRGB: t = 0 -> a, t = 1 -> b. */
gfx_color gfx_mix(gfx_color a, gfx_color b, float t);
/* Rectangle shrunk by d on every side (never negative size). */
gfx_rect gfx_inset(gfx_rect r, int d);
int gfx_contains(gfx_rect r, int x, int y);
/* The overlap of a and b in *out; 0 (and an empty *out) if they do not overlap. */
int gfx_intersect(gfx_rect a, gfx_rect b, gfx_rect *out);

#endif
