/* gfx, theme and colormap: headless rendering, pixels, text, PNG round trip, error paths,
 * colormap properties (monotone / symmetric lightness, file == compiled-in table), a golden image
 * of the primitives. Runs with SDL_VIDEODRIVER=dummy; needs no display. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include "draw/colormap.h"
#include "draw/gfx.h"
#include "testutil.h"
#include "golden/golden_check.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static gfx_color pixel(gfx *g, int x, int y) {
  uint8_t p[4] = {0};
  rl_error err;
  gfx_read_pixels(g, gfx_r(x, y, 1, 1), p, &err);
  return gfx_rgba(p[0], p[1], p[2], p[3]);
}

static int same(gfx_color a, gfx_color b, int tol) {
  return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

/* Pixels in r that differ from c by more than tol in some channel. */
static long count_not(gfx *g, gfx_rect r, gfx_color c, int tol) {
  uint8_t *px = malloc((size_t)r.w * r.h * 4);
  rl_error err;
  long n = 0;
  if (px && gfx_read_pixels(g, r, px, &err) == 0)
    for (long i = 0; i < (long)r.w * r.h; i++)
      if (!same(gfx_rgba(px[4 * i], px[4 * i + 1], px[4 * i + 2], 255), c, tol)) n++;
  free(px);
  return n;
}

/* Runs before any context exists (font paths are cached after the first success). */
static void test_font_errors(void) {
  rl_error err;
  setenv("RNNLAB_FONT", "/nonexistent-rnnlab-dir/font.ttf", 1);
  gfx *g = gfx_create_headless(10, 10, &err);
  CHECK(g == NULL);
  CHECKF(strstr(err.msg, "RNNLAB_FONT") && strstr(err.msg, "/nonexistent-rnnlab-dir/font.ttf"), "%s", err.msg);
  unsetenv("RNNLAB_FONT");
  gfx_destroy(g);
}

static void test_context(void) {
  rl_error err;
  gfx *g = gfx_create_headless(640, 360, &err);
  CHECKF(g != NULL, "%s", err.msg);
  if (!g) return;
  CHECK(gfx_width(g) == 640 && gfx_height(g) == 360);
  CHECK(gfx_is_headless(g));
  /* scale: height / 1080 */
  CHECK(test_close(gfx_scale(g), 360.0 / 1080.0, 1e-6, 0));
  CHECK(gfx_px(g, 30) == 10);
  gfx_set_zoom(g, 2);
  CHECK(gfx_px(g, 30) == 20);
  gfx_set_zoom(g, 1);
  gfx_set_scale_override(g, 1.0f);
  CHECK(gfx_px(g, 30) == 30);
  gfx_set_scale_override(g, 0);
  /* body text: >= 20 px on a 1080p projector, twice that on a 2x export */
  CHECK(theme_text_px(theme_get(THEME_DARK), THEME_TEXT_BODY, 1.0f) >= 20);
  CHECK(theme_text_px(theme_get(THEME_DARK), THEME_TEXT_BODY, 2.0f) ==
        2 * theme_text_px(theme_get(THEME_DARK), THEME_TEXT_BODY, 1.0f));
  CHECK(gfx_theme(g) == theme_get(THEME_DARK));
  theme_id id;
  CHECK(theme_parse("light", &id) == 0 && id == THEME_LIGHT);
  CHECK(theme_parse("sepia", &id) == -1);
  CHECK(gfx_resize_headless(g, 320, 200, &err) == 0);
  CHECK(gfx_width(g) == 320 && gfx_height(g) == 200);
  CHECK(gfx_resize_headless(g, 0, 200, &err) == -1 && strstr(err.msg, "size"));
  CHECK(gfx_create_headless(-5, 10, &err) == NULL);
  gfx_destroy(g);
}

