/* The browser build has no cairo: PDF (and the font measurer the vector backends share) report
 * that they are desktop-only, so an SVG or PDF export in the page says why instead of failing
 * silently. CMake compiles this file instead of gfx_pdf.c under Emscripten (README "In the browser"). */
#include "gfx_backend.h"

gfx_vfont *gfx_vfont_create(rl_error *err) {
  rl_fail(err, "SVG and PDF figures need the desktop build (the browser exports PNG)");
  return NULL;
}

void gfx_vfont_destroy(gfx_vfont *f) { (void)f; }

double gfx_vfont_advance(gfx_vfont *f, const char *s, gfx_face face, int px) {
  (void)f, (void)s, (void)face, (void)px;
  return 0;
}

gfx *gfx_pdf_create(int w, int h, rl_error *err) {
  (void)w, (void)h;
  rl_fail(err, "SVG and PDF figures need the desktop build (the browser exports PNG)");
  return NULL;
}

int gfx_vector_measurers(int w, int h, gfx_vfont **vf, gfx **m, rl_error *err) {
  (void)w, (void)h;
  *vf = NULL;
  *m = NULL;
  return rl_fail(err, "SVG and PDF figures need the desktop build (the browser exports PNG)");
}
