/* Export of the whole view and of single panels (PNG + CSV); see export.h. */
#define _POSIX_C_SOURCE 200809L
#include "export.h"
#include "explorer_state.h"
#include "fileio.h"
#include "panels.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int export_mkdir(const char *dir, rl_error *err) {
  char buf[1024];
  if (!dir || !*dir) return rl_fail(err, "no export folder given");
  if (strlen(dir) >= sizeof buf) return rl_fail(err, "export folder name too long");
  snprintf(buf, sizeof buf, "%s", dir);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, 0777) && errno != EEXIST)
      return rl_fail(err, "cannot create folder '%s': %s", buf, strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, 0777) && errno != EEXIST)
    return rl_fail(err, "cannot create folder '%s': %s", buf, strerror(errno));
  struct stat st;
  if (stat(buf, &st) || !S_ISDIR(st.st_mode)) return rl_fail(err, "'%s' is not a folder", buf);
  if (access(buf, W_OK)) return rl_fail(err, "folder '%s' is not writable: %s", buf, strerror(errno));
  return 0;
}

void export_sanitize(const char *s, char *out, size_t cap) {
  size_t o = 0;
  for (; s && *s && o + 1 < cap; s++) {
    char c = *s;
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
             c == '_' || c == '.';
    out[o++] = ok ? c : '-';
  }
  if (cap) out[o] = 0;
}

int export_unique_path(const char *dir, const char *stem, const char *ext, char *out, size_t cap,
                       rl_error *err) {
  for (int i = 1; i < 10000; i++) {
    int n = i == 1 ? snprintf(out, cap, "%s/%s.%s", dir, stem, ext)
                   : snprintf(out, cap, "%s/%s-%d.%s", dir, stem, i, ext);
    if (n < 0 || (size_t)n >= cap) return rl_fail(err, "export path too long");
    struct stat st;
    if (stat(out, &st) != 0) return 0;
  }
  return rl_fail(err, "too many exports named %s in %s", stem, dir);
}

static int stem_for(const explorer *e, const char *what, char *out, size_t cap) {
  char les[64], w[64];
  export_sanitize(e->lesson_name, les, sizeof les);
  export_sanitize(what, w, sizeof w);
  int n = snprintf(out, cap, "%s-%s-step%ld", les, w, ex_step(&e->v));
  return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Draws with a temporary headless target in place of the window's. */
typedef struct {
  gfx *g;
  ui *u;
  gfx *saved_g;
  ui *saved_u;
  gfx_rect saved_rect[RL_PANEL_COUNT];
  gfx_rect saved_area;
} swap_ctx;

/* scale: the layout scale (a window's gfx_scale), factor: 1 or 2 (everything twice as large). */
static int swap_in(explorer *e, swap_ctx *s, int w, int h, float scale, float factor, rl_error *err) {
  memset(s, 0, sizeof *s);
  s->g = gfx_create_headless(w, h, err);
  if (!s->g) return -1;
  s->u = ui_create(s->g);
  if (!s->u) {
    gfx_destroy(s->g);
    return rl_fail(err, "out of memory");
  }
  gfx_set_theme(s->g, gfx_theme(e->v.g));
  gfx_set_text_observer(s->g, e->observer, e->observer_ctx);
  if (scale > 0) gfx_set_scale_override(s->g, scale);
  gfx_set_export_factor(s->g, factor);
  s->saved_g = e->v.g;
  s->saved_u = e->v.u;
  memcpy(s->saved_rect, e->v.rect, sizeof e->v.rect);
  s->saved_area = e->area;
  e->v.g = s->g;
  e->v.u = s->u;
  e->v.exporting = 1;
  gfx_begin_frame(s->g);
  return 0;
}

static void swap_out(explorer *e, swap_ctx *s) {
  e->v.g = s->saved_g;
  e->v.u = s->saved_u;
  memcpy(e->v.rect, s->saved_rect, sizeof e->v.rect);
  e->area = s->saved_area;
  e->v.exporting = 0;
  ui_destroy(s->u);
  gfx_destroy(s->g);
}

void explorer_set_export_dir(explorer *e, const char *dir) {
  snprintf(e->export_dir, sizeof e->export_dir, "%s", dir && *dir ? dir : "rnnlab-figures");
}

int explorer_export_view(explorer *e, int scale, char *path_out, size_t cap, rl_error *err) {
  if (scale < 1) scale = 1;
  if (scale > 4) scale = 4;
  if (export_mkdir(e->export_dir, err)) return -1;
  char stem[160], path[1024];
  if (stem_for(e, scale == 1 ? "view" : "view-2x", stem, sizeof stem)) return rl_fail(err, "name too long");
  if (export_unique_path(e->export_dir, stem, "png", path, sizeof path, err)) return -1;
  int w = e->area.w > 0 ? e->area.w : gfx_width(e->v.g), h = e->area.h > 0 ? e->area.h : gfx_height(e->v.g);
  swap_ctx s;
  if (swap_in(e, &s, w * scale, h * scale, gfx_scale(e->v.g), (float)scale, err)) return -1;
  ex_draw_view(e, gfx_r(0, 0, w * scale, h * scale));
  int rc = gfx_save_png(e->v.g, path, err);
  swap_out(e, &s);
  if (rc) return -1;
  if (path_out) snprintf(path_out, cap, "%s", path);
  return 0;
}

static int write_csv(const explorer *e, rl_panel p, const char *path, rl_error *err) {
  FILE *f = rl_fopen_atomic(path, err); /* engine/fileio.h: fclose puts it in place */
  if (!f) return -1;
  int rc = panels_csv(&e->v, p, f);
  /* the writers fail only when a write failed, and then the temporary is already gone */
  if (fclose(f) != 0 || rc) return rl_fail(err, "%s: cannot write: %s", path, strerror(errno));
  return 0;
}

int explorer_export_panel(explorer *e, rl_panel p, int scale, char *path_out, size_t cap, rl_error *err) {
  int i = panel_index(p);
  if (i < 0) return rl_fail(err, "not a single panel");
  if (scale < 1) scale = 1;
  if (scale > 4) scale = 4;
  if (export_mkdir(e->export_dir, err)) return -1;
  char stem[160], png[1024], csv[1100], what[80];
  snprintf(what, sizeof what, "%s%s", panel_title(p), scale == 1 ? "" : "-2x");
  if (stem_for(e, what, stem, sizeof stem)) return rl_fail(err, "name too long");
  if (export_unique_path(e->export_dir, stem, "png", png, sizeof png, err)) return -1;
  size_t len = strlen(png);
  snprintf(csv, sizeof csv, "%.*s.csv", (int)(len - 4), png);
  /* a slide-sized figure of the panel alone, laid out for a 1920x1080 projector */
  int w = EXPORT_PANEL_W * scale, h = EXPORT_PANEL_H * scale;
  swap_ctx s;
  if (swap_in(e, &s, w, h, 1.0f, (float)scale, err)) return -1;
  ex_draw_single(e, p, gfx_r(0, 0, w, h));
  int rc = gfx_save_png(e->v.g, png, err);
  swap_out(e, &s);
  if (rc) return -1;
  if (write_csv(e, p, csv, err)) return -1;
  if (path_out) snprintf(path_out, cap, "%s", png);
  return 0;
}
