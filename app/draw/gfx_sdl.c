/* The raster backend of gfx (gfx_backend.h): an SDL_Renderer drawing on a window or, headless, on
 * an image in memory (SDL's software renderer); text through SDL2_ttf with fonts found by
 * fontconfig, rendered strings cached as textures; antialiased discs cached as stamps. The only
 * file of app/draw that includes SDL. */
#include "gfx_sdl.h"
#include "gfx_backend.h"
#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GFX_PI 3.14159265358979323846
#define FONT_SLOTS 24
#define TEXT_CACHE 1024
#define TEXT_BUCKETS 2048
#define SIZE_CACHE 1024 /* measured strings (direct-mapped by hash) */
#define STAMP_SLOTS 96
#define IMAGE_SLOTS 24 /* textures kept for gfx_image_rgba (heatmaps redraw every frame) */
#define STAMP_MAX_R 64.0f /* larger discs are drawn as triangle fans */

typedef struct {
  gfx_face face;
  int px;
  TTF_Font *font;
} font_slot;

typedef struct {
  int used;
  uint32_t hash;
  gfx_face face;
  int px;
  gfx_color color;
  char *text;
  SDL_Texture *tex;
  int w, h;
  long last_use;
  int next; /* bucket chain */
} text_entry;

/* A cached antialiased disc: white, alpha = coverage; drawn tinted with colour and alpha mods. The
 * disc's centre sits on the pixel corner (c, c) of an n x n texture, n = 2c. Circles, round-rect
 * corners and thick-line joints are copies of these (the software renderer fills a triangle over
 * its whole bounding box, so fans were the slowest thing in a frame). */
typedef struct {
  int key; /* radius in quarter pixels; 0 = free */
  int c;
  SDL_Texture *tex;
  long last_use;
} stamp;

typedef struct {
  uint32_t hash;
  int face, px, w, h;
  char *text; /* NULL = empty slot */
} size_entry;

typedef struct {
  SDL_Texture *tex; /* NULL = free */
  int w, h;
  long last_use; /* frame; a texture is used once per frame so a frame's images stay distinct */
} image_slot;

struct gfx_backend {
  SDL_Window *win;
  SDL_Renderer *ren;
  SDL_Surface *surf; /* headless target */
  int w, h;
  font_slot fonts[FONT_SLOTS];
  int nfonts;
  text_entry text[TEXT_CACHE];
  int buckets[TEXT_BUCKETS];
  long frame, hits, misses;
  int ntext;
  stamp stamps[STAMP_SLOTS];
  size_entry sizes[SIZE_CACHE];
  int soft; /* SDL's software renderer (headless or window) */
  image_slot images[IMAGE_SLOTS];
};

typedef struct gfx_backend raster; /* this backend's state, named for what it is */

static SDL_Rect R(int x, int y, int w, int h) {
  SDL_Rect r = {x, y, w, h};
  return r;
}
static SDL_Rect sdl_rect(gfx_rect r) { return R(r.x, r.y, r.w, r.h); }
static SDL_Color sdl_color(gfx_color c) {
  SDL_Color o = {c.r, c.g, c.b, c.a};
  return o;
}

/* ---- fonts ------------------------------------------------------------------------------- */

static char font_paths[2][1024];

