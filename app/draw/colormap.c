/* rnnlab colormaps: tables loaded from assets/colormaps with a compiled-in fallback. */
#include "colormap.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "colormap_tables.h"

static const char *const NAMES[COLORMAP_COUNT] = {"diverging", "sequential"};
static const uint8_t *const BUILTIN[COLORMAP_COUNT] = {BUILTIN_DIVERGING, BUILTIN_SEQUENTIAL};
static uint8_t current[COLORMAP_COUNT][COLORMAP_N * 3];
static int initialised;

static void ensure_init(void) {
  if (initialised) return;
  for (int i = 0; i < COLORMAP_COUNT; i++) memcpy(current[i], BUILTIN[i], COLORMAP_N * 3);
  initialised = 1;
}

static int valid_id(colormap_id id) { return (int)id >= 0 && id < COLORMAP_COUNT; }

const char *colormap_name(colormap_id id) { return valid_id(id) ? NAMES[id] : "?"; }

int colormap_read_file(const char *path, uint8_t *rgb, rl_error *err) {
  FILE *f = fopen(path, "r");
  if (!f) return rl_fail(err, "cannot open colormap %s: %s", path, strerror(errno));
  char line[256];
  int n = 0, lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '#' || *p == '\n' || *p == '\r' || *p == 0) continue;
    int r, g, b;
    char extra;
    if (sscanf(p, "%d %d %d %c", &r, &g, &b, &extra) != 3 || r < 0 || r > 255 || g < 0 ||
        g > 255 || b < 0 || b > 255) {
      fclose(f);
      return rl_fail(err, "%s:%d: expected three integers 0-255 (r g b)", path, lineno);
    }
    if (n >= COLORMAP_N) {
      fclose(f);
      return rl_fail(err, "%s: more than %d colour rows", path, COLORMAP_N);
    }
    rgb[3 * n] = (uint8_t)r;
    rgb[3 * n + 1] = (uint8_t)g;
    rgb[3 * n + 2] = (uint8_t)b;
    n++;
  }
  fclose(f);
  if (n != COLORMAP_N) return rl_fail(err, "%s: %d colour rows, expected %d", path, n, COLORMAP_N);
  return 0;
}

int colormap_load_dir(const char *dir, rl_error *err) {
  ensure_init();
  if (!dir) {
    for (int i = 0; i < COLORMAP_COUNT; i++) memcpy(current[i], BUILTIN[i], COLORMAP_N * 3);
    return 0;
  }
  int rc = 0;
  for (int i = 0; i < COLORMAP_COUNT; i++) {
    char path[1024];
    uint8_t tmp[COLORMAP_N * 3];
    snprintf(path, sizeof path, "%s/%s.txt", dir, NAMES[i]);
    rl_error e;
    if (colormap_read_file(path, tmp, &e) == 0) {
      memcpy(current[i], tmp, sizeof tmp);
    } else if (rc == 0) {
      rc = rl_fail(err, "%s (using the built-in colormap)", e.msg);
    }
  }
  return rc;
}

const uint8_t *colormap_table(colormap_id id) {
  ensure_init();
  return current[valid_id(id) ? id : 0];
}

const uint8_t *colormap_builtin(colormap_id id) { return BUILTIN[valid_id(id) ? id : 0]; }

gfx_color colormap_at(colormap_id id, float t) {
  gfx_color c = {128, 128, 128, 255};
  if (t != t) return c;
  if (t < 0) t = 0;
  if (t > 1) t = 1;
  const uint8_t *tab = colormap_table(id);
  int i = (int)lroundf(t * (COLORMAP_N - 1));
  c.r = tab[3 * i];
  c.g = tab[3 * i + 1];
  c.b = tab[3 * i + 2];
  return c;
}

gfx_color colormap_value(colormap_id id, float v, float lo, float hi) {
  if (!(hi > lo)) return colormap_at(id, 0.5f);
  return colormap_at(id, (v - lo) / (hi - lo));
}

static double srgb_to_linear(double c) {
  return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

float colormap_lightness(uint8_t r8, uint8_t g8, uint8_t b8) {
  double r = srgb_to_linear(r8 / 255.0), g = srgb_to_linear(g8 / 255.0),
         b = srgb_to_linear(b8 / 255.0);
  double l = 0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b;
  double m = 0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b;
  double s = 0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b;
  return (float)(0.2104542553 * cbrt(l) + 0.7936177850 * cbrt(m) - 0.0040720468 * cbrt(s));
}
