/* The PDF backend of gfx (gfx_backend.h): a figure drawn with cairo onto a PDF surface. Text is
 * PDF text (selectable, searchable) in the raster backend's own DejaVu file, which cairo embeds as
 * a subset; each string is stretched to the width the raster backend measured, so the layout is
 * the PNG's. Heatmaps are embedded images at one pixel per cell, drawn without smoothing. Units:
 * 1 PDF point = 1 raster pixel (a 1920 x 1080 figure is a 1920 x 1080 pt page; `pdftoppm -r 72`
 * gives the PNG's size back). */
#include "gfx_backend.h"
#include "fileio.h"
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

struct gfx_backend {
  int w, h;
  cairo_surface_t *surf;
  cairo_t *cr;
  unsigned char *buf; /* the PDF as cairo writes it */
  size_t len, cap;
  int oom;
  gfx_vfont *vf; /* the glyphs */
  gfx *m;        /* text metrics (the raster backend's) */
};

typedef struct gfx_backend pdf; /* this backend's state */

static cairo_status_t collect(void *ctx, const unsigned char *data, unsigned int n) {
  pdf *p = ctx;
  if (p->oom) return CAIRO_STATUS_NO_MEMORY;
  if (p->len + n > p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 1 << 16;
    while (cap < p->len + n) cap *= 2;
    unsigned char *nb = realloc(p->buf, cap);
    if (!nb) {
      p->oom = 1;
      return CAIRO_STATUS_NO_MEMORY;
    }
    p->buf = nb;
    p->cap = cap;
  }
  memcpy(p->buf + p->len, data, n);
  p->len += n;
  return CAIRO_STATUS_SUCCESS;
}

static void source(pdf *p, gfx_color c) { cairo_set_source_rgba(p->cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0); }

static void set_clip(pdf *p, const gfx_rect *r) {
  cairo_reset_clip(p->cr);
  if (!r) return;
  cairo_rectangle(p->cr, r->x, r->y, r->w > 0 ? r->w : 0, r->h > 0 ? r->h : 0);
  cairo_clip(p->cr);
}

static void clear(pdf *p, gfx_color c) {
  cairo_save(p->cr);
  cairo_reset_clip(p->cr);
  source(p, c);
  cairo_paint(p->cr);
  cairo_restore(p->cr);
}

static void fill_rect(pdf *p, gfx_rect r, gfx_color c) {
  cairo_rectangle(p->cr, r.x, r.y, r.w, r.h);
  source(p, c);
  cairo_fill(p->cr);
}

static void fill_round_rect(pdf *p, gfx_rect r, int radius, gfx_color c) {
  double x0 = r.x, y0 = r.y, x1 = r.x + r.w, y1 = r.y + r.h, q = radius;
  cairo_new_sub_path(p->cr);
  cairo_arc(p->cr, x1 - q, y0 + q, q, -PI / 2, 0);
  cairo_arc(p->cr, x1 - q, y1 - q, q, 0, PI / 2);
  cairo_arc(p->cr, x0 + q, y1 - q, q, PI / 2, PI);
  cairo_arc(p->cr, x0 + q, y0 + q, q, PI, 1.5 * PI);
  cairo_close_path(p->cr);
  source(p, c);
  cairo_fill(p->cr);
}

static void stroke(pdf *p, float t, gfx_color c) {
  cairo_set_line_width(p->cr, t);
  source(p, c);
  cairo_stroke(p->cr);
}

static void line(pdf *p, float x0, float y0, float x1, float y1, float t, gfx_color c) {
  cairo_set_line_cap(p->cr, CAIRO_LINE_CAP_BUTT);
  cairo_move_to(p->cr, x0, y0);
  cairo_line_to(p->cr, x1, y1);
  stroke(p, t, c);
}

static void fill_circle(pdf *p, float cx, float cy, float radius, gfx_color c) {
  cairo_new_sub_path(p->cr);
  cairo_arc(p->cr, cx, cy, radius, 0, 2 * PI);
  source(p, c);
  cairo_fill(p->cr);
}