static int find_font(gfx_face face, rl_error *err) {
  if (font_paths[face][0]) return 0;
  const char *env = getenv(face == GFX_MONO ? "RNNLAB_FONT_MONO" : "RNNLAB_FONT");
  if (env && *env) {
    FILE *f = fopen(env, "rb");
    if (!f)
      return rl_fail(err, "%s=%s: cannot open the font file: %s",
                     face == GFX_MONO ? "RNNLAB_FONT_MONO" : "RNNLAB_FONT", env, strerror(errno));
    fclose(f);
    snprintf(font_paths[face], sizeof font_paths[face], "%s", env);
    return 0;
  }
  const char *family = face == GFX_MONO ? "DejaVu Sans Mono" : "DejaVu Sans";
  if (!FcInit()) return rl_fail(err, "fontconfig could not be initialised");
  FcPattern *pat = FcNameParse((const FcChar8 *)family);
  if (!pat) return rl_fail(err, "fontconfig: cannot parse font name '%s'", family);
  FcConfigSubstitute(NULL, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult res;
  FcPattern *match = FcFontMatch(NULL, pat, &res);
  FcPatternDestroy(pat);
  int ok = 0;
  if (match) {
    FcChar8 *file = NULL, *fam = NULL;
    if (FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
        FcPatternGetString(match, FC_FAMILY, 0, &fam) == FcResultMatch &&
        !strcmp((const char *)fam, family)) {
      snprintf(font_paths[face], sizeof font_paths[face], "%s", (const char *)file);
      ok = 1;
    }
    FcPatternDestroy(match);
  }
  if (!ok)
    return rl_fail(err,
                   "font '%s' not found through fontconfig: install it with "
                   "'apt-get install fonts-dejavu-core' (or set RNNLAB_FONT to a .ttf file)",
                   family);
  return 0;
}

static TTF_Font *get_font(raster *g, gfx_face face, int px) {
  if (face != GFX_MONO) face = GFX_SANS;
  if (px < 4) px = 4;
  if (px > 400) px = 400;
  for (int i = 0; i < g->nfonts; i++)
    if (g->fonts[i].face == face && g->fonts[i].px == px) return g->fonts[i].font;
  if (find_font(face, NULL) != 0) return NULL;
  TTF_Font *f = TTF_OpenFont(font_paths[face], px);
  if (!f) return NULL;
  TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
  if (g->nfonts == FONT_SLOTS) { /* full: drop the oldest slot (its text is re-rendered) */
    TTF_CloseFont(g->fonts[0].font);
    memmove(g->fonts, g->fonts + 1, sizeof(font_slot) * (FONT_SLOTS - 1));
    g->nfonts--;
  }
  g->fonts[g->nfonts++] = (font_slot){face, px, f};
  return f;
}

/* ---- text cache -------------------------------------------------------------------------- */

static uint32_t text_hash(gfx_face face, int px, gfx_color c, const char *s) {
  uint32_t h = 2166136261u;
  uint8_t head[8] = {(uint8_t)face, (uint8_t)px, (uint8_t)(px >> 8), c.r, c.g, c.b, c.a, 0};
  for (int i = 0; i < 8; i++) h = (h ^ head[i]) * 16777619u;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}

static void text_cache_clear(raster *g) {
  for (int i = 0; i < TEXT_CACHE; i++) {
    if (g->text[i].used) {
      SDL_DestroyTexture(g->text[i].tex);
      free(g->text[i].text);
    }
    memset(&g->text[i], 0, sizeof g->text[i]);
  }
  for (int i = 0; i < TEXT_BUCKETS; i++) g->buckets[i] = -1;
  g->ntext = 0;
}

static void stamp_cache_clear(raster *g) {
  for (int i = 0; i < STAMP_SLOTS; i++) {
    if (g->stamps[i].tex) SDL_DestroyTexture(g->stamps[i].tex);
    memset(&g->stamps[i], 0, sizeof g->stamps[i]);
  }
  for (int i = 0; i < IMAGE_SLOTS; i++) {
    if (g->images[i].tex) SDL_DestroyTexture(g->images[i].tex);
    memset(&g->images[i], 0, sizeof g->images[i]);
  }
}

static void bucket_remove(raster *g, int idx) {
  int b = (int)(g->text[idx].hash % TEXT_BUCKETS);
  int *p = &g->buckets[b];
  while (*p >= 0) {
    if (*p == idx) {
      *p = g->text[idx].next;
      return;
    }
    p = &g->text[*p].next;
  }
}

static text_entry *text_get(raster *g, const char *s, gfx_face face, int px, gfx_color c) {
  if (!s || !*s) return NULL;
  if (face != GFX_MONO) face = GFX_SANS;
  uint32_t h = text_hash(face, px, c, s);
  for (int i = g->buckets[h % TEXT_BUCKETS]; i >= 0; i = g->text[i].next) {
    text_entry *e = &g->text[i];
    if (e->hash == h && e->face == face && e->px == px && e->color.r == c.r &&
        e->color.g == c.g && e->color.b == c.b && e->color.a == c.a && !strcmp(e->text, s)) {
      e->last_use = g->frame;
      g->hits++;
      return e;
    }
  }
  g->misses++;
  TTF_Font *f = get_font(g, face, px);
  if (!f) return NULL;
  SDL_Color opaque = {c.r, c.g, c.b, 255};
  SDL_Surface *surf = TTF_RenderUTF8_Blended(f, s, opaque);
  if (!surf) return NULL;
  SDL_Texture *tex = SDL_CreateTextureFromSurface(g->ren, surf);
  int w = surf->w, hh = surf->h;
  SDL_FreeSurface(surf);
  if (!tex) return NULL;
  SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
  if (c.a != 255) SDL_SetTextureAlphaMod(tex, c.a);
  char *copy = malloc(strlen(s) + 1);
  if (!copy) {
    SDL_DestroyTexture(tex);
    return NULL;
  }
  strcpy(copy, s);
  /* slot: a free one, else the least recently used */
  int slot = -1;
  if (g->ntext < TEXT_CACHE) {
    for (int i = 0; i < TEXT_CACHE; i++)
      if (!g->text[i].used) {
        slot = i;
        break;
      }
    g->ntext++;
  } else {
    long best = 0;
    for (int i = 0; i < TEXT_CACHE; i++)
      if (slot < 0 || g->text[i].last_use < best) {
        slot = i;
        best = g->text[i].last_use;
      }
    bucket_remove(g, slot);
    SDL_DestroyTexture(g->text[slot].tex);
    free(g->text[slot].text);
  }
  text_entry *e = &g->text[slot];
  *e = (text_entry){1, h, face, px, c, copy, tex, w, hh, g->frame, -1};
  e->next = g->buckets[h % TEXT_BUCKETS];
  g->buckets[h % TEXT_BUCKETS] = slot;
  return e;
}

static void cache_stats(const raster *g, long *hits, long *misses, int *entries) {
  *hits = g->hits;
  *misses = g->misses;
  *entries = g->ntext;
}

/* ---- contexts ---------------------------------------------------------------------------- */

static const gfx_backend_ops RASTER;

static raster *raster_alloc(rl_error *err) {
  if (find_font(GFX_SANS, err) != 0 || find_font(GFX_MONO, err) != 0) return NULL;
  if (!TTF_WasInit() && TTF_Init() != 0) {
    rl_fail(err, "SDL_ttf initialisation failed: %s", TTF_GetError());
    return NULL;
  }
  raster *g = calloc(1, sizeof *g);
  if (!g) {
    rl_fail(err, "out of memory");
    return NULL;
  }
  for (int i = 0; i < TEXT_BUCKETS; i++) g->buckets[i] = -1;
  return g;
}

/* Whether an OpenGL renderer runs on a CPU rasteriser (Mesa llvmpipe/softpipe, swrast). */
static int gl_is_software(SDL_Renderer *r) {
  SDL_RendererInfo info;
  if (SDL_GetRendererInfo(r, &info) != 0 || !info.name || strncmp(info.name, "opengl", 6) != 0) return 0;
  typedef const unsigned char *(*get_string_fn)(unsigned int);
  get_string_fn get_string = (get_string_fn)SDL_GL_GetProcAddress("glGetString");
  if (!get_string) return 0;
  const char *name = (const char *)get_string(0x1F01 /* GL_RENDERER */);
  if (!name) return 0;
  return strstr(name, "llvmpipe") || strstr(name, "softpipe") || strstr(name, "Software Rasterizer") ||
         strstr(name, "SWR");
}

static void raster_destroy(raster *g);

gfx *gfx_create_window(SDL_Window *win, rl_error *err) {
  if (!win) {
    rl_fail(err, "no window");
    return NULL;
  }
  raster *g = raster_alloc(err);
  if (!g) return NULL;
  g->win = win;
  g->ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
  if (g->ren && !SDL_GetHint(SDL_HINT_RENDER_DRIVER) && gl_is_software(g->ren)) {
    /* OpenGL emulated on the CPU (llvmpipe under Xvfb or a VM): SDL's own software renderer
     * drawing straight into the window's shared-memory image is about twice as fast, as long as
     * SDL does not route that image through OpenGL again. SDL_RENDER_DRIVER keeps its say. */
    SDL_DestroyRenderer(g->ren);
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    g->ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
  }
  if (!g->ren) g->ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
  if (!g->ren) {
    rl_fail(err, "cannot create a renderer: %s", SDL_GetError());
    raster_destroy(g);
    return NULL;
  }
  SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_BLEND);
  SDL_GetRendererOutputSize(g->ren, &g->w, &g->h);
  SDL_RendererInfo info;
  g->soft = SDL_GetRendererInfo(g->ren, &info) == 0 && info.name && !strcmp(info.name, "software");
  return gfx_create_with(&RASTER, g, g->w, g->h, 0, err);
}

