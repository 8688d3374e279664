/* rnnlab gfx: what every output shares (scale, theme, clip stack, text observer, text fitting and
 * wrapping, derived shapes, PNG files); each primitive goes to the backend (gfx_backend.h). */
#include "gfx_backend.h"
#include "fileio.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

#define CLIP_DEPTH 16

struct gfx {
  const gfx_backend_ops *ops;
  gfx_backend *b;
  int headless;
  int w, h;
  long frame;
  float zoom, scale_override, factor;
  const theme *th;
  gfx_rect clips[CLIP_DEPTH];
  int nclip;
  gfx_text_observer observer;
  void *observer_ctx;
};

/* ---- contexts ---------------------------------------------------------------------------- */

gfx *gfx_create_with(const gfx_backend_ops *ops, gfx_backend *b, int w, int h, int headless, rl_error *err) {
  gfx *g = calloc(1, sizeof *g);
  if (!g) {
    ops->destroy(b);
    rl_fail(err, "out of memory");
    return NULL;
  }
  g->ops = ops;
  g->b = b;
  g->headless = headless;
  g->w = w;
  g->h = h;
  g->zoom = 1;
  g->factor = 1;
  g->th = theme_get(THEME_DARK);
  return g;
}

void gfx_destroy(gfx *g) {
  if (!g) return;
  g->ops->destroy(g->b);
  free(g);
}

int gfx_resize_headless(gfx *g, int w, int h, rl_error *err) {
  if (!g->headless || !g->ops->resize) return rl_fail(err, "not a headless context");
  if (w == g->w && h == g->h) return 0;
  if (g->ops->resize(g->b, w, h, err) != 0) return -1;
  g->w = w;
  g->h = h;
  g->nclip = 0;
  return 0;
}

int gfx_width(const gfx *g) { return g->w; }
int gfx_height(const gfx *g) { return g->h; }
int gfx_is_headless(const gfx *g) { return g->headless; }
const char *gfx_backend_name(const gfx *g) { return g->ops->name(g->b); }

void gfx_text_cache_stats(const gfx *g, long *hits, long *misses, int *entries) {
  long h = 0, m = 0;
  int n = 0;
  if (g->ops->cache_stats) g->ops->cache_stats(g->b, &h, &m, &n);
  if (hits) *hits = h;
  if (misses) *misses = m;
  if (entries) *entries = n;
}

/* The scale before the export factor: what the layout of the window (or the override) uses. */
static float base_scale(const gfx *g) {
  if (g->scale_override > 0) return g->scale_override;
  float s = (float)g->h / 1080.0f * g->zoom;
  return s > 0.05f ? s : 0.05f;
}

float gfx_scale(const gfx *g) { return base_scale(g) * g->factor; }

int gfx_px(const gfx *g, float len) {
  int v = (int)lroundf(len * gfx_scale(g));
  return v < 1 ? 1 : v;
}

void gfx_set_zoom(gfx *g, float zoom) {
  if (!(zoom > 0.1f)) zoom = 0.1f;
  if (zoom > 10) zoom = 10;
  g->zoom = zoom;
}

void gfx_set_scale_override(gfx *g, float scale) { g->scale_override = scale > 0 ? scale : 0; }

void gfx_set_text_observer(gfx *g, gfx_text_observer fn, void *ctx) {
  g->observer = fn;
  g->observer_ctx = ctx;
}

void gfx_set_export_factor(gfx *g, float factor) { g->factor = factor > 0 ? factor : 1; }

void gfx_set_theme(gfx *g, const theme *t) { g->th = t ? t : theme_get(THEME_DARK); }
const theme *gfx_theme(const gfx *g) { return g->th; }

int gfx_tx(const gfx *g, float len) {
  int v = (int)lroundf(len * theme_text_scale(base_scale(g)) * g->factor);
  return v < 1 ? 1 : v;
}