static void polyline(pdf *p, const float *xs, const float *ys, int n, float t, gfx_color c) {
  cairo_set_line_cap(p->cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_line_join(p->cr, CAIRO_LINE_JOIN_ROUND);
  for (int i = 0; i < n;) {
    while (i < n && !(isfinite(xs[i]) && isfinite(ys[i]))) i++;
    int s = i;
    while (i < n && isfinite(xs[i]) && isfinite(ys[i])) i++;
    if (i - s == 1 && t > 2.5f) fill_circle(p, xs[s], ys[s], t * 0.5f, c); /* a lone point */
    if (i - s < 2) continue;
    cairo_move_to(p->cr, xs[s], ys[s]);
    for (int k = s + 1; k < i; k++) cairo_line_to(p->cr, xs[k], ys[k]);
    stroke(p, t, c);
  }
}

static void circle(pdf *p, float cx, float cy, float radius, float t, gfx_color c) {
  cairo_new_sub_path(p->cr);
  cairo_arc(p->cr, cx, cy, radius, 0, 2 * PI);
  stroke(p, t, c);
}

static void fill_triangle(pdf *p, float x0, float y0, float x1, float y1, float x2, float y2, gfx_color c) {
  cairo_move_to(p->cr, x0, y0);
  cairo_line_to(p->cr, x1, y1);
  cairo_line_to(p->cr, x2, y2);
  cairo_close_path(p->cr);
  source(p, c);
  cairo_fill(p->cr);
}

/* The image at its own resolution (cairo embeds w x h pixels), stretched without smoothing. */
static void image(pdf *p, gfx_rect dst, const uint8_t *rgba, int w, int h) {
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(img);
    return;
  }
  cairo_surface_flush(img);
  unsigned char *data = cairo_image_surface_get_data(img);
  int stride = cairo_image_surface_get_stride(img);
  for (int y = 0; y < h; y++) {
    uint32_t *row = (uint32_t *)(data + (size_t)y * stride);
    for (int x = 0; x < w; x++) {
      const uint8_t *s = rgba + 4 * ((size_t)y * w + x);
      uint32_t a = s[3];
      /* premultiplied ARGB in native byte order */
      row[x] = a << 24 | (s[0] * a + 127) / 255 << 16 | (s[1] * a + 127) / 255 << 8 | (s[2] * a + 127) / 255;
    }
  }
  cairo_surface_mark_dirty(img);
  cairo_save(p->cr);
  cairo_rectangle(p->cr, dst.x, dst.y, dst.w, dst.h);
  cairo_clip(p->cr);
  cairo_translate(p->cr, dst.x, dst.y);
  cairo_scale(p->cr, (double)dst.w / w, (double)dst.h / h);
  cairo_set_source_surface(p->cr, img, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(p->cr), CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend(cairo_get_source(p->cr), CAIRO_EXTEND_PAD);
  cairo_paint(p->cr);
  cairo_restore(p->cr);
  cairo_surface_destroy(img);
}

/* ---- text --------------------------------------------------------------------------------- */

/* The DejaVu faces for cairo, and a 1 x 1 image to measure with (gfx_backend.h: gfx_vfont). */
struct gfx_vfont {
  FT_Library ft;
  cairo_font_face_t *faces[2]; /* GFX_SANS, GFX_MONO; NULL until first used */
  cairo_surface_t *surf;
  cairo_t *cr;
};

static const cairo_user_data_key_t FT_FACE_KEY;

static void done_face(void *face) { FT_Done_Face((FT_Face)face); }

/* One FreeType library for every figure (faces cairo still holds may outlive a figure). */
static FT_Library shared_ft(void) {
  static FT_Library lib;
  if (!lib && FT_Init_FreeType(&lib)) lib = NULL;
  return lib;
}

gfx_vfont *gfx_vfont_create(rl_error *err) {
  gfx_vfont *f = calloc(1, sizeof *f);
  if (!f) {
    rl_fail(err, "out of memory");
    return NULL;
  }
  f->ft = shared_ft();
  f->surf = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
  f->cr = cairo_create(f->surf);
  if (!f->ft || cairo_status(f->cr) != CAIRO_STATUS_SUCCESS) {
    rl_fail(err, f->ft ? "cairo: cannot measure text" : "FreeType could not be initialised");
    gfx_vfont_destroy(f);
    return NULL;
  }
  /* vector outputs: outlines at fractional advances, no hinting */
  cairo_font_options_t *o = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(f->cr, o);
  cairo_font_options_destroy(o);
  return f;
}

void gfx_vfont_destroy(gfx_vfont *f) {
  if (!f) return;
  for (int i = 0; i < 2; i++)
    if (f->faces[i]) cairo_font_face_destroy(f->faces[i]);
  if (f->cr) cairo_destroy(f->cr);
  if (f->surf) cairo_surface_destroy(f->surf);
  free(f);
}

static cairo_font_face_t *face_for(gfx_vfont *f, gfx_face face) {
  if (f->faces[face]) return f->faces[face];
  const char *file = gfx_font_file(face, NULL);
  FT_Face ftf;
  if (!file || FT_New_Face(f->ft, file, 0, &ftf)) return NULL;
  cairo_font_face_t *cf = cairo_ft_font_face_create_for_ft_face(ftf, 0);
  /* cairo may keep the face after we drop it: it closes the FreeType face when done */
  if (cairo_font_face_set_user_data(cf, &FT_FACE_KEY, ftf, done_face)) {
    cairo_font_face_destroy(cf);
    FT_Done_Face(ftf);
    return NULL;
  }
  return f->faces[face] = cf;
}

double gfx_vfont_advance(gfx_vfont *f, const char *s, gfx_face face, int px) {
  cairo_font_face_t *cf = face_for(f, face);
  if (!cf || !s) return 0;
  cairo_set_font_face(f->cr, cf);
  cairo_set_font_size(f->cr, px);
  cairo_text_extents_t ext;
  cairo_text_extents(f->cr, s, &ext);
  return ext.x_advance;
}

static int text(pdf *p, float x, float y, const char *s, gfx_face face, int px, gfx_color c, int align,
                int vertical, gfx_rect *box) {
  gfx_text_place tp;
  if (!gfx_place_text(p->m, x, y, s, face, px, align, vertical, &tp, box)) return 0;
  cairo_font_face_t *cf = face_for(p->vf, face);
  double adv = gfx_vfont_advance(p->vf, s, face, px);
  if (!cf || !(adv > 0)) return 0;
  double sx = tp.w / adv;
  cairo_save(p->cr);
  cairo_set_font_face(p->cr, cf);
  cairo_set_font_size(p->cr, px);
  if (vertical) {
    cairo_translate(p->cr, tp.bx + tp.ascent, tp.by + tp.w);
    cairo_rotate(p->cr, -PI / 2);
  } else {
    cairo_translate(p->cr, tp.bx, tp.by + tp.ascent);
  }
  cairo_scale(p->cr, sx, 1);
  cairo_move_to(p->cr, 0, 0);
  source(p, c);
  cairo_show_text(p->cr, s);
  cairo_restore(p->cr);
  return tp.w;
}

static void text_size(pdf *p, const char *s, gfx_face face, int px, int *w, int *h) {
  gfx_text_size(p->m, s, face, px, w, h);
}

static int line_height(pdf *p, gfx_face face, int px) { return gfx_line_height(p->m, face, px); }

static int ascent(pdf *p, gfx_face face, int px) { return gfx_font_ascent(p->m, face, px); }

/* ---- the file ----------------------------------------------------------------------------- */

static int save(pdf *p, const char *path, const char *comment, rl_error *err) {
  if (p->cr) {
    cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_TITLE, "rnnlab figure");
    cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_CREATOR, "rnnlab");
    if (comment) {
      cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_SUBJECT, comment);
      cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_KEYWORDS, comment);
    }
    cairo_status_t st = cairo_status(p->cr);
    cairo_destroy(p->cr);
    p->cr = NULL;
    cairo_surface_finish(p->surf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(p->surf);
    if (st != CAIRO_STATUS_SUCCESS || p->oom)
      return rl_fail(err, "%s: cannot write: cairo: %s", path, p->oom ? "out of memory" : cairo_status_to_string(st));
  }
  return rl_write_file(path, p->buf, p->len, err);
}