static void test_primitives(void) {
  rl_error err;
  gfx *g = gfx_create_headless(400, 300, &err);
  CHECK(g != NULL);
  if (!g) return;
  gfx_color bg = gfx_rgba(10, 20, 30, 255), red = gfx_rgba(220, 40, 40, 255),
            green = gfx_rgba(30, 200, 90, 255), blue = gfx_rgba(40, 90, 230, 255);
  gfx_begin_frame(g);
  gfx_clear(g, bg);
  CHECK(same(pixel(g, 0, 0), bg, 0) && same(pixel(g, 399, 299), bg, 0));
  gfx_fill_rect(g, gfx_r(10, 10, 50, 40), red);
  CHECK(same(pixel(g, 10, 10), red, 0) && same(pixel(g, 59, 49), red, 0));
  CHECK(same(pixel(g, 60, 50), bg, 0) && same(pixel(g, 9, 9), bg, 0));
  gfx_stroke_rect(g, gfx_r(100, 10, 60, 40), 3, green);
  CHECK(same(pixel(g, 101, 30), green, 0) && same(pixel(g, 130, 30), bg, 0));
  /* a half-transparent rect blends */
  gfx_fill_rect(g, gfx_r(10, 10, 10, 10), gfx_fade(blue, 0.5f));
  gfx_color m = pixel(g, 12, 12);
  CHECKF(abs(m.r - (220 + 40) / 2) <= 3 && abs(m.b - (40 + 230) / 2) <= 3, "blend %d %d %d", m.r, m.g, m.b);
  /* thick lines: centre pixel carries the colour, far pixels stay background */
  gfx_line(g, 20, 100, 380, 140, 5, blue);
  CHECK(same(pixel(g, 200, 120), blue, 8));
  CHECK(same(pixel(g, 200, 130), bg, 0));
  /* whole-pixel axis-aligned lines are crisp */
  gfx_line(g, 20, 160, 380, 160, 1, red);
  CHECK(same(pixel(g, 200, 159), red, 0) || same(pixel(g, 200, 160), red, 0));
  gfx_fill_circle(g, 300, 220, 30, green);
  CHECK(same(pixel(g, 300, 220), green, 0) && same(pixel(g, 300 + 27, 220), green, 10));
  CHECK(same(pixel(g, 300 + 33, 220), bg, 0));
  gfx_circle(g, 200, 220, 30, 3, red);
  CHECK(same(pixel(g, 200, 220), bg, 0) && same(pixel(g, 230, 220), red, 20));
  gfx_fill_triangle(g, 40, 200, 120, 200, 80, 280, blue);
  CHECK(same(pixel(g, 80, 220), blue, 0));
  gfx_fill_round_rect(g, gfx_r(130, 250, 60, 40), 10, red);
  CHECK(same(pixel(g, 160, 270), red, 0) && same(pixel(g, 130, 250), bg, 0)); /* corner is cut */
  /* clipping: nothing outside the clip */
  gfx_push_clip(g, gfx_r(0, 60, 10, 10));
  gfx_fill_rect(g, gfx_r(0, 50, 100, 30), green);
  gfx_pop_clip(g);
  CHECK(same(pixel(g, 5, 65), green, 0) && same(pixel(g, 50, 65), bg, 0));
  /* nearest-neighbour image: 2x1 image into 100x20 -> left half and right half */
  uint8_t img[8] = {255, 0, 0, 255, 0, 0, 255, 255};
  gfx_image_rgba(g, gfx_r(250, 20, 100, 20), img, 2, 1);
  CHECK(same(pixel(g, 260, 30), gfx_rgba(255, 0, 0, 255), 0));
  CHECK(same(pixel(g, 340, 30), gfx_rgba(0, 0, 255, 255), 0));
  CHECK(same(pixel(g, 299, 30), gfx_rgba(255, 0, 0, 255), 0) && same(pixel(g, 300, 30), gfx_rgba(0, 0, 255, 255), 0));
  golden_check_gfx("gfx_primitives", g);
  gfx_destroy(g);
}

