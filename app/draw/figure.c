/* Figures by file name (gfx.h): which format a name asks for and the context that draws it. Kept
 * apart from gfx.c because it calls every backend's constructor, and the backends call gfx.c. */
#include "gfx_backend.h"
#include <string.h>
#include <strings.h>

static const char *const FILE_EXT[] = {"png", "svg", "pdf", "gif"};

const char *gfx_file_ext(gfx_file_kind kind) { return FILE_EXT[kind]; }

int gfx_file_kind_of(const char *path, gfx_file_kind *kind, rl_error *err) {
  const char *dot = path ? strrchr(path, '.') : NULL;
  if (dot && !strchr(dot, '/'))
    for (int k = 0; k < 4; k++)
      if (!strcasecmp(dot + 1, FILE_EXT[k])) {
        *kind = (gfx_file_kind)k;
        return 0;
      }
  return rl_fail(err, "%s: the file name must end in .png, .svg, .pdf or .gif (the format follows the name)",
                 path ? path : "(no file)");
}

gfx *gfx_create_figure(gfx_file_kind kind, int w, int h, rl_error *err) {
  switch (kind) {
  case GFX_FILE_PNG: return gfx_create_headless(w, h, err);
  case GFX_FILE_SVG: return gfx_svg_create(w, h, err);
  case GFX_FILE_PDF: return gfx_pdf_create(w, h, err);
  default: rl_fail(err, "a GIF is an animation: record it with --frames (see rnnlab render --help)"); return NULL;
  }
}