int gfx_font_px(const gfx *g, theme_text role) {
  if (g->factor == 1) return theme_text_px(g->th, role, base_scale(g));
  return (int)lroundf((float)theme_text_px(g->th, role, base_scale(g)) * g->factor);
}

void gfx_begin_frame(gfx *g) {
  g->frame++;
  if (g->ops->begin_frame) g->ops->begin_frame(g->b, g->frame, &g->w, &g->h); /* else a fixed-size page */
  g->nclip = 0;
  g->ops->set_clip(g->b, NULL);
}

void gfx_present(gfx *g) {
  if (g->ops->present) g->ops->present(g->b); /* a file backend has nothing to show */
}

/* ---- helpers ------------------------------------------------------------------------------ */

gfx_color gfx_fade(gfx_color c, float a) {
  if (a < 0) a = 0;
  if (a > 1) a = 1;
  c.a = (uint8_t)lroundf(c.a * a);
  return c;
}

gfx_color gfx_mix(gfx_color a, gfx_color b, float t) {
  if (t < 0) t = 0;
  if (t > 1) t = 1;
  gfx_color c = {(uint8_t)lroundf(a.r + (b.r - a.r) * t), (uint8_t)lroundf(a.g + (b.g - a.g) * t),
                 (uint8_t)lroundf(a.b + (b.b - a.b) * t), (uint8_t)lroundf(a.a + (b.a - a.a) * t)};
  return c;
}

gfx_rect gfx_inset(gfx_rect r, int d) {
  r.x += d;
  r.y += d;
  r.w -= 2 * d;
  r.h -= 2 * d;
  if (r.w < 0) r.w = 0;
  if (r.h < 0) r.h = 0;
  return r;
}