static void test_text(void) {
  rl_error err;
  gfx *g = gfx_create_headless(600, 200, &err);
  CHECK(g != NULL);
  if (!g) return;
  gfx_color bg = gfx_rgba(255, 255, 255, 255), ink = gfx_rgba(0, 0, 0, 255);
  gfx_begin_frame(g);
  gfx_clear(g, bg);
  int w20, h20, w40, h40;
  gfx_text_size(g, "Vanishing gradients", GFX_SANS, 20, &w20, &h20);
  gfx_text_size(g, "Vanishing gradients", GFX_SANS, 40, &w40, &h40);
  CHECKF(w20 > 100 && w20 < 300, "w20 %d", w20);
  /* twice the size: twice as wide within hinting rounding (10%) */
  CHECKF(test_close(w40, 2.0 * w20, 0.1, 0), "w20 %d w40 %d", w20, w40);
  CHECK(h40 > h20 && gfx_line_height(g, GFX_SANS, 20) == h20);
  int drawn = gfx_text(g, 10, 10, "Vanishing gradients", GFX_SANS, 20, ink, GFX_LEFT | GFX_TOP);
  CHECK(drawn == w20);
  long ink_px = count_not(g, gfx_r(10, 10, w20, h20), bg, 60);
  CHECKF(ink_px > 150, "text ink pixels %ld", ink_px);
  CHECK(count_not(g, gfx_r(10 + w20 + 2, 10, 50, h20), bg, 0) == 0); /* nothing right of it */
  /* right/bottom alignment puts the text left of / above the anchor */
  gfx_text(g, 590, 190, "right", GFX_MONO, 18, ink, GFX_RIGHT | GFX_BOTTOM);
  CHECK(count_not(g, gfx_r(500, 150, 90, 40), bg, 60) > 20);
  CHECK(count_not(g, gfx_r(591, 150, 9, 50), bg, 0) == 0);
  /* vertical text is taller than wide */
  gfx_text_vertical(g, 300, 100, "vertical", GFX_SANS, 18, ink, GFX_CENTER | GFX_MIDDLE);
  CHECK(count_not(g, gfx_r(285, 60, 30, 80), bg, 60) > 30);
  /* cache: drawing the same text again is a hit */
  long hits0, miss0, hits1, miss1;
  int entries;
  gfx_text_cache_stats(g, &hits0, &miss0, &entries);
  gfx_text(g, 10, 50, "Vanishing gradients", GFX_SANS, 20, ink, 0);
  gfx_text_cache_stats(g, &hits1, &miss1, &entries);
  CHECK(hits1 == hits0 + 1 && miss1 == miss0);
  gfx_text(g, 10, 50, "Vanishing gradients", GFX_SANS, 20, gfx_rgba(200, 0, 0, 255), 0);
  gfx_text_cache_stats(g, &hits1, &miss1, &entries);
  CHECK(miss1 == miss0 + 1); /* another colour is another entry */
  /* LRU: more distinct strings than the cache holds keeps the count bounded */
  for (int i = 0; i < 1500; i++) {
    char s[32];
    snprintf(s, sizeof s, "%d", i);
    gfx_text(g, 0, 150, s, GFX_SANS, 12, ink, 0);
  }
  gfx_text_cache_stats(g, NULL, NULL, &entries);
  CHECKF(entries <= 1024 && entries > 500, "entries %d", entries);
  /* fitting with an ellipsis */
  char out[64];
  CHECK(gfx_text_fit(g, "short", GFX_SANS, 20, 500, out, sizeof out) == 0 && !strcmp(out, "short"));
  CHECK(gfx_text_fit(g, "a rather long label that cannot fit", GFX_SANS, 20, 80, out, sizeof out) == 1);
  int wf;
  gfx_text_size(g, out, GFX_SANS, 20, &wf, NULL);
  CHECKF(wf <= 80 && strstr(out, "...") != NULL, "'%s' %d", out, wf);
  CHECK(gfx_text(g, 0, 0, "", GFX_SANS, 20, ink, 0) == 0 && gfx_text(g, 0, 0, NULL, GFX_SANS, 20, ink, 0) == 0);
  gfx_destroy(g);
}