static int make_surface_renderer(raster *g, int w, int h, rl_error *err) {
  if (w < 1 || h < 1 || w > 16384 || h > 16384)
    return rl_fail(err, "image size %dx%d out of range (1..16384)", w, h);
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!s) return rl_fail(err, "cannot allocate a %dx%d image: %s", w, h, SDL_GetError());
  SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
  if (!r) {
    SDL_FreeSurface(s);
    return rl_fail(err, "cannot create a software renderer: %s", SDL_GetError());
  }
  SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
  g->soft = 1;
  g->surf = s;
  g->ren = r;
  g->w = w;
  g->h = h;
  return 0;
}

gfx *gfx_create_headless(int w, int h, rl_error *err) {
  raster *g = raster_alloc(err);
  if (!g) return NULL;
  if (make_surface_renderer(g, w, h, err) != 0) {
    raster_destroy(g);
    return NULL;
  }
  return gfx_create_with(&RASTER, g, w, h, 1, err);
}

static int raster_resize(raster *g, int w, int h, rl_error *err) {
  if (!g->surf) return rl_fail(err, "not a headless context");
  text_cache_clear(g); /* textures belong to the old renderer */
  stamp_cache_clear(g);
  SDL_Renderer *oldr = g->ren;
  SDL_Surface *olds = g->surf;
  if (make_surface_renderer(g, w, h, err) != 0) return -1;
  SDL_DestroyRenderer(oldr);
  SDL_FreeSurface(olds);
  return 0;
}