int gfx_contains(gfx_rect r, int x, int y) {
  return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

int gfx_intersect(gfx_rect a, gfx_rect b, gfx_rect *out) {
  int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
  int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w, y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
  if (a.w <= 0 || a.h <= 0 || b.w <= 0 || b.h <= 0 || x1 <= x0 || y1 <= y0) {
    *out = gfx_r(x0, y0, 0, 0);
    return 0;
  }
  *out = gfx_r(x0, y0, x1 - x0, y1 - y0);
  return 1;
}

/* ---- primitives --------------------------------------------------------------------------- */

void gfx_clear(gfx *g, gfx_color c) { g->ops->clear(g->b, c); }

void gfx_fill_rect(gfx *g, gfx_rect r, gfx_color c) {
  if (r.w <= 0 || r.h <= 0 || c.a == 0) return;
  g->ops->fill_rect(g->b, r, c);
}

void gfx_stroke_rect(gfx *g, gfx_rect r, int t, gfx_color c) {
  if (t < 1) t = 1;
  if (2 * t >= r.w || 2 * t >= r.h) {
    gfx_fill_rect(g, r, c);
    return;
  }
  gfx_fill_rect(g, gfx_r(r.x, r.y, r.w, t), c);
  gfx_fill_rect(g, gfx_r(r.x, r.y + r.h - t, r.w, t), c);
  gfx_fill_rect(g, gfx_r(r.x, r.y + t, t, r.h - 2 * t), c);
  gfx_fill_rect(g, gfx_r(r.x + r.w - t, r.y + t, t, r.h - 2 * t), c);
}

void gfx_fill_circle(gfx *g, float cx, float cy, float radius, gfx_color c) {
  if (!(radius > 0) || c.a == 0 || !isfinite(cx) || !isfinite(cy)) return;
  g->ops->fill_circle(g->b, cx, cy, radius, c);
}

void gfx_line(gfx *g, float x0, float y0, float x1, float y1, float t, gfx_color c) {
  if (c.a == 0) return;
  if (!(t > 0)) t = 1;
  /* axis-aligned lines of whole-pixel width are drawn as crisp rectangles */
  float it = roundf(t);
  if (fabsf(t - it) < 1e-3f && (x0 == x1 || y0 == y1)) {
    int w = (int)it;
    if (y0 == y1) {
      float a = fminf(x0, x1), b = fmaxf(x0, x1);
      gfx_fill_rect(g, gfx_r((int)lroundf(a), (int)lroundf(y0 - w * 0.5f), (int)lroundf(b - a), w),
                    c);
    } else {
      float a = fminf(y0, y1), b = fmaxf(y0, y1);
      gfx_fill_rect(g, gfx_r((int)lroundf(x0 - w * 0.5f), (int)lroundf(a), w, (int)lroundf(b - a)),
                    c);
    }
    return;
  }
  g->ops->line(g->b, x0, y0, x1, y1, t, c);
}

void gfx_polyline(gfx *g, const float *xs, const float *ys, int n, float t, gfx_color c) {
  if (c.a == 0 || n <= 0) return;
  if (!(t > 0)) t = 1;
  g->ops->polyline(g->b, xs, ys, n, t, c);
}

void gfx_circle(gfx *g, float cx, float cy, float radius, float t, gfx_color c) {
  if (!(radius > 0) || c.a == 0) return;
  if (!(t > 0)) t = 1;
  g->ops->circle(g->b, cx, cy, radius, t, c);
}

void gfx_fill_triangle(gfx *g, float x0, float y0, float x1, float y1, float x2, float y2,
                       gfx_color c) {
  if (c.a == 0) return;
  g->ops->fill_triangle(g->b, x0, y0, x1, y1, x2, y2, c);
}

void gfx_arrow(gfx *g, float x0, float y0, float x1, float y1, float t, gfx_color c) {
  float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
  if (!(len > 1e-6f)) return;
  float ux = dx / len, uy = dy / len;
  float head = 3.5f * t + 4;
  if (head > len * 0.6f) head = len * 0.6f;
  float bx = x1 - ux * head, by = y1 - uy * head, hw = head * 0.55f;
  if (c.a != 0) g->ops->line(g->b, x0, y0, bx + ux * 0.5f, by + uy * 0.5f, t, c);
  gfx_fill_triangle(g, x1, y1, bx - uy * hw, by + ux * hw, bx + uy * hw, by - ux * hw, c);
}

void gfx_dashed_line(gfx *g, float x0, float y0, float x1, float y1, float t, float dash,
                     gfx_color c) {
  float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
  if (!(len > 0)) return;
  if (!(dash > 0.5f)) dash = 4;
  for (float s = 0; s < len; s += 2 * dash) {
    float e = fminf(s + dash, len);
    gfx_line(g, x0 + dx * s / len, y0 + dy * s / len, x0 + dx * e / len, y0 + dy * e / len, t, c);
  }
}

void gfx_fill_round_rect(gfx *g, gfx_rect r, int radius, gfx_color c) {
  if (r.w <= 0 || r.h <= 0 || c.a == 0) return;
  int maxr = (r.w < r.h ? r.w : r.h) / 2;
  if (radius > maxr) radius = maxr;
  if (radius <= 1) {
    gfx_fill_rect(g, r, c);
    return;
  }
  g->ops->fill_round_rect(g->b, r, radius, c);
}

void gfx_image_rgba(gfx *g, gfx_rect dst, const uint8_t *rgba, int w, int h) {
  if (w <= 0 || h <= 0 || dst.w <= 0 || dst.h <= 0 || !rgba) return;
  g->ops->image(g->b, dst, rgba, w, h);
}

static void apply_clip(gfx *g) {
  g->ops->set_clip(g->b, g->nclip == 0 ? NULL : &g->clips[g->nclip - 1]);
}

void gfx_push_clip(gfx *g, gfx_rect r) {
  if (g->nclip > 0) {
    gfx_rect out;
    if (!gfx_intersect(r, g->clips[g->nclip - 1], &out)) out = gfx_r(r.x, r.y, 0, 0);
    r = out;
  }
  if (g->nclip < CLIP_DEPTH) g->clips[g->nclip++] = r;
  apply_clip(g);
}

void gfx_pop_clip(gfx *g) {
  if (g->nclip > 0) g->nclip--;
  apply_clip(g);
}

/* ---- text --------------------------------------------------------------------------------- */

void gfx_anchor(int w, int h, float *x, float *y, int align) {
  if (align & GFX_CENTER) *x -= w * 0.5f;
  else if (align & GFX_RIGHT) *x -= w;
  if (align & GFX_MIDDLE) *y -= h * 0.5f;
  else if (align & GFX_BOTTOM) *y -= h;
}

int gfx_place_text(gfx *m, float x, float y, const char *s, gfx_face face, int px, int align, int vertical,
                   gfx_text_place *tp, gfx_rect *box) {
  gfx_text_size(m, s, face, px, &tp->w, &tp->h);
  if (tp->w <= 0 || tp->h <= 0) return 0;
  tp->ascent = gfx_font_ascent(m, face, px);
  if (vertical) gfx_anchor(tp->h, tp->w, &x, &y, align);
  else gfx_anchor(tp->w, tp->h, &x, &y, align);
  tp->bx = (int)lroundf(x);
  tp->by = (int)lroundf(y);
  *box = vertical ? gfx_r(tp->bx, tp->by, tp->h, tp->w) : gfx_r(tp->bx, tp->by, tp->w, tp->h);
  return 1;
}

static int draw_text(gfx *g, float x, float y, const char *s, gfx_face face, int px, gfx_color c, int align,
                     int vertical) {
  if (!s || !*s) return 0;
  if (face != GFX_MONO) face = GFX_SANS;
  gfx_rect box;
  int w = g->ops->text(g->b, x, y, s, face, px, c, align, vertical, &box);
  if (w > 0 && g->observer) g->observer(g->observer_ctx, s, px, box);
  return w;
}

int gfx_text(gfx *g, float x, float y, const char *s, gfx_face face, int px, gfx_color c,
             int align) {
  return draw_text(g, x, y, s, face, px, c, align, 0);
}

int gfx_text_vertical(gfx *g, float x, float y, const char *s, gfx_face face, int px,
                      gfx_color c, int align) {
  return draw_text(g, x, y, s, face, px, c, align, 1);
}

void gfx_text_size(gfx *g, const char *s, gfx_face face, int px, int *w, int *h) {
  if (face != GFX_MONO) face = GFX_SANS;
  g->ops->text_size(g->b, s, face, px, w, h);
}

int gfx_line_height(gfx *g, gfx_face face, int px) { return g->ops->line_height(g->b, face, px); }

int gfx_font_ascent(gfx *g, gfx_face face, int px) {
  if (face != GFX_MONO) face = GFX_SANS;
  return g->ops->ascent(g->b, face, px);
}

int gfx_wrap(gfx *g, const char *text, gfx_face face, int px, int max_w, char (*lines)[GFX_WRAP_LINE],
             int max_lines) {
  int nl = 0;
  const char *p = text ? text : "";
  while (*p && nl < max_lines) {
    char line[GFX_WRAP_LINE] = "";
    size_t len = 0;
    while (*p && *p != '\n') {
      const char *w = p;
      while (*w == ' ') w++;
      const char *e = w;
      while (*e && *e != ' ' && *e != '\n') e++;
      char trial[2 * GFX_WRAP_LINE];
      int wl = (int)(e - w) < GFX_WRAP_LINE - 56 ? (int)(e - w) : GFX_WRAP_LINE - 56; /* absurd words are cut */
      int n = snprintf(trial, sizeof trial, "%s%s%.*s", line, len ? " " : "", wl, w);
      int tw;
      gfx_text_size(g, trial, face, px, &tw, NULL);
      if (len && (tw > max_w || n >= (int)sizeof line)) break;
      if (n >= (int)sizeof line) n = (int)sizeof line - 1;
      memcpy(line, trial, (size_t)n);
      line[n] = 0;
      len = strlen(line);
      p = e;
    }
    if (*p == '\n') p++;
    else while (*p == ' ') p++;
    snprintf(lines[nl++], GFX_WRAP_LINE, "%s", line);
  }
  return nl;
}

int gfx_text_fit(gfx *g, const char *s, gfx_face face, int px, int max_w, char *out, size_t cap) {
  if (!out || cap == 0) return 0;
  out[0] = 0;
  if (!s) return 0;
  int w;
  gfx_text_size(g, s, face, px, &w, NULL);
  if (w <= max_w) {
    snprintf(out, cap, "%s", s);
    return 0;
  }
  /* binary search the longest prefix (on UTF-8 boundaries) that fits with "..." */
  size_t len = strlen(s), lo = 0, hi = len;
  char *tmp = malloc(len + 4);
  if (!tmp) return 1;
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    while (mid > 0 && ((uint8_t)s[mid] & 0xC0) == 0x80) mid--;
    if (mid <= lo) { /* only continuation bytes between lo and hi: step over */
      size_t m2 = lo + 1;
      while (m2 < hi && ((uint8_t)s[m2] & 0xC0) == 0x80) m2++;
      mid = m2;
      if (mid > hi) break;
    }
    memcpy(tmp, s, mid);
    memcpy(tmp + mid, "...", 4);
    gfx_text_size(g, tmp, face, px, &w, NULL);
    if (w <= max_w) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && ((uint8_t)s[lo] & 0xC0) == 0x80) lo--;
  if (lo + 4 > cap) lo = cap > 4 ? cap - 4 : 0;
  while (lo > 0 && ((uint8_t)s[lo] & 0xC0) == 0x80) lo--;
  memcpy(out, s, lo);
  if (cap >= lo + 4) memcpy(out + lo, "...", 4);
  else out[lo] = 0;
  free(tmp);
  return 1;
}

