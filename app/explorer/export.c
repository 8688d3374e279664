/* Export of the whole view and of single panels (PNG + CSV); see export.h. */
#define _POSIX_C_SOURCE 200809L
#include "export.h"
#include "explorer_state.h"
#include "fileio.h"
#include "panels.h"
#include <errno.h>
#include <stdlib.h>
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

typedef ex_swap swap_ctx; /* explorer_state.h */

static int attach(explorer *e, swap_ctx *s, rl_error *err) {
  s->u = ui_create(s->g);
  if (!s->u) {
    if (s->own_g) gfx_destroy(s->g);
    return rl_fail(err, "out of memory");
  }
  gfx_set_text_observer(s->g, e->observer, e->observer_ctx);
  s->saved_g = e->v.g;
  s->saved_u = e->v.u;
  memcpy(s->saved_rect, e->v.rect, sizeof e->v.rect);
  s->saved_area = e->area;
  e->v.g = s->g;
  e->v.u = s->u;
  return 0;
}

/* kind: PNG (raster), SVG or PDF; scale: the layout scale (a window's gfx_scale, 0 = from the
 * height), factor: 1 or 2 (everything twice as large). */
static int swap_in(explorer *e, swap_ctx *s, gfx_file_kind kind, int w, int h, float scale, float factor,
                   rl_error *err) {
  memset(s, 0, sizeof *s);
  s->g = gfx_create_figure(kind, w, h, err);
  if (!s->g) return -1;
  s->own_g = 1;
  gfx_set_theme(s->g, gfx_theme(e->v.g));
  if (scale > 0) gfx_set_scale_override(s->g, scale);
  gfx_set_export_factor(s->g, factor);
  if (attach(e, s, err)) return -1;
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
  if (s->own_g) gfx_destroy(s->g);
}

int explorer_target_push(explorer *e, gfx *g, rl_error *err) {
  if (e->pushed.g) return rl_fail(err, "the explorer already draws on a borrowed target");
  memset(&e->pushed, 0, sizeof e->pushed);
  e->pushed.g = g;
  if (attach(e, &e->pushed, err)) {
    e->pushed.g = NULL;
    return -1;
  }
  return 0;
}

void explorer_target_pop(explorer *e) {
  if (!e->pushed.g) return;
  int exporting = e->v.exporting;
  swap_out(e, &e->pushed);
  e->v.exporting = exporting;
  e->pushed.g = NULL;
}

void explorer_set_export_dir(explorer *e, const char *dir) {
  snprintf(e->export_dir, sizeof e->export_dir, "%s", dir && *dir ? dir : "rnnlab-figures");
}

void explorer_set_export_format(explorer *e, gfx_file_kind kind) {
  e->export_kind = kind == GFX_FILE_SVG || kind == GFX_FILE_PDF ? kind : GFX_FILE_PNG;
  e->v.export_kind = (int)e->export_kind;
}

gfx_file_kind explorer_export_format(const explorer *e) { return e->export_kind; }

/* The command that draws this figure again from scratch (the figure's metadata): the explorer's
 * settings as they are now, trained for the steps shown. Settings changed during training (the lr
 * slider) make it an approximation, as the comment says. */
void explorer_figure_command(explorer *e, rl_panel p, const char *path, char *out, size_t cap) {
  const tr_config *c = &e->v.cfg;
  char cells[128] = "";
  size_t o = 0;
  for (int i = 0; i < TR_MAX_SLOTS; i++) {
    const tr_model_spec *m = &c->models[i];
    int n = !m->used ? snprintf(cells + o, sizeof cells - o, "%soff", o ? "," : "")
            : m->cell == RL_CELL_RNN ? snprintf(cells + o, sizeof cells - o, "%srnn-%s", o ? "," : "", rl_nonlin_name(m->nonlin))
                                     : snprintf(cells + o, sizeof cells - o, "%s%s", o ? "," : "", rl_cell_name(m->cell));
    if (n < 0 || (size_t)n >= sizeof cells - o) break;
    o += (size_t)n;
  }
  snprintf(out, cap,
           "rnnlab render --cells %s --task %s --distance %d --hidden %d --embed %d --batch %d --opt %s --lr %g "
           "--clip %g --seed %llu --train-steps %ld%s%s --out %s  # settings at export; changed while training = approximate",
           cells, rl_task_kind_name(c->task.kind), c->task.length, c->hidden, c->embed, c->batch, rl_opt_name(c->opt),
           (double)c->lr, (double)c->clip, (unsigned long long)c->seed, ex_step(&e->v), p ? " --panel " : "",
           p ? rl_panel_name(p) : "", path);
}

int explorer_write_figure(explorer *e, rl_panel p, const char *path, int w, int h, float scale, float factor,
                          const char *comment, rl_error *err) {
  gfx_file_kind kind;
  if (gfx_file_kind_of(path, &kind, err)) return -1;
  swap_ctx s;
  if (swap_in(e, &s, kind, w, h, scale, factor, err)) return -1;
  /* explorer_draw_figure without its frame bookkeeping: the latest snapshot, the figure */
  trainer_snapshot(e->tr, &e->v.snap);
  gfx_rect all = gfx_r(0, 0, w, h);
  if (p) ex_draw_single(e, p, all);
  else ex_draw_view(e, all);
  int rc = gfx_save_figure(e->v.g, path, comment, err);
  swap_out(e, &s);
  return rc;
}

