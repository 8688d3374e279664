/* Animated GIF: a per-animation median-cut palette and giflib for the container (gif.h). */
#include "gif.h"
#include "fileio.h"
#ifndef __EMSCRIPTEN__
#include <gif_lib.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BITS 6                          /* histogram: 6 bits per channel */
#define NBINS (1 << (3 * BITS))
#define NCOLORS 255                     /* + index 255: transparent */
#define TRANSPARENT 255

typedef struct {
  uint32_t count;
  uint64_t sum[3];
} bin;

struct gif_anim {
  int w, h, delay, n;
  FILE *frames; /* RGB, w * h * 3 bytes per frame */
  bin *hist;    /* NBINS */
  uint8_t pal[256][3];
  int max_err;
  double mean_err;
};

static int key_of(const uint8_t *p) {
  return (p[0] >> (8 - BITS)) << (2 * BITS) | (p[1] >> (8 - BITS)) << BITS | (p[2] >> (8 - BITS));
}

gif_anim *gif_begin(int w, int h, int delay_cs, rl_error *err) {
  if (w < 1 || h < 1 || w > 16384 || h > 16384) {
    rl_fail(err, "animation size %dx%d out of range", w, h);
    return NULL;
  }
  gif_anim *a = calloc(1, sizeof *a);
  if (a) a->hist = calloc(NBINS, sizeof *a->hist);
  if (!a || !a->hist) {
    if (a) free(a);
    rl_fail(err, "out of memory");
    return NULL;
  }
  a->frames = tmpfile();
  if (!a->frames) {
    free(a->hist);
    free(a);
    rl_fail(err, "cannot create a temporary file for the animation's frames");
    return NULL;
  }
  a->w = w;
  a->h = h;
  a->delay = delay_cs < 2 ? 2 : delay_cs;
  return a;
}

void gif_free(gif_anim *a) {
  if (!a) return;
  if (a->frames) fclose(a->frames);
  free(a->hist);
  free(a);
}

int gif_frame_count(const gif_anim *a) { return a->n; }

int gif_add_frame(gif_anim *a, const uint8_t *rgba, rl_error *err) {
  size_t np = (size_t)a->w * a->h;
  uint8_t *rgb = malloc(np * 3);
  if (!rgb) return rl_fail(err, "out of memory");
  for (size_t i = 0; i < np; i++) {
    const uint8_t *p = rgba + 4 * i;
    bin *b = &a->hist[key_of(p)];
    b->count++;
    for (int c = 0; c < 3; c++) b->sum[c] += p[c], rgb[3 * i + c] = p[c];
  }
  int ok = fseek(a->frames, 0, SEEK_END) == 0 && fwrite(rgb, 1, np * 3, a->frames) == np * 3;
  free(rgb);
  if (!ok) return rl_fail(err, "cannot keep frame %d in a temporary file (disk full?)", a->n + 1);
  a->n++;
  return 0;
}

#ifndef __EMSCRIPTEN__ /* the browser build has no giflib: the page writes no animations */
/* ---- median cut over the occupied bins -------------------------------------------------- */

typedef struct {
  int lo, hi; /* range of the sorted bin list */
  uint64_t count;
  int axis, range;
} box;

static int sort_axis;

static int chan(int key, int c) { return key >> (BITS * (2 - c)) & ((1 << BITS) - 1); }

static int by_axis(const void *x, const void *y) {
  int a = *(const int *)x, b = *(const int *)y;
  return chan(a, sort_axis) - chan(b, sort_axis);
}

static void box_measure(box *bx, const int *keys, const bin *hist) {
  int mn[3] = {99, 99, 99}, mx[3] = {-1, -1, -1};
  bx->count = 0;
  for (int i = bx->lo; i < bx->hi; i++) {
    bx->count += hist[keys[i]].count;
    for (int c = 0; c < 3; c++) {
      int v = chan(keys[i], c);
      if (v < mn[c]) mn[c] = v;
      if (v > mx[c]) mx[c] = v;
    }
  }
  bx->axis = 0;
  for (int c = 1; c < 3; c++)
    if (mx[c] - mn[c] > mx[bx->axis] - mn[bx->axis]) bx->axis = c;
  bx->range = mx[bx->axis] - mn[bx->axis];
}

/* Which box to split next: wide boxes first, weighted by the square root of their pixels, so a
 * colour map's thin ramp (few pixels, long range) gets colours as well as the large flat areas. */
static double priority(const box *bx) {
  if (bx->hi - bx->lo < 2 || bx->range == 0) return -1;
  double r = bx->range;
  double s = 1;
  for (uint64_t c = bx->count; c > 1; c >>= 2) s *= 2; /* ~sqrt(count) */
  return r * r * s;
}