static void pdf_destroy(pdf *p) {
  if (!p) return;
  if (p->cr) cairo_destroy(p->cr);
  if (p->surf) cairo_surface_destroy(p->surf);
  gfx_vfont_destroy(p->vf);
  gfx_destroy(p->m);
  free(p->buf);
  free(p);
}

static const char *pdf_name(const pdf *p) {
  (void)p;
  return "pdf (cairo)";
}

static const gfx_backend_ops PDF = {
    .destroy = pdf_destroy,
    .name = pdf_name,
    .set_clip = set_clip,
    .clear = clear,
    .fill_rect = fill_rect,
    .fill_round_rect = fill_round_rect,
    .line = line,
    .polyline = polyline,
    .fill_circle = fill_circle,
    .circle = circle,
    .fill_triangle = fill_triangle,
    .image = image,
    .text = text,
    .text_size = text_size,
    .line_height = line_height,
    .ascent = ascent,
    .save = save,
};

int gfx_vector_measurers(int w, int h, gfx_vfont **vf, gfx **m, rl_error *err) {
  *vf = NULL;
  *m = NULL;
  if (w < 1 || h < 1 || w > 16384 || h > 16384) return rl_fail(err, "figure size %dx%d out of range (1..16384)", w, h);
  *vf = gfx_vfont_create(err);
  *m = *vf ? gfx_create_headless(1, 1, err) : NULL;
  if (*m) return 0;
  gfx_vfont_destroy(*vf);
  *vf = NULL;
  return -1;
}

gfx *gfx_pdf_create(int w, int h, rl_error *err) {
  pdf *p = calloc(1, sizeof *p);
  if (!p) {
    rl_fail(err, "out of memory");
    return NULL;
  }
  if (gfx_vector_measurers(w, h, &p->vf, &p->m, err)) {
    free(p);
    return NULL;
  }
  p->w = w;
  p->h = h;
  p->surf = cairo_pdf_surface_create_for_stream(collect, p, w, h);
  p->cr = cairo_create(p->surf);
  if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
    rl_fail(err, "cairo: cannot start a PDF: %s", cairo_status_to_string(cairo_status(p->cr)));
    pdf_destroy(p);
    return NULL;
  }
  return gfx_create_with(&PDF, p, w, h, 1, err);
}