static void test_png(void) {
  rl_error err;
  gfx *g = gfx_create_headless(120, 80, &err);
  CHECK(g != NULL);
  if (!g) return;
  gfx_begin_frame(g);
  gfx_clear(g, gfx_rgba(1, 2, 3, 255));
  gfx_fill_rect(g, gfx_r(20, 10, 30, 20), gfx_rgba(250, 128, 7, 255));
  char path[1024];
  snprintf(path, sizeof path, "%s/whole.png", test_tmpdir());
  CHECKF(gfx_save_png(g, path, &err) == 0, "%s", err.msg);
  int w, h;
  uint8_t *img = gfx_load_png(path, &w, &h, &err);
  CHECK(img && w == 120 && h == 80);
  if (img) {
    CHECK(img[0] == 1 && img[1] == 2 && img[2] == 3 && img[3] == 255);
    const uint8_t *p = img + 4 * (15 * 120 + 25);
    CHECK(p[0] == 250 && p[1] == 128 && p[2] == 7);
    free(img);
  }
  snprintf(path, sizeof path, "%s/region.png", test_tmpdir());
  CHECK(gfx_save_png_region(g, gfx_r(20, 10, 30, 20), path, &err) == 0);
  img = gfx_load_png(path, &w, &h, &err);
  CHECK(img && w == 30 && h == 20 && img[0] == 250);
  free(img);
  /* a region sticking out of the image is clipped */
  CHECK(gfx_save_png_region(g, gfx_r(100, 60, 50, 50), path, &err) == 0);
  img = gfx_load_png(path, &w, &h, &err);
  CHECK(img && w == 20 && h == 20);
  free(img);
  CHECK(gfx_save_png_region(g, gfx_r(500, 500, 5, 5), path, &err) == -1);
  /* unwritable folder: -1 with a message naming the path, no crash */
  CHECK(gfx_save_png(g, "/nonexistent-rnnlab-dir/x.png", &err) == -1);
  CHECKF(strstr(err.msg, "/nonexistent-rnnlab-dir/x.png") != NULL, "%s", err.msg);
  CHECK(gfx_load_png("/nonexistent-rnnlab-dir/x.png", &w, &h, &err) == NULL && err.msg[0]);
  gfx_destroy(g);
}