static int build_palette(gif_anim *a) {
  int nk = 0;
  for (int k = 0; k < NBINS; k++) nk += a->hist[k].count > 0;
  int *keys = malloc((size_t)(nk ? nk : 1) * sizeof *keys);
  if (!keys) return -1;
  nk = 0;
  for (int k = 0; k < NBINS; k++)
    if (a->hist[k].count) keys[nk++] = k;
  box boxes[NCOLORS];
  int nb = 1;
  boxes[0] = (box){0, nk, 0, 0, 0};
  box_measure(&boxes[0], keys, a->hist);
  while (nb < NCOLORS) {
    int best = -1;
    double bp = 0;
    for (int i = 0; i < nb; i++) {
      double p = priority(&boxes[i]);
      if (p > bp) bp = p, best = i;
    }
    if (best < 0) break;
    box *bx = &boxes[best];
    sort_axis = bx->axis;
    qsort(keys + bx->lo, (size_t)(bx->hi - bx->lo), sizeof *keys, by_axis);
    /* split at the pixel median, but never leave a side empty */
    uint64_t half = bx->count / 2, acc = 0;
    int cut = bx->lo;
    while (cut < bx->hi - 1 && acc + a->hist[keys[cut]].count <= half) acc += a->hist[keys[cut++]].count;
    if (cut == bx->lo) cut++;
    /* keep equal values on one side when possible */
    box right = {cut, bx->hi, 0, 0, 0};
    bx->hi = cut;
    box_measure(bx, keys, a->hist);
    box_measure(&right, keys, a->hist);
    boxes[nb++] = right;
  }
  memset(a->pal, 0, sizeof a->pal);
  for (int i = 0; i < nb; i++) {
    uint64_t s[3] = {0, 0, 0}, n = 0;
    for (int j = boxes[i].lo; j < boxes[i].hi; j++) {
      const bin *b = &a->hist[keys[j]];
      n += b->count;
      for (int c = 0; c < 3; c++) s[c] += b->sum[c];
    }
    for (int c = 0; c < 3; c++) a->pal[i][c] = (uint8_t)(n ? (s[c] + n / 2) / n : 0);
  }
  for (int i = nb; i < NCOLORS; i++) memcpy(a->pal[i], a->pal[0], 3); /* unused */
  free(keys);
  return 0;
}

/* The nearest palette colour (squared distance) of an exact colour. */
static uint8_t nearest(const gif_anim *a, const uint8_t *p) {
  int best = 0, bd = 1 << 30;
  for (int i = 0; i < NCOLORS; i++) {
    int dr = p[0] - a->pal[i][0], dg = p[1] - a->pal[i][1], db = p[2] - a->pal[i][2];
    int d = dr * dr + dg * dg + db * db;
    if (d < bd) bd = d, best = i;
  }
  return (uint8_t)best;
}

/* ---- writing -------------------------------------------------------------------------------- */

typedef struct {
  unsigned char *buf;
  size_t len, cap;
  int oom;
} bytes;

static int out_fn(GifFileType *gf, const GifByteType *data, int n) {
  bytes *b = gf->UserData;
  if (b->oom || n < 0) return 0;
  if (b->len + (size_t)n > b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 1 << 20;
    while (cap < b->len + (size_t)n) cap *= 2;
    unsigned char *nb = realloc(b->buf, cap);
    if (!nb) {
      b->oom = 1;
      return 0;
    }
    b->buf = nb;
    b->cap = cap;
  }
  memcpy(b->buf + b->len, data, (size_t)n);
  b->len += (size_t)n;
  return n;
}

/* The frame's changed rectangle against prev (all of it for the first frame); 0 if nothing changed. */
static int changed_rect(const gif_anim *a, const uint8_t *cur, const uint8_t *prev, int *x0, int *y0, int *x1, int *y1) {
  if (!prev) {
    *x0 = *y0 = 0, *x1 = a->w, *y1 = a->h;
    return 1;
  }
  *x0 = a->w, *y0 = a->h, *x1 = *y1 = 0;
  for (int y = 0; y < a->h; y++)
    for (int x = 0; x < a->w; x++)
      if (cur[(size_t)y * a->w + x] != prev[(size_t)y * a->w + x]) {
        if (x < *x0) *x0 = x;
        if (x >= *x1) *x1 = x + 1;
        if (y < *y0) *y0 = y;
        if (y >= *y1) *y1 = y + 1;
      }
  return *x1 > *x0;
}

static int put_frame(GifFileType *gf, gif_anim *a, const uint8_t *cur, const uint8_t *prev, GifByteType *row) {
  int x0, y0, x1, y1;
  if (!changed_rect(a, cur, prev, &x0, &y0, &x1, &y1)) x0 = y0 = 0, x1 = y1 = 1; /* one transparent pixel */
  GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, a->delay, prev ? TRANSPARENT : NO_TRANSPARENT_COLOR};
  GifByteType ext[4];
  EGifGCBToExtension(&gcb, ext);
  if (EGifPutExtension(gf, GRAPHICS_EXT_FUNC_CODE, 4, ext) == GIF_ERROR) return -1;
  if (EGifPutImageDesc(gf, x0, y0, x1 - x0, y1 - y0, false, NULL) == GIF_ERROR) return -1;
  for (int y = y0; y < y1; y++) {
    for (int x = x0; x < x1; x++) {
      size_t i = (size_t)y * a->w + x;
      row[x - x0] = prev && cur[i] == prev[i] ? TRANSPARENT : cur[i];
    }
    if (EGifPutLine(gf, row, x1 - x0) == GIF_ERROR) return -1;
  }
  return 0;
}