static void raster_destroy(raster *g) {
  if (!g) return;
  text_cache_clear(g);
  stamp_cache_clear(g);
  for (int i = 0; i < SIZE_CACHE; i++) free(g->sizes[i].text);
  for (int i = 0; i < g->nfonts; i++) TTF_CloseFont(g->fonts[i].font);
  if (g->ren) SDL_DestroyRenderer(g->ren);
  if (g->surf) SDL_FreeSurface(g->surf);
  free(g);
}

/* "raster (software)": the backend and SDL's renderer (software, opengl, ...). */
static const char *raster_name(const raster *g) {
  SDL_RendererInfo info;
  if (SDL_GetRendererInfo(g->ren, &info) != 0 || !info.name) return "raster";
  return info.name;
}

static void begin_frame(raster *g, long frame, int *w, int *h) {
  g->frame = frame;
  if (!g->surf) SDL_GetRendererOutputSize(g->ren, &g->w, &g->h);
  *w = g->w;
  *h = g->h;
}

static void present(raster *g) {
  if (!g->surf) SDL_RenderPresent(g->ren);
  else SDL_RenderFlush(g->ren); /* headless: run queued commands so none pile up */
}

/* ---- primitives --------------------------------------------------------------------------- */

static void set_color(raster *g, SDL_Color c) { SDL_SetRenderDrawColor(g->ren, c.r, c.g, c.b, c.a); }

static void clear(raster *g, gfx_color c) {
  SDL_Rect keep;
  int clipped = SDL_RenderIsClipEnabled(g->ren);
  if (clipped) SDL_RenderGetClipRect(g->ren, &keep);
  SDL_RenderSetClipRect(g->ren, NULL);
  SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
  set_color(g, sdl_color(c));
  SDL_RenderClear(g->ren);
  SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_BLEND);
  if (clipped) SDL_RenderSetClipRect(g->ren, &keep);
}

static void fill_rect(raster *g, gfx_rect gr, gfx_color c) {
  if (gr.w <= 0 || gr.h <= 0 || c.a == 0) return;
  SDL_Rect r = sdl_rect(gr);
  set_color(g, sdl_color(c));
  /* opaque fills need no blending (the software renderer's blended fill is far slower) */
  if (c.a == 255) SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
  SDL_RenderFillRect(g->ren, &r);
  if (c.a == 255) SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_BLEND);
}

static SDL_Vertex vtx(float x, float y, SDL_Color c) {
  SDL_Vertex v = {{x, y}, c, {0, 0}};
  return v;
}

/* A convex fan around (cx, cy) through ring points, with a 1-pixel feathered rim for smooth
 * edges. ring has n points (closed); used by circles and round caps. */
static void fill_fan_feathered(raster *g, float cx, float cy, const float *rx, const float *ry,
                               int n, SDL_Color c) {
  enum { MAXN = 96 };
  SDL_Vertex v[1 + 2 * MAXN];
  int idx[9 * MAXN];
  if (n > MAXN) n = MAXN;
  SDL_Color clear = c;
  clear.a = 0;
  v[0] = vtx(cx, cy, c);
  int k = 0;
  for (int i = 0; i < n; i++) {
    float dx = rx[i] - cx, dy = ry[i] - cy, len = sqrtf(dx * dx + dy * dy);
    float ox = len > 0 ? dx / len * 0.5f : 0, oy = len > 0 ? dy / len * 0.5f : 0;
    v[1 + i] = vtx(rx[i] - ox, ry[i] - oy, c);
    v[1 + n + i] = vtx(rx[i] + ox, ry[i] + oy, clear);
  }
  for (int i = 0; i < n; i++) {
    int j = (i + 1) % n;
    idx[k++] = 0, idx[k++] = 1 + i, idx[k++] = 1 + j;
    idx[k++] = 1 + i, idx[k++] = 1 + n + i, idx[k++] = 1 + n + j;
    idx[k++] = 1 + i, idx[k++] = 1 + n + j, idx[k++] = 1 + j;
  }
  SDL_RenderGeometry(g->ren, NULL, v, 1 + 2 * n, idx, k);
}

