/* rnnlab drawing backends: what an output implements so gfx (gfx.h) can draw on it.
 *
 * gfx keeps what every output shares -- the scale, the theme, the clip stack, the text observer,
 * text fitting and wrapping, dashed lines and arrows -- and hands each primitive to a backend
 * through the table below. A backend draws in pixels of its own output, with the current clip
 * (set_clip) applied to everything. gfx_sdl.c is the raster backend (SDL_Renderer + SDL2_ttf);
 * the vector backends, gfx_svg.c (SVG written as text, so text stays <text>) and gfx_pdf.c (PDF
 * through cairo), implement the same table, leave read_pixels and resize NULL and write their
 * file with save.
 *
 * Text metrics are the raster backend's in every backend: a vector backend measures through a
 * 1 x 1 headless raster context (gfx_metrics_*), so a figure's layout -- every label fitted,
 * wrapped or centred by its measured width -- is the same in PNG, SVG and PDF by construction. It
 * then draws each string from the same DejaVu file, stretched to the measured width (SDL_ttf
 * rounds each glyph's advance to whole pixels; the stretch is below 1-2 %).
 *
 * Only backends include this header.
 */
#ifndef RNNLAB_GFX_BACKEND_H
#define RNNLAB_GFX_BACKEND_H
#include "gfx.h"

typedef struct gfx_backend gfx_backend; /* a backend's own state, defined by that backend */

typedef struct {
  void (*destroy)(gfx_backend *b);
  const char *(*name)(const gfx_backend *b);
  /* Start of frame `frame` (counts up from 1): the output's size now (a window may have been
   * resized; an image keeps its size). NULL: a page of fixed size (the vector files). */
  void (*begin_frame)(gfx_backend *b, long frame, int *w, int *h);
  /* Show the frame; NULL where there is nothing to show (a file is written by save). */
  void (*present)(gfx_backend *b);
  /* Clip everything drawn from now on to *r (may be empty: nothing shows); NULL: no clip. */
  void (*set_clip)(gfx_backend *b, const gfx_rect *r);
  /* The whole output in one colour, whatever the clip. */
  void (*clear)(gfx_backend *b, gfx_color c);
  void (*fill_rect)(gfx_backend *b, gfx_rect r, gfx_color c);
  void (*fill_round_rect)(gfx_backend *b, gfx_rect r, int radius, gfx_color c);
  /* A straight line of thickness t (float pixels, not snapped to the pixel grid). */
  void (*line)(gfx_backend *b, float x0, float y0, float x1, float y1, float t, gfx_color c);
  /* Connected line through n points; non-finite points break it; round joints when thick. */
  void (*polyline)(gfx_backend *b, const float *xs, const float *ys, int n, float t, gfx_color c);
  void (*fill_circle)(gfx_backend *b, float cx, float cy, float radius, gfx_color c);
  void (*circle)(gfx_backend *b, float cx, float cy, float radius, float t, gfx_color c);
  void (*fill_triangle)(gfx_backend *b, float x0, float y0, float x1, float y1, float x2, float y2,
                        gfx_color c);
  /* RGBA8 image w x h (rows packed) stretched into dst, nearest-neighbour. */
  void (*image)(gfx_backend *b, gfx_rect dst, const uint8_t *rgba, int w, int h);
  /* UTF-8 text anchored at (x, y) by align (gfx_anchor), turned 90 degrees counter-clockwise when
   * vertical. Returns the text's width (along its baseline) and puts the box it covers in *box;
   * 0 if nothing was drawn. */
  int (*text)(gfx_backend *b, float x, float y, const char *s, gfx_face face, int px, gfx_color c,
              int align, int vertical, gfx_rect *box);
  void (*text_size)(gfx_backend *b, const char *s, gfx_face face, int px, int *w, int *h);
  int (*line_height)(gfx_backend *b, gfx_face face, int px);
  /* Optional (NULL when the output is not pixels / cannot change size / has no cache). */
  int (*read_pixels)(gfx_backend *b, gfx_rect r, uint8_t *rgba, rl_error *err);
  int (*resize)(gfx_backend *b, int w, int h, rl_error *err);
  void (*cache_stats)(const gfx_backend *b, long *hits, long *misses, int *entries);
  /* The font's ascent in pixels (top of the line box to the baseline). */
  int (*ascent)(gfx_backend *b, gfx_face face, int px);
  /* Vector outputs: writes what was drawn to path (atomically), with comment (the command that
   * reproduces the figure) as the file's metadata. Raster outputs leave it NULL (gfx.c writes PNG). */
  int (*save)(gfx_backend *b, const char *path, const char *comment, rl_error *err);
} gfx_backend_ops;

/* A gfx context drawing through ops on b, whose output is w x h pixels; headless = an image in
 * memory rather than a window. The context owns b from here on (ops->destroy in gfx_destroy).
 * NULL (and b destroyed) on out-of-memory. */
gfx *gfx_create_with(const gfx_backend_ops *ops, gfx_backend *b, int w, int h, int headless, rl_error *err);

/* The vector backends (gfx_create_figure picks one by file kind). */
gfx *gfx_svg_create(int w, int h, rl_error *err);
gfx *gfx_pdf_create(int w, int h, rl_error *err);

/* The font file the raster backend draws face with (fontconfig or RNNLAB_FONT*); NULL with err
 * filled if there is none. */
const char *gfx_font_file(gfx_face face, rl_error *err);

/* Where a vector backend puts a string: the raster backend's measures (m: a 1 x 1 headless raster
 * context, gfx_create_headless(1, 1)) and the box the raster backend would cover after anchoring.
 * The baseline starts at (bx, by + ascent) for horizontal text; vertical text's box is h wide and
 * w high and its baseline runs upward from (bx + ascent, by + w). 0 if there is nothing to draw. */
typedef struct {
  int w, h, ascent;
  int bx, by;
} gfx_text_place;
int gfx_place_text(gfx *m, float x, float y, const char *s, gfx_face face, int px, int align, int vertical,
                   gfx_text_place *tp, gfx_rect *box);

/* The glyphs of the vector outputs: the raster backend's font files through FreeType and cairo
 * (gfx_pdf.c). gfx_vfont_advance is the unhinted width of s at px, as a vector renderer with the
 * same font lays it out (0 if the font is missing). */
typedef struct gfx_vfont gfx_vfont;
gfx_vfont *gfx_vfont_create(rl_error *err);
double gfx_vfont_advance(gfx_vfont *f, const char *s, gfx_face face, int px);
void gfx_vfont_destroy(gfx_vfont *f);

/* What both vector backends start from: the figure's size checked, the font measurer and a 1x1
 * raster context that measures text exactly as the PNG does (so layouts agree). 0, or -1 with err
 * (nothing left allocated). In gfx_pdf.c, beside the font measurer. */
int gfx_vector_measurers(int w, int h, gfx_vfont **vf, gfx **m, rl_error *err);

/* PNG bytes of an RGBA8 image (malloc'ed, *len bytes), with a tEXt chunk "Comment" = comment
 * when comment is not NULL. NULL on failure. */
unsigned char *gfx_png_bytes(const uint8_t *rgba, int w, int h, const char *comment, size_t *len);

/* Moves the anchor (x, y) of a w x h box to its top-left corner for align (GFX_CENTER, ...). */
void gfx_anchor(int w, int h, float *x, float *y, int align);

#endif
