/* The SVG backend of gfx (gfx_backend.h): a figure written as SVG text. Text stays <text> (cairo's
 * SVG surface would turn every glyph into a path, so SVG is written here and PDF comes from cairo,
 * gfx_pdf.c); fonts are referenced by family (DejaVu Sans, as the raster backend draws), each
 * string pinned to the width the raster backend measured (textLength). Heatmaps are embedded PNG
 * images at one pixel per cell, drawn without smoothing. Units: 1 SVG px = 1 raster pixel. */
#include "gfx_backend.h"
#include "fileio.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gfx_backend {
  int w, h;
  char *buf; /* the body: everything drawn, in order */
  size_t len, cap;
  int oom;
  int clip_open; /* a <g clip-path> is open */
  int nclip;     /* clip paths defined so far */
  gfx_rect clip;
  gfx *m;        /* text metrics (the raster backend's) */
  gfx_vfont *vf; /* the unhinted widths a vector renderer lays the same font out at */
};

typedef struct gfx_backend svg; /* this backend's state */

static void put(svg *v, const char *s, size_t n) {
  if (v->oom) return;
  if (v->len + n + 1 > v->cap) {
    size_t cap = v->cap ? v->cap : 1 << 16;
    while (cap < v->len + n + 1) cap *= 2;
    char *nb = realloc(v->buf, cap);
    if (!nb) {
      v->oom = 1;
      return;
    }
    v->buf = nb;
    v->cap = cap;
  }
  memcpy(v->buf + v->len, s, n);
  v->len += n;
  v->buf[v->len] = 0;
}

static void puts_(svg *v, const char *s) { put(v, s, strlen(s)); }

static void __attribute__((format(printf, 2, 3))) putf(svg *v, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) put(v, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A coordinate: two decimals at most, no trailing zeros ("12", "12.5"). */
static const char *num(char *out, float x) {
  if (!isfinite(x)) x = 0;
  snprintf(out, 24, "%.2f", (double)x);
  char *e = out + strlen(out) - 1;
  while (*e == '0') *e-- = 0;
  if (*e == '.') *e = 0;
  if (!strcmp(out, "-0")) strcpy(out, "0");
  return out;
}

/* fill="#rrggbb" (+ fill-opacity) or the same for stroke. */
static void paint(svg *v, const char *what, gfx_color c) {
  putf(v, " %s=\"#%02x%02x%02x\"", what, c.r, c.g, c.b);
  if (c.a != 255) putf(v, " %s-opacity=\"%.3f\"", what, c.a / 255.0);
}

/* Text as XML character data: markup characters escaped, bytes that are not valid UTF-8 or not
 * allowed in XML 1.0 (control characters) replaced by '?'. */
static void put_escaped(svg *v, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned char c = *p;
    int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    int ok = n > 0 && (n > 1 || c >= 0x20 || c == '\t' || c == '\n');
    for (int k = 1; ok && k < n; k++) ok = (p[k] & 0xC0) == 0x80;
    if (!ok) {
      puts_(v, "?");
      p++;
    } else if (c == '&') puts_(v, "&amp;"), p++;
    else if (c == '<') puts_(v, "&lt;"), p++;
    else if (c == '>') puts_(v, "&gt;"), p++;
    else if (c == '"') puts_(v, "&quot;"), p++;
    else put(v, (const char *)p, (size_t)n), p += n;
  }
}

/* ---- clipping: each clip is a <clipPath> and the group drawn with it ------------------------ */

static void open_clip(svg *v) {
  gfx_rect r = v->clip;
  if (r.w < 0) r.w = 0;
  if (r.h < 0) r.h = 0;
  v->nclip++;
  putf(v, "<clipPath id=\"c%d\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath>\n", v->nclip, r.x, r.y,
       r.w, r.h);
  putf(v, "<g clip-path=\"url(#c%d)\">\n", v->nclip);
  v->clip_open = 1;
}

static void close_clip(svg *v) {
  if (v->clip_open) puts_(v, "</g>\n");
  v->clip_open = 0;
}

static void set_clip(svg *v, const gfx_rect *r) {
  close_clip(v);
  if (!r) return;
  v->clip = *r;
  open_clip(v);
}

/* ---- primitives --------------------------------------------------------------------------- */