static int circle_segments(float r) {
  int n = (int)(r * 1.2f) + 8;
  return n > 96 ? 96 : n;
}

/* The disc of radius r4/4 centred at (c + phx/2, c + phy/2) in an n x n texture, n = 2c + 1;
 * NULL if a texture cannot be made (callers fall back to triangles). */
static stamp *stamp_get(raster *g, int r4, int phx, int phy) {
  int key = (r4 * 4 + phx * 2 + phy) + 1;
  stamp *free_slot = NULL, *old = NULL;
  for (int i = 0; i < STAMP_SLOTS; i++) {
    stamp *s = &g->stamps[i];
    if (s->key == key) {
      s->last_use = g->frame;
      return s;
    }
    if (!s->key) {
      if (!free_slot) free_slot = s;
    } else if (!old || s->last_use < old->last_use) {
      old = s;
    }
  }
  stamp *s = free_slot ? free_slot : old;
  if (s->tex) SDL_DestroyTexture(s->tex);
  memset(s, 0, sizeof *s);
  float r = r4 * 0.25f;
  int c = (int)ceilf(r + 1), n = 2 * c + 1;
  uint32_t *px = malloc((size_t)n * n * 4);
  if (!px) return NULL;
  float ox = c + 0.5f * phx, oy = c + 0.5f * phy;
  /* coverage by 4 x 4 supersampling */
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++) {
      int hit = 0;
      for (int sy = 0; sy < 4; sy++)
        for (int sx = 0; sx < 4; sx++) {
          float dx = x + (sx + 0.5f) * 0.25f - ox, dy = y + (sy + 0.5f) * 0.25f - oy;
          hit += dx * dx + dy * dy <= r * r;
        }
      uint32_t a = (uint32_t)((hit * 255 + 8) / 16);
      px[y * n + x] = (a << 24) | 0xFFFFFFu;
    }
  SDL_Texture *t = SDL_CreateTexture(g->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, n, n);
  if (t) {
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    SDL_UpdateTexture(t, NULL, px, n * 4);
  }
  free(px);
  if (!t) return NULL;
  *s = (stamp){key, c, t, g->frame};
  return s;
}

static void stamp_copy(raster *g, stamp *s, SDL_Rect src, SDL_Rect dst, SDL_Color c) {
  SDL_SetTextureColorMod(s->tex, c.r, c.g, c.b);
  SDL_SetTextureAlphaMod(s->tex, c.a);
  SDL_RenderCopy(g->ren, s->tex, &src, &dst);
}

static void fan_circle(raster *g, float cx, float cy, float radius, SDL_Color c) {
  float xs[96], ys[96];
  int n = circle_segments(radius);
  for (int i = 0; i < n; i++) {
    float a = (float)(2 * GFX_PI * i / n);
    xs[i] = cx + radius * cosf(a);
    ys[i] = cy + radius * sinf(a);
  }
  fill_fan_feathered(g, cx, cy, xs, ys, n, c);
}

static void fill_circle(raster *g, float cx, float cy, float radius, gfx_color gc) {
  SDL_Color c = sdl_color(gc);
  if (!(radius > 0) || c.a == 0 || !isfinite(cx) || !isfinite(cy)) return;
  /* centre snapped to the nearest half pixel */
  if (radius <= STAMP_MAX_R && fabsf(cx) < 1e6f && fabsf(cy) < 1e6f) {
    long hx = lroundf(cx * 2), hy = lroundf(cy * 2);
    int phx = (int)(hx & 1), phy = (int)(hy & 1);
    stamp *s = stamp_get(g, (int)lroundf(radius * 4), phx, phy);
    if (s) {
      int n = 2 * s->c + 1;
      stamp_copy(g, s, R(0, 0, n, n), R((int)((hx - phx) / 2) - s->c, (int)((hy - phy) / 2) - s->c, n, n), c);
      return;
    }
  }
  fan_circle(g, cx, cy, radius, c);
}

/* One straight segment as a quad with feathered long edges. A long diagonal segment is cut into
 * pieces (one geometry call) so that no triangle's bounding box is large: the software renderer
 * fills every triangle over its bounding box. */
