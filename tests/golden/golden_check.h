/* Golden-image comparison for the app tests (included by app/FOLDER/tests/app_test_*.c only).
 *
 * golden_check(name, rgba, w, h) compares a rendered image with tests/golden/<name>.png:
 *   - sizes must match;
 *   - a pixel "differs" if any channel differs by more than GOLDEN_CHANNEL_TOL (48 of 255);
 *   - the image passes if at most GOLDEN_MAX_DIFF_FRACTION (1.5%) of pixels differ.
 * The tolerance absorbs font rasterisation (FreeType versions, hinting) and antialiasing
 * differences between SDL versions, while a moved axis, a missing legend, a wrong colormap or a
 * blank panel changes far more than 1.5% of the pixels.
 * On failure it writes <tmp>/<name>.actual.png and <tmp>/<name>.diff.png (differing pixels in
 * magenta over a dimmed copy) and prints their paths.
 * RNNLAB_UPDATE_GOLDEN=1 rewrites the golden file instead (regenerate on purpose, then look at
 * the new PNGs before committing them).
 */
#ifndef RNNLAB_GOLDEN_CHECK_H
#define RNNLAB_GOLDEN_CHECK_H
#include "draw/gfx.h"
#include "../testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN_CHANNEL_TOL 48
#define GOLDEN_MAX_DIFF_FRACTION 0.015

static const char *golden_dir(void) { return RNNLAB_SOURCE_ASSETS "/../tests/golden"; }

/* Returns 1 if the image matched (or was updated), 0 otherwise; records one CHECK. */
static int golden_check(const char *name, const uint8_t *rgba, int w, int h) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s.png", golden_dir(), name);
  rl_error err;
  const char *upd = getenv("RNNLAB_UPDATE_GOLDEN");
  if (upd && !strcmp(upd, "1")) {
    int rc = gfx_write_png(path, rgba, w, h, &err);
    CHECKF(rc == 0, "updating golden %s: %s", path, err.msg);
    if (rc == 0) fprintf(stderr, "golden: wrote %s\n", path);
    return rc == 0;
  }
  int gw = 0, gh = 0;
  uint8_t *gold = gfx_load_png(path, &gw, &gh, &err);
  CHECKF(gold != NULL, "golden image missing (%s); run with RNNLAB_UPDATE_GOLDEN=1", err.msg);
  if (!gold) return 0;
  int ok = 0;
  if (gw != w || gh != h) {
    CHECKF(0, "golden %s is %dx%d, rendered %dx%d", name, gw, gh, w, h);
  } else {
    long differ = 0, n = (long)w * h;
    uint8_t *diff = malloc((size_t)n * 4);
    for (long i = 0; i < n; i++) {
      int bad = 0;
      for (int c = 0; c < 3; c++) {
        int d = abs((int)rgba[4 * i + c] - (int)gold[4 * i + c]);
        if (d > GOLDEN_CHANNEL_TOL) bad = 1;
      }
      differ += bad;
      if (diff) {
        for (int c = 0; c < 3; c++) diff[4 * i + c] = (uint8_t)(gold[4 * i + c] / 4);
        if (bad) diff[4 * i] = 255, diff[4 * i + 1] = 0, diff[4 * i + 2] = 255;
        diff[4 * i + 3] = 255;
      }
    }
    double frac = (double)differ / (double)n;
    ok = frac <= GOLDEN_MAX_DIFF_FRACTION;
    CHECKF(ok, "golden %s: %.2f%% of pixels differ (tolerance %.1f%%)", name, 100 * frac,
           100 * GOLDEN_MAX_DIFF_FRACTION);
    if (!ok) {
      char a[1024], d[1024];
      snprintf(a, sizeof a, "%s/%s.actual.png", test_tmpdir(), name);
      snprintf(d, sizeof d, "%s/%s.diff.png", test_tmpdir(), name);
      gfx_write_png(a, rgba, w, h, &err);
      if (diff) gfx_write_png(d, diff, w, h, &err);
      fprintf(stderr, "golden %s: actual %s, diff %s, expected %s\n", name, a, d, path);
    }
    free(diff);
  }
  free(gold);
  return ok;
}

/* Reads the whole output of g and compares it. */
static int golden_check_gfx(const char *name, gfx *g) {
  int w = gfx_width(g), h = gfx_height(g);
  uint8_t *px = malloc((size_t)w * h * 4);
  rl_error err;
  int ok = 0;
  if (px && gfx_read_pixels(g, gfx_r(0, 0, w, h), px, &err) == 0) ok = golden_check(name, px, w, h);
  else CHECKF(0, "reading pixels for golden %s", name);
  free(px);
  return ok;
}
#endif