static int put_header(GifFileType *gf, gif_anim *a, const char *comment) {
  GifColorType colors[256];
  for (int i = 0; i < 256; i++) colors[i] = (GifColorType){a->pal[i][0], a->pal[i][1], a->pal[i][2]};
  ColorMapObject *cm = GifMakeMapObject(256, colors);
  if (!cm) return -1;
  EGifSetGifVersion(gf, true);
  int rc = EGifPutScreenDesc(gf, a->w, a->h, 8, 0, cm) == GIF_ERROR ? -1 : 0;
  GifFreeMapObject(cm);
  /* loop forever (NETSCAPE2.0 application extension) */
  static const GifByteType loop[3] = {1, 0, 0};
  if (!rc && (EGifPutExtensionLeader(gf, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
              EGifPutExtensionBlock(gf, 11, "NETSCAPE2.0") == GIF_ERROR || EGifPutExtensionBlock(gf, 3, loop) == GIF_ERROR ||
              EGifPutExtensionTrailer(gf) == GIF_ERROR))
    rc = -1;
  if (!rc && comment && *comment && EGifPutComment(gf, comment) == GIF_ERROR) rc = -1;
  return rc;
}

/* Frame f read back from the temporary file and mapped to palette indices; error statistics added. */
static int index_frame(gif_anim *a, int f, uint8_t *rgb, uint8_t *idx, int16_t *cache, uint64_t *err_sum) {
  size_t np = (size_t)a->w * a->h;
  if (fseek(a->frames, (long)((size_t)f * np * 3), SEEK_SET) || fread(rgb, 1, np * 3, a->frames) != np * 3) return -1;
  for (size_t i = 0; i < np; i++) {
    const uint8_t *p = rgb + 3 * i;
    /* cache on the exact colour's 6-bit bin: the nearest colour to the bin's first visitor */
    int k = key_of(p);
    if (cache[k] < 0) cache[k] = nearest(a, p);
    uint8_t c = (uint8_t)cache[k];
    int e = 0;
    for (int ch = 0; ch < 3; ch++) {
      int d = abs(p[ch] - a->pal[c][ch]);
      if (d > e) e = d;
    }
    if (e > 6) { /* the bin's first visitor was far from this pixel: look it up exactly */
      c = nearest(a, p);
      e = 0;
      for (int ch = 0; ch < 3; ch++) {
        int d = abs(p[ch] - a->pal[c][ch]);
        if (d > e) e = d;
      }
    }
    idx[i] = c;
    *err_sum += (uint64_t)e;
    if (e > a->max_err) a->max_err = e;
  }
  return 0;
}

int gif_save(gif_anim *a, const char *path, const char *comment, rl_error *err) {
  if (a->n == 0) return rl_fail(err, "%s: an animation needs at least one frame", path);
  if (build_palette(a)) return rl_fail(err, "out of memory");
  size_t np = (size_t)a->w * a->h;
  uint8_t *rgb = malloc(np * 3), *idx = malloc(np), *prev = malloc(np);
  int16_t *cache = malloc(NBINS * sizeof *cache);
  GifByteType *row = malloc((size_t)a->w);
  bytes out = {0};
  int gerr = 0, rc = 0;
  GifFileType *gf = rgb && idx && prev && cache && row ? EGifOpen(&out, out_fn, &gerr) : NULL;
  if (!gf) {
    rc = rl_fail(err, "%s: cannot start the GIF: %s", path, gerr ? GifErrorString(gerr) : "out of memory");
  } else {
    for (int k = 0; k < NBINS; k++) cache[k] = -1;
    uint64_t err_sum = 0;
    a->max_err = 0;
    rc = put_header(gf, a, comment);
    for (int f = 0; !rc && f < a->n; f++) {
      if (index_frame(a, f, rgb, idx, cache, &err_sum)) {
        rc = -1;
        break;
      }
      rc = put_frame(gf, a, idx, f ? prev : NULL, row);
      uint8_t *t = prev;
      prev = idx, idx = t;
    }
    a->mean_err = (double)err_sum / ((double)np * a->n);
    if (EGifCloseFile(gf, &gerr) == GIF_ERROR && !rc) rc = -1;
    if (rc || out.oom) rc = rl_fail(err, "%s: cannot encode the GIF: %s", path, out.oom ? "out of memory" : GifErrorString(gerr));
    else rc = rl_write_file(path, out.buf, out.len, err);
  }
  free(rgb), free(idx), free(prev), free(cache), free(row), free(out.buf);
  return rc;
}
#else
int gif_save(gif_anim *a, const char *path, const char *comment, rl_error *err) {
  (void)a, (void)comment;
  return rl_fail(err, "%s: GIF animations need the desktop build (the browser exports PNG)", path);
}
#endif

void gif_palette_error(const gif_anim *a, int *max_err, double *mean_err) {
  if (max_err) *max_err = a->max_err;
  if (mean_err) *mean_err = a->mean_err;
}