static void segment(raster *g, float x0, float y0, float x1, float y1, float t, SDL_Color c) {
  float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
  if (!(len > 1e-6f)) return;
  float nx = -dy / len, ny = dx / len;
  float core = t * 0.5f - 0.5f, outer = t * 0.5f + 0.5f;
  SDL_Color cc = c;
  if (core < 0) { /* hairline: thinner than a pixel -> fade */
    cc.a = (uint8_t)(c.a * (t < 1 ? t : 1));
    core = 0;
    outer = 1;
  }
  SDL_Color clear = cc;
  clear.a = 0;
  enum { MAXP = 64 };
  float minor = fminf(fabsf(dx), fabsf(dy));
  int np = minor > 24 ? (int)ceilf(minor / 16) : 1;
  if (np > MAXP) np = MAXP;
  SDL_Vertex v[4 * (MAXP + 1)];
  int idx[18 * MAXP], k = 0;
  for (int p = 0; p <= np; p++) {
    float x = x0 + dx * p / np, y = y0 + dy * p / np;
    v[4 * p + 0] = vtx(x + nx * outer, y + ny * outer, clear);
    v[4 * p + 1] = vtx(x + nx * core, y + ny * core, cc);
    v[4 * p + 2] = vtx(x - nx * core, y - ny * core, cc);
    v[4 * p + 3] = vtx(x - nx * outer, y - ny * outer, clear);
  }
  static const int quad[18] = {0, 4, 1, 1, 4, 5, 1, 5, 2, 2, 5, 6, 2, 6, 3, 3, 6, 7};
  if (g->soft && cc.a == 255 && core > 0) {
    /* software renderer: the opaque core without blending (a blended triangle goes through a
     * temporary surface); the same pixels */
    static const int edges[12] = {0, 4, 1, 1, 4, 5, 2, 6, 3, 3, 6, 7}, mid[6] = {1, 5, 2, 2, 5, 6};
    for (int p = 0; p < np; p++)
      for (int j = 0; j < 6; j++) idx[k++] = 4 * p + mid[j];
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
    SDL_RenderGeometry(g->ren, NULL, v, 4 * (np + 1), idx, k);
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_BLEND);
    k = 0;
    for (int p = 0; p < np; p++)
      for (int j = 0; j < 12; j++) idx[k++] = 4 * p + edges[j];
  } else {
    for (int p = 0; p < np; p++)
      for (int j = 0; j < 18; j++) idx[k++] = 4 * p + quad[j];
  }
  SDL_RenderGeometry(g->ren, NULL, v, 4 * (np + 1), idx, k);
}

static void line(raster *g, float x0, float y0, float x1, float y1, float t, gfx_color c) {
  segment(g, x0, y0, x1, y1, t, sdl_color(c));
}

static void polyline(raster *g, const float *xs, const float *ys, int n, float t, gfx_color gc) {
  SDL_Color c = sdl_color(gc);
  int prev_ok = 0;
  for (int i = 0; i < n; i++) {
    int ok = isfinite(xs[i]) && isfinite(ys[i]);
    if (ok && prev_ok) segment(g, xs[i - 1], ys[i - 1], xs[i], ys[i], t, c);
    /* round joints (and lone points) so thick lines stay continuous */
    if (ok && t > 2.5f) {
      int lone = !prev_ok && !(i + 1 < n && isfinite(xs[i + 1]) && isfinite(ys[i + 1]));
      if (lone || (prev_ok && i + 1 < n && isfinite(xs[i + 1]) && isfinite(ys[i + 1])))
        fill_circle(g, xs[i], ys[i], t * 0.5f, gc);
    }
    prev_ok = ok;
  }
}

static void circle(raster *g, float cx, float cy, float radius, float t, gfx_color gc) {
  SDL_Color c = sdl_color(gc);
  enum { MAXN = 96 };
  int n = circle_segments(radius + t);
  SDL_Vertex v[4 * MAXN];
  int idx[18 * MAXN], k = 0;
  SDL_Color clear = c;
  clear.a = 0;
  float rin = radius - t * 0.5f, rout = radius + t * 0.5f;
  if (rin < 0.5f) rin = 0.5f;
  float rr[4] = {rin - 0.5f, rin + 0.5f, rout - 0.5f, rout + 0.5f};
  if (rr[1] > rr[2]) rr[1] = rr[2] = radius;
  for (int i = 0; i < n; i++) {
    float a = (float)(2 * GFX_PI * i / n), ca = cosf(a), sa = sinf(a);
    for (int j = 0; j < 4; j++) v[4 * i + j] = vtx(cx + rr[j] * ca, cy + rr[j] * sa, (j == 0 || j == 3) ? clear : c);
  }
  for (int i = 0; i < n; i++) {
    int a = 4 * i, b = 4 * ((i + 1) % n);
    for (int j = 0; j < 3; j++) {
      idx[k++] = a + j, idx[k++] = b + j, idx[k++] = a + j + 1;
      idx[k++] = a + j + 1, idx[k++] = b + j, idx[k++] = b + j + 1;
    }
  }
  SDL_RenderGeometry(g->ren, NULL, v, 4 * n, idx, k);
}