int explorer_export_view(explorer *e, int scale, char *path_out, size_t cap, rl_error *err) {
  if (scale < 1) scale = 1;
  if (scale > 4) scale = 4;
  if (export_mkdir(e->export_dir, err)) return -1;
  char stem[160], path[1024], cmd[1400];
  if (stem_for(e, scale == 1 ? "view" : "view-2x", stem, sizeof stem)) return rl_fail(err, "name too long");
  if (export_unique_path(e->export_dir, stem, gfx_file_ext(e->export_kind), path, sizeof path, err)) return -1;
  int w = e->area.w > 0 ? e->area.w : gfx_width(e->v.g), h = e->area.h > 0 ? e->area.h : gfx_height(e->v.g);
  explorer_figure_command(e, 0, path, cmd, sizeof cmd);
  swap_ctx s;
  if (swap_in(e, &s, e->export_kind, w * scale, h * scale, gfx_scale(e->v.g), (float)scale, err)) return -1;
  ex_draw_view(e, gfx_r(0, 0, w * scale, h * scale));
  int rc = gfx_save_figure(e->v.g, path, cmd, err);
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
  char stem[160], png[1024], csv[1100], what[80], cmd[1400];
  snprintf(what, sizeof what, "%s%s", panel_title(p), scale == 1 ? "" : "-2x");
  if (stem_for(e, what, stem, sizeof stem)) return rl_fail(err, "name too long");
  if (export_unique_path(e->export_dir, stem, gfx_file_ext(e->export_kind), png, sizeof png, err)) return -1;
  explorer_figure_command(e, p, png, cmd, sizeof cmd);
  size_t len = strlen(png);
  snprintf(csv, sizeof csv, "%.*s.csv", (int)(len - 4), png);
  /* a slide-sized figure of the panel alone, laid out for a 1920x1080 projector */
  int w = EXPORT_PANEL_W * scale, h = EXPORT_PANEL_H * scale;
  swap_ctx s;
  if (swap_in(e, &s, e->export_kind, w, h, 1.0f, (float)scale, err)) return -1;
  ex_draw_single(e, p, gfx_r(0, 0, w, h));
  int rc = gfx_save_figure(e->v.g, png, cmd, err);
  swap_out(e, &s);
  if (rc) return -1;
  if (write_csv(e, p, csv, err)) return -1;
  if (path_out) snprintf(path_out, cap, "%s", png);
  return 0;
}

/* ---- animation (explorer_animate in explorer.c) ------------------------------------------------ */

int explorer_recording(const explorer *e) { return e->anim ? gif_frame_count(e->anim) : 0; }

int ex_anim_start(explorer *e, double now, rl_error *err) {
  char stem[160];
  if (export_mkdir(e->export_dir, err)) return -1;
  if (stem_for(e, "view-animation", stem, sizeof stem)) return rl_fail(err, "name too long");
  if (export_unique_path(e->export_dir, stem, "gif", e->anim_path, sizeof e->anim_path, err)) return -1;
  e->anim_w = e->area.w > 0 ? e->area.w : gfx_width(e->v.g);
  e->anim_h = e->area.h > 0 ? e->area.h : gfx_height(e->v.g);
  e->anim_scale = gfx_scale(e->v.g);
  e->anim = gif_begin(e->anim_w, e->anim_h, 100 / EXPLORER_ANIM_FPS, err);
  if (!e->anim) return -1;
  e->anim_next = now;
  return 0;
}

int ex_anim_finish(explorer *e, rl_error *err) {
  char cmd[1400];
  int n = gif_frame_count(e->anim);
  snprintf(cmd, sizeof cmd, "rnnlab explorer, the view recorded live: %d frames at %d fps, to step %ld", n,
           EXPLORER_ANIM_FPS, ex_step(&e->v));
  int rc = n == 0 ? rl_fail(err, "no frame was recorded") : gif_save(e->anim, e->anim_path, cmd, err);
  gif_free(e->anim);
  e->anim = NULL;
  e->v.recording = 0;
  return rc;
}

int ex_anim_frame(explorer *e, double now, rl_error *err) {
  if (!e->anim || now < e->anim_next) return 0;
  e->anim_next += 1.0 / EXPLORER_ANIM_FPS;
  if (e->anim_next < now) e->anim_next = now + 1.0 / EXPLORER_ANIM_FPS; /* fell behind */
  swap_ctx s;
  uint8_t *px = malloc((size_t)e->anim_w * e->anim_h * 4);
  int rc = px ? swap_in(e, &s, GFX_FILE_PNG, e->anim_w, e->anim_h, e->anim_scale, 1.0f, err) : rl_fail(err, "out of memory");
  if (px && !rc) {
    ex_draw_view(e, gfx_r(0, 0, e->anim_w, e->anim_h));
    rc = gfx_read_pixels(e->v.g, gfx_r(0, 0, e->anim_w, e->anim_h), px, err);
    swap_out(e, &s);
  }
  if (!rc) rc = gif_add_frame(e->anim, px, err);
  free(px);
  if (rc) {
    gif_free(e->anim);
    e->anim = NULL;
    e->v.recording = 0;
    return -1;
  }
  e->v.recording = gif_frame_count(e->anim);
  return e->v.recording >= EXPLORER_ANIM_FRAMES ? 1 : 0;
}