/* ---- pixels and PNG ----------------------------------------------------------------------- */

int gfx_read_pixels(gfx *g, gfx_rect r, uint8_t *rgba, rl_error *err) {
  if (r.w <= 0 || r.h <= 0) return rl_fail(err, "empty region");
  if (!g->ops->read_pixels) return rl_fail(err, "the %s output has no pixels to read", gfx_backend_name(g));
  return g->ops->read_pixels(g->b, r, rgba, err);
}

/* stb's PNG encoder writes through a callback: collect the bytes, then write the file atomically. */
typedef struct {
  unsigned char *buf;
  size_t len, cap;
  int oom;
} png_bytes;

static void png_collect(void *ctx, void *data, int size) {
  png_bytes *b = ctx;
  if (b->oom || size <= 0) return;
  if (b->len + (size_t)size > b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 1 << 16;
    while (cap < b->len + (size_t)size) cap *= 2;
    unsigned char *nb = realloc(b->buf, cap);
    if (!nb) {
      b->oom = 1;
      return;
    }
    b->buf = nb;
    b->cap = cap;
  }
  memcpy(b->buf + b->len, data, (size_t)size);
  b->len += (size_t)size;
}

/* A PNG chunk: length, type, data, CRC of type + data (stb's CRC-32). */
static unsigned char *put_chunk(unsigned char *o, const char *type, const unsigned char *data, size_t n) {
  o[0] = (unsigned char)(n >> 24), o[1] = (unsigned char)(n >> 16), o[2] = (unsigned char)(n >> 8), o[3] = (unsigned char)n;
  memcpy(o + 4, type, 4);
  if (n) memcpy(o + 8, data, n);
  unsigned int crc = stbiw__crc32(o + 4, (int)n + 4);
  o[8 + n] = (unsigned char)(crc >> 24), o[9 + n] = (unsigned char)(crc >> 16);
  o[10 + n] = (unsigned char)(crc >> 8), o[11 + n] = (unsigned char)crc;
  return o + 12 + n;
}