static void fill_triangle(raster *g, float x0, float y0, float x1, float y1, float x2, float y2, gfx_color c) {
  float cx = (x0 + x1 + x2) / 3, cy = (y0 + y1 + y2) / 3;
  float xs[3] = {x0, x1, x2}, ys[3] = {y0, y1, y2};
  fill_fan_feathered(g, cx, cy, xs, ys, 3, sdl_color(c));
}

/* gfx has clamped radius to half the shorter side, and radius > 1 */
static void fill_round_rect(raster *g, gfx_rect r, int radius, gfx_color gc) {
  SDL_Color c = sdl_color(gc);
  /* three rectangles and four corner quadrants of a cached disc; no two pieces overlap, so
   * translucent colours blend once */
  stamp *s = radius <= STAMP_MAX_R ? stamp_get(g, radius * 4, 0, 0) : NULL;
  if (s) {
    int q = radius, sc = s->c;
    fill_rect(g, gfx_r(r.x + q, r.y, r.w - 2 * q, r.h), gc);
    fill_rect(g, gfx_r(r.x, r.y + q, q, r.h - 2 * q), gc);
    fill_rect(g, gfx_r(r.x + r.w - q, r.y + q, q, r.h - 2 * q), gc);
    stamp_copy(g, s, R(sc - q, sc - q, q, q), R(r.x, r.y, q, q), c);
    stamp_copy(g, s, R(sc, sc - q, q, q), R(r.x + r.w - q, r.y, q, q), c);
    stamp_copy(g, s, R(sc - q, sc, q, q), R(r.x, r.y + r.h - q, q, q), c);
    stamp_copy(g, s, R(sc, sc, q, q), R(r.x + r.w - q, r.y + r.h - q, q, q), c);
    return;
  }
  /* the whole outline as one convex polygon (four quarter arcs), filled as a feathered fan */
  float xs[96], ys[96];
  float cxs[4] = {r.x + r.w - radius, r.x + radius, r.x + radius, r.x + r.w - radius};
  float cys[4] = {r.y + r.h - radius, r.y + r.h - radius, r.y + radius, r.y + radius};
  int per = circle_segments((float)radius) / 4 + 2, n = 0;
  if (per > 23) per = 23;
  for (int q = 0; q < 4; q++)
    for (int i = 0; i <= per; i++) {
      float a = 0.5f * (float)GFX_PI * (q + (float)i / per);
      xs[n] = cxs[q] + radius * cosf(a);
      ys[n] = cys[q] + radius * sinf(a);
      n++;
    }
  fill_fan_feathered(g, r.x + r.w * 0.5f, r.y + r.h * 0.5f, xs, ys, n, c);
}