static void test_colormaps(void) {
  rl_error err;
  CHECK(colormap_load_dir(NULL, &err) == 0);
  /* the files in assets/ are identical to the compiled-in tables */
  for (int id = 0; id < COLORMAP_COUNT; id++) {
    char path[1024];
    uint8_t rgb[COLORMAP_N * 3];
    snprintf(path, sizeof path, "%s/colormaps/%s.txt", RNNLAB_SOURCE_ASSETS, colormap_name(id));
    CHECKF(colormap_read_file(path, rgb, &err) == 0, "%s", err.msg);
    CHECKF(memcmp(rgb, colormap_builtin(id), sizeof rgb) == 0, "%s differs from the built-in table", path);
  }
  CHECK(colormap_load_dir(RNNLAB_SOURCE_ASSETS "/colormaps", &err) == 0);
  /* sequential: OKLab lightness non-decreasing (8-bit rounding can repeat a value: tolerance
   * 0.001, a tenth of a just-noticeable step) and spanning most of the range */
  const uint8_t *s = colormap_table(COLORMAP_SEQUENTIAL);
  float prev = -1, worst = 1;
  for (int i = 0; i < COLORMAP_N; i++) {
    float L = colormap_lightness(s[3 * i], s[3 * i + 1], s[3 * i + 2]);
    if (i > 0 && L - prev < worst) worst = L - prev;
    prev = L;
  }
  CHECKF(worst >= -0.001f, "sequential lightness drops by %g", -worst);
  float L0 = colormap_lightness(s[0], s[1], s[2]), L1 = colormap_lightness(s[765], s[766], s[767]);
  CHECKF(L0 < 0.35f && L1 > 0.85f, "sequential lightness %g..%g", L0, L1);
  /* steps are even (perceptually uniform): every 16-entry step within 30% of the mean step */
  float mean = (L1 - L0) / 15, maxdev = 0;
  for (int k = 0; k < 15; k++) {
    int a = 17 * k, b = 17 * (k + 1);
    float d = colormap_lightness(s[3 * b], s[3 * b + 1], s[3 * b + 2]) - colormap_lightness(s[3 * a], s[3 * a + 1], s[3 * a + 2]);
    if (fabsf(d - mean) > maxdev) maxdev = fabsf(d - mean);
  }
  CHECKF(maxdev < 0.3f * mean, "uneven lightness steps: %g vs mean %g", maxdev, mean);
  /* diverging: lightness symmetric around the centre (0.01, a few 8-bit steps), light centre,
   * falling monotonically towards both ends; blue on the negative side, red on the positive */
  const uint8_t *d = colormap_table(COLORMAP_DIVERGING);
  float asym = 0, rise = 0;
  for (int i = 0; i < COLORMAP_N; i++) {
    float a = colormap_lightness(d[3 * i], d[3 * i + 1], d[3 * i + 2]);
    int j = COLORMAP_N - 1 - i;
    float b = colormap_lightness(d[3 * j], d[3 * j + 1], d[3 * j + 2]);
    if (fabsf(a - b) > asym) asym = fabsf(a - b);
    if (i > 0 && i < COLORMAP_N / 2) { /* left half: lightness rises towards the centre */
      float p = colormap_lightness(d[3 * (i - 1)], d[3 * (i - 1) + 1], d[3 * (i - 1) + 2]);
      if (p - a > rise) rise = p - a;
    }
  }
  CHECKF(asym < 0.01f, "diverging asymmetry %g", asym);
  CHECKF(rise < 0.001f, "diverging lightness not monotone towards the centre (%g)", rise);
  gfx_color lo = colormap_value(COLORMAP_DIVERGING, -1, -1, 1), mid = colormap_value(COLORMAP_DIVERGING, 0, -1, 1),
            hi = colormap_value(COLORMAP_DIVERGING, 1, -1, 1);
  CHECK(lo.b > lo.r + 60 && hi.r > hi.b + 60);
  CHECK(colormap_lightness(mid.r, mid.g, mid.b) > 0.95f);
  CHECK(colormap_lightness(lo.r, lo.g, lo.b) < 0.6f);
  /* clamping and NaN */
  gfx_color c = colormap_at(COLORMAP_SEQUENTIAL, 5), e = colormap_at(COLORMAP_SEQUENTIAL, 1);
  CHECK(same(c, e, 0));
  c = colormap_at(COLORMAP_SEQUENTIAL, NAN);
  CHECK(c.r == 128 && c.g == 128 && c.b == 128);
  /* a malformed file keeps the built-in table and reports the problem */
  char dir[1024], path[1100];
  snprintf(dir, sizeof dir, "%s/badmaps", test_tmpdir());
  snprintf(path, sizeof path, "mkdir -p %s", dir);
  CHECK(system(path) == 0);
  snprintf(path, sizeof path, "%s/sequential.txt", dir);
  FILE *f = fopen(path, "w");
  if (f) {
    fputs("1 2 3\n4 5\n", f);
    fclose(f);
  }
  CHECK(colormap_load_dir(dir, &err) == -1);
  CHECKF(strstr(err.msg, "built-in") != NULL, "%s", err.msg);
  CHECK(memcmp(colormap_table(COLORMAP_SEQUENTIAL), colormap_builtin(COLORMAP_SEQUENTIAL), 768) == 0);
}

int main(void) {
  test_font_errors();
  test_context();
  test_primitives();
  test_text();
  test_png();
  test_colormaps();
  return test_summary("app_test_gfx");
}