static void clear(svg *v, gfx_color c) {
  int had = v->clip_open;
  close_clip(v);
  puts_(v, "<rect width=\"100%\" height=\"100%\"");
  paint(v, "fill", c);
  puts_(v, "/>\n");
  if (had) open_clip(v);
}

static void fill_rect(svg *v, gfx_rect r, gfx_color c) {
  putf(v, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"", r.x, r.y, r.w, r.h);
  paint(v, "fill", c);
  puts_(v, "/>\n");
}

static void fill_round_rect(svg *v, gfx_rect r, int radius, gfx_color c) {
  putf(v, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"%d\"", r.x, r.y, r.w, r.h, radius);
  paint(v, "fill", c);
  puts_(v, "/>\n");
}

static void stroke(svg *v, float t, gfx_color c) {
  char a[24];
  paint(v, "stroke", c);
  putf(v, " stroke-width=\"%s\"", num(a, t));
}

static void line(svg *v, float x0, float y0, float x1, float y1, float t, gfx_color c) {
  char a[24], b[24], d[24], e[24];
  putf(v, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"", num(a, x0), num(b, y0), num(d, x1), num(e, y1));
  stroke(v, t, c);
  puts_(v, "/>\n");
}

static void fill_circle(svg *v, float cx, float cy, float radius, gfx_color c) {
  char a[24], b[24], d[24];
  putf(v, "<circle cx=\"%s\" cy=\"%s\" r=\"%s\"", num(a, cx), num(b, cy), num(d, radius));
  paint(v, "fill", c);
  puts_(v, "/>\n");
}

static void polyline(svg *v, const float *xs, const float *ys, int n, float t, gfx_color c) {
  for (int i = 0; i < n;) {
    while (i < n && !(isfinite(xs[i]) && isfinite(ys[i]))) i++;
    int s = i;
    while (i < n && isfinite(xs[i]) && isfinite(ys[i])) i++;
    if (i - s == 1 && t > 2.5f) fill_circle(v, xs[s], ys[s], t * 0.5f, c); /* a lone point */
    if (i - s < 2) continue;
    puts_(v, "<polyline fill=\"none\" stroke-linejoin=\"round\" points=\"");
    for (int k = s; k < i; k++) {
      char a[24], b[24];
      putf(v, "%s%s,%s", k > s ? " " : "", num(a, xs[k]), num(b, ys[k]));
    }
    puts_(v, "\"");
    stroke(v, t, c);
    puts_(v, "/>\n");
  }
}

static void circle(svg *v, float cx, float cy, float radius, float t, gfx_color c) {
  char a[24], b[24], d[24];
  putf(v, "<circle cx=\"%s\" cy=\"%s\" r=\"%s\" fill=\"none\"", num(a, cx), num(b, cy), num(d, radius));
  stroke(v, t, c);
  puts_(v, "/>\n");
}

static void fill_triangle(svg *v, float x0, float y0, float x1, float y1, float x2, float y2, gfx_color c) {
  char a[24], b[24], d[24], e[24], f[24], g[24];
  putf(v, "<polygon points=\"%s,%s %s,%s %s,%s\"", num(a, x0), num(b, y0), num(d, x1), num(e, y1), num(f, x2),
       num(g, y2));
  paint(v, "fill", c);
  puts_(v, "/>\n");
}

static void put_base64(svg *v, const unsigned char *p, size_t n) {
  static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char q[4];
  for (size_t i = 0; i < n; i += 3) {
    unsigned x = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    q[0] = T[x >> 18 & 63], q[1] = T[x >> 12 & 63];
    q[2] = i + 1 < n ? T[x >> 6 & 63] : '=';
    q[3] = i + 2 < n ? T[x & 63] : '=';
    put(v, q, 4);
  }
}

/* The image at its own resolution (one pixel per heatmap cell), stretched without smoothing. */
static void image(svg *v, gfx_rect dst, const uint8_t *rgba, int w, int h) {
  size_t n = 0;
  unsigned char *png = gfx_png_bytes(rgba, w, h, NULL, &n);
  if (!png) {
    v->oom = 1;
    return;
  }
  putf(v, "<image x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" preserveAspectRatio=\"none\" "
          "image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\" xlink:href=\"data:image/png;base64,",
       dst.x, dst.y, dst.w, dst.h);
  put_base64(v, png, n);
  puts_(v, "\"/>\n");
  free(png);
}

/* ---- text: the raster backend's box, the glyphs stretched to its measured width ------------- */