static void image(raster *g, gfx_rect gdst, const uint8_t *rgba, int w, int h) {
  SDL_Rect dst = sdl_rect(gdst);
  /* reuse a texture of this size not yet used in this frame, else make one (replacing the least
   * recently used) */
  image_slot *slot = NULL, *spare = NULL;
  for (int i = 0; i < IMAGE_SLOTS; i++) {
    image_slot *s = &g->images[i];
    if (s->tex && s->w == w && s->h == h && s->last_use != g->frame) {
      slot = s;
      break;
    }
    if (s->last_use != g->frame && (!spare || !s->tex || (spare->tex && s->last_use < spare->last_use)))
      spare = s;
  }
  SDL_Texture *t = slot ? slot->tex : SDL_CreateTexture(g->ren, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC, w, h);
  if (!t) return;
  if (!slot) {
    SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    if (spare) {
      if (spare->tex) SDL_DestroyTexture(spare->tex);
      *spare = (image_slot){t, w, h, 0};
      slot = spare;
    }
  }
  int opaque = 1;
  for (long i = 0; i < (long)w * h && opaque; i++) opaque = rgba[4 * i + 3] == 255;
  SDL_SetTextureBlendMode(t, opaque ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
  SDL_UpdateTexture(t, NULL, rgba, w * 4);
  SDL_RenderCopy(g->ren, t, NULL, &dst);
  if (slot) slot->last_use = g->frame;
  else SDL_DestroyTexture(t); /* every slot used in this frame */
}

static void set_clip(raster *g, const gfx_rect *clip) {
  if (!clip) {
    SDL_RenderSetClipRect(g->ren, NULL);
    return;
  }
  SDL_Rect r = sdl_rect(*clip);
  if (r.w <= 0 || r.h <= 0) r = R(-10, -10, 1, 1); /* empty clip: draw nothing visible */
  SDL_RenderSetClipRect(g->ren, &r);
}

/* ---- text --------------------------------------------------------------------------------- */

static int text(raster *g, float x, float y, const char *s, gfx_face face, int px, gfx_color c, int align,
                int vertical, gfx_rect *box) {
  text_entry *e = text_get(g, s, face, px, c);
  if (!e) return 0;
  if (!vertical) {
    gfx_anchor(e->w, e->h, &x, &y, align);
    SDL_Rect dst = {(int)lroundf(x), (int)lroundf(y), e->w, e->h};
    SDL_RenderCopy(g->ren, e->tex, NULL, &dst);
    *box = gfx_r(dst.x, dst.y, dst.w, dst.h);
    return e->w;
  }
  /* rotated box is e->h wide and e->w high */
  gfx_anchor(e->h, e->w, &x, &y, align);
  /* SDL rotates around the destination centre: place the unrotated rect so its centre matches */
  float cx = x + e->h * 0.5f, cy = y + e->w * 0.5f;
  SDL_Rect dst = {(int)lroundf(cx - e->w * 0.5f), (int)lroundf(cy - e->h * 0.5f), e->w, e->h};
  SDL_RenderCopyEx(g->ren, e->tex, NULL, &dst, -90.0, NULL, SDL_FLIP_NONE);
  *box = gfx_r((int)lroundf(x), (int)lroundf(y), e->h, e->w);
  return e->w;
}

static void text_size(raster *g, const char *s, gfx_face face, int px, int *w, int *h) {
  int tw = 0, th = 0;
  /* measuring is shaping: remember the answers (labels are measured every frame, and
   * gfx_text_fit measures many prefixes) */
  size_entry *e = NULL;
  if (s && *s) {
    uint32_t hh = text_hash(face, px, gfx_rgba(0, 0, 0, 0), s);
    e = &g->sizes[hh % SIZE_CACHE];
    if (e->text && e->hash == hh && e->face == (int)face && e->px == px && !strcmp(e->text, s)) {
      if (w) *w = e->w;
      if (h) *h = e->h;
      return;
    }
    free(e->text);
    e->text = NULL;
    e->hash = hh;
  }
  TTF_Font *f = get_font(g, face, px);
  if (f) {
    th = TTF_FontHeight(f);
    if (s && *s && TTF_SizeUTF8(f, s, &tw, &th) == 0 && e && (e->text = malloc(strlen(s) + 1))) {
      strcpy(e->text, s);
      e->face = (int)face;
      e->px = px;
      e->w = tw;
      e->h = th;
    }
  }
  if (w) *w = tw;
  if (h) *h = th;
}

static int line_height(raster *g, gfx_face face, int px) {
  TTF_Font *f = get_font(g, face, px);
  return f ? TTF_FontHeight(f) : px;
}

static int read_pixels(raster *g, gfx_rect gr, uint8_t *rgba, rl_error *err) {
  SDL_Rect r = sdl_rect(gr);
  if (SDL_RenderReadPixels(g->ren, &r, SDL_PIXELFORMAT_RGBA32, rgba, r.w * 4) != 0)
    return rl_fail(err, "cannot read pixels: %s", SDL_GetError());
  for (long i = 0; i < (long)r.w * r.h; i++) rgba[4 * i + 3] = 255; /* opaque image */
  return 0;
}

/* The table gfx draws through (raster is this backend's struct gfx_backend). */
static const gfx_backend_ops RASTER = {
    .destroy = raster_destroy,
    .name = raster_name,
    .begin_frame = begin_frame,
    .present = present,
    .set_clip = set_clip,
    .clear = clear,
    .fill_rect = fill_rect,
    .fill_round_rect = fill_round_rect,
    .line = line,
    .polyline = polyline,
    .fill_circle = fill_circle,
    .circle = circle,
    .fill_triangle = fill_triangle,
    .image = image,
    .text = text,
    .text_size = text_size,
    .line_height = line_height,
    .read_pixels = read_pixels,
    .resize = raster_resize,
    .cache_stats = cache_stats,
};
