/* The value types of the drawing interface: colours and rectangles in pixels. Plain C, no
 * backend's types: panels, plots, widgets, themes and colour maps all speak these. */
#ifndef RNNLAB_GFX_TYPES_H
#define RNNLAB_GFX_TYPES_H
#include <stdint.h>

typedef struct {
  uint8_t r, g, b, a; /* sRGB, alpha 255 = opaque */
} gfx_color;

typedef struct {
  int x, y, w, h; /* top-left corner and size in pixels; y grows downward */
} gfx_rect;

static inline gfx_color gfx_rgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
  gfx_color c = {r, g, b, a};
  return c;
}
static inline gfx_rect gfx_r(int x, int y, int w, int h) {
  gfx_rect r = {x, y, w, h};
  return r;
}

#endif