static int text(svg *v, float x, float y, const char *s, gfx_face face, int px, gfx_color c, int align,
                int vertical, gfx_rect *box) {
  gfx_text_place tp;
  if (!gfx_place_text(v->m, x, y, s, face, px, align, vertical, &tp, box)) return 0;
  /* stretched from DejaVu's own width to the measured one: exact in any renderer that has the
   * font (textLength would do the same, but librsvg ignores it) */
  double adv = gfx_vfont_advance(v->vf, s, face, px);
  char sx[24];
  snprintf(sx, sizeof sx, "%.4f", adv > 0 ? tp.w / adv : 1.0);
  if (!strcmp(sx, "1.0000")) sx[0] = 0;
  if (vertical)
    putf(v, "<text transform=\"translate(%d %d) rotate(-90)%s%s%s\"", tp.bx + tp.ascent, tp.by + tp.w, *sx ? " scale(" : "",
         sx, *sx ? " 1)" : "");
  else if (*sx) putf(v, "<text transform=\"translate(%d %d) scale(%s 1)\"", tp.bx, tp.by + tp.ascent, sx);
  else putf(v, "<text x=\"%d\" y=\"%d\"", tp.bx, tp.by + tp.ascent);
  putf(v, " font-size=\"%d\"%s", px, face == GFX_MONO ? " font-family=\"DejaVu Sans Mono, monospace\"" : "");
  paint(v, "fill", c);
  puts_(v, " xml:space=\"preserve\">");
  put_escaped(v, s);
  puts_(v, "</text>\n");
  return tp.w;
}

static void text_size(svg *v, const char *s, gfx_face face, int px, int *w, int *h) {
  gfx_text_size(v->m, s, face, px, w, h);
}

static int line_height(svg *v, gfx_face face, int px) { return gfx_line_height(v->m, face, px); }

static int ascent(svg *v, gfx_face face, int px) { return gfx_font_ascent(v->m, face, px); }

/* ---- the file ----------------------------------------------------------------------------- */

static int save(svg *v, const char *path, const char *comment, rl_error *err) {
  close_clip(v);
  size_t body = v->len;
  puts_(v, "</svg>\n");
  char head[640];
  int hn = snprintf(head, sizeof head,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
                    "version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                    "font-family=\"DejaVu Sans, Verdana, sans-serif\">\n",
                    v->w, v->h, v->w, v->h);
  /* the metadata goes after the head: written at the end of v->buf, then assembled in order */
  size_t meta0 = v->len;
  if (comment) {
    puts_(v, "<title>rnnlab figure</title>\n<desc>");
    put_escaped(v, comment);
    puts_(v, "</desc>\n<metadata id=\"rnnlab-command\">");
    put_escaped(v, comment);
    puts_(v, "</metadata>\n");
  }
  if (v->oom) return rl_fail(err, "%s: cannot write: out of memory", path);
  size_t meta = v->len - meta0, total = (size_t)hn + meta + v->len - meta;
  char *doc = malloc(total);
  if (!doc) return rl_fail(err, "%s: cannot write: out of memory", path);
  memcpy(doc, head, (size_t)hn);
  memcpy(doc + hn, v->buf + meta0, meta);
  memcpy(doc + hn + meta, v->buf, body);
  memcpy(doc + hn + meta + body, "</svg>\n", 7);
  int rc = rl_write_file(path, doc, (size_t)hn + meta + body + 7, err);
  free(doc);
  v->len = body; /* a second save writes the same document */
  return rc;
}

static void svg_destroy(svg *v) {
  if (!v) return;
  gfx_destroy(v->m);
  gfx_vfont_destroy(v->vf);
  free(v->buf);
  free(v);
}

static const char *svg_name(const svg *v) {
  (void)v;
  return "svg";
}

static const gfx_backend_ops SVG = {
    .destroy = svg_destroy,
    .name = svg_name,
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

gfx *gfx_svg_create(int w, int h, rl_error *err) {
  svg *v = calloc(1, sizeof *v);
  if (!v) {
    rl_fail(err, "out of memory");
    return NULL;
  }
  if (gfx_vector_measurers(w, h, &v->vf, &v->m, err)) {
    free(v);
    return NULL;
  }
  v->w = w;
  v->h = h;
  return gfx_create_with(&SVG, v, w, h, 1, err);
}