unsigned char *gfx_png_bytes(const uint8_t *rgba, int w, int h, const char *comment, size_t *len) {
  png_bytes b = {0};
  int ok = stbi_write_png_to_func(png_collect, &b, w, h, 4, rgba, w * 4);
  if (!ok || b.oom || b.len < 33) {
    free(b.buf);
    return NULL;
  }
  if (!comment) {
    *len = b.len;
    return b.buf;
  }
  /* stb writes no text chunks: a tEXt "Comment" goes right after IHDR (signature 8 + IHDR 25) */
  static const char key[] = "Comment";
  size_t clen = strlen(comment), n = sizeof key + clen; /* keyword, NUL, text */
  unsigned char *data = malloc(n), *out = malloc(b.len + n + 12);
  if (!data || !out) {
    free(data), free(out), free(b.buf);
    return NULL;
  }
  memcpy(data, key, sizeof key);
  memcpy(data + sizeof key, comment, clen);
  memcpy(out, b.buf, 33);
  unsigned char *o = put_chunk(out + 33, "tEXt", data, n);
  memcpy(o, b.buf + 33, b.len - 33);
  *len = b.len + n + 12;
  free(data);
  free(b.buf);
  return out;
}

int gfx_write_png_comment(const char *path, const uint8_t *rgba, int w, int h, const char *comment,
                          rl_error *err) {
  size_t len = 0;
  unsigned char *buf = gfx_png_bytes(rgba, w, h, comment, &len);
  int rc = !buf ? rl_fail(err, "%s: cannot write: PNG encoding failed (out of memory?)", path)
                : rl_write_file(path, buf, len, err);
  free(buf);
  return rc;
}

