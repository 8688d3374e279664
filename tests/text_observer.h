/* What an explorer test drew, as text: every string the drawing layer renders passes through
 * text_observe (install it with the gfx text observer) with its pixel size and box, so tests check
 * what reached the screen rather than what a lesson file or a label table says. One copy per test
 * program (static storage); reset with `ntexts = 0` before drawing what is checked. */
#ifndef RNNLAB_TEXT_OBSERVER_H
#define RNNLAB_TEXT_OBSERVER_H
#include "draw/gfx.h"
#include <stdio.h>
#include <string.h>

#define MAX_TEXTS 4096
typedef struct {
  char s[200];
  int px;
  gfx_rect box;
} drawn;
static drawn texts[MAX_TEXTS];
static int ntexts;

static inline void text_observe(void *ctx, const char *s, int px, gfx_rect box) {
  (void)ctx;
  if (ntexts >= MAX_TEXTS) return;
  drawn *d = &texts[ntexts++];
  snprintf(d->s, sizeof d->s, "%s", s);
  d->px = px;
  d->box = box;
}

/* The first string containing needle whose top-left lies in r (anywhere when r.w == 0), or NULL. */
static inline const drawn *find_text_in(const char *needle, gfx_rect r) {
  for (int i = 0; i < ntexts; i++)
    if (strstr(texts[i].s, needle) && (r.w == 0 || gfx_contains(r, texts[i].box.x, texts[i].box.y)))
      return &texts[i];
  return NULL;
}

static inline const drawn *find_text(const char *needle) { return find_text_in(needle, (gfx_rect){0, 0, 0, 0}); }

/* How many strings containing needle are centred (horizontally, at their top) inside r. */
static inline int count_text_in(const char *needle, gfx_rect r) {
  int n = 0;
  for (int i = 0; i < ntexts; i++)
    n += strstr(texts[i].s, needle) && gfx_contains(r, texts[i].box.x + texts[i].box.w / 2, texts[i].box.y);
  return n;
}

/* The smallest pixel size among the strings drawn. */
static inline int min_text_px(void) {
  int m = 1 << 30;
  for (int i = 0; i < ntexts; i++)
    if (texts[i].px < m) m = texts[i].px;
  return m;
}

#endif