int gfx_write_png(const char *path, const uint8_t *rgba, int w, int h, rl_error *err) {
  return gfx_write_png_comment(path, rgba, w, h, NULL, err);
}

uint8_t *gfx_load_png(const char *path, int *w, int *h, rl_error *err) {
  int n;
  uint8_t *img = stbi_load(path, w, h, &n, 4);
  if (!img) {
    rl_fail(err, "cannot read PNG %s: %s", path, stbi_failure_reason());
    return NULL;
  }
  size_t bytes = (size_t)*w * (size_t)*h * 4;
  uint8_t *out = malloc(bytes); /* hand back a plain malloc'ed buffer */
  if (out) memcpy(out, img, bytes);
  else rl_fail(err, "out of memory reading %s", path);
  stbi_image_free(img);
  return out;
}

int gfx_save_png_region(gfx *g, gfx_rect r, const char *path, rl_error *err) {
  gfx_rect all = {0, 0, g->w, g->h}, clip;
  if (!gfx_intersect(r, all, &clip)) return rl_fail(err, "region outside the image");
  uint8_t *px = malloc((size_t)clip.w * clip.h * 4);
  if (!px) return rl_fail(err, "out of memory");
  int rc = gfx_read_pixels(g, clip, px, err);
  if (rc == 0) rc = gfx_write_png(path, px, clip.w, clip.h, err);
  free(px);
  return rc;
}

int gfx_save_png(gfx *g, const char *path, rl_error *err) {
  return gfx_save_png_region(g, gfx_r(0, 0, g->w, g->h), path, err);
}

/* ---- figures ------------------------------------------------------------------------------ */

int gfx_save_figure(gfx *g, const char *path, const char *comment, rl_error *err) {
  if (g->ops->save) return g->ops->save(g->b, path, comment, err);
  const char *dot = strrchr(path, '.');
  if (!dot || strcasecmp(dot, ".png")) return rl_fail(err, "%s: this output is pixels: its file name must end in .png", path);
  uint8_t *px = malloc((size_t)g->w * g->h * 4);
  if (!px) return rl_fail(err, "out of memory");
  int rc = gfx_read_pixels(g, gfx_r(0, 0, g->w, g->h), px, err);
  if (rc == 0) rc = gfx_write_png_comment(path, px, g->w, g->h, comment, err);
  free(px);
  return rc;
}
