/* rnnlab host: the only place that knows the program runs on a desktop.
 *
 * Owns the window and its event loop (this file, SDL2), worker threads (thread.h) and where the
 * program's files live (files.h). A browser build replaces the .c files of this folder and
 * nothing else. The program hands the host two functions -- one for each input event, one for a
 * frame -- and the host owns the loop: a while loop here, emscripten_set_main_loop in a browser
 * (the shape of Dear ImGui's Emscripten example).
 *
 * May call: app/draw (the window's drawing target, input events) and engine/rl_base.h.
 * Only this folder and the raster backend (app/draw/gfx_sdl.c) include SDL.
 */
#ifndef RNNLAB_HOST_H
#define RNNLAB_HOST_H
#include "draw/event.h"
#include "draw/gfx.h"

typedef struct host host;

/* Smallest window the explorer lays out legibly; the window cannot be resized below it. */
#define HOST_MIN_W 960
#define HOST_MIN_H 540

typedef struct {
  const char *title; /* window title */
  int w, h;          /* shrunk to 90% of the desktop when larger; at least HOST_MIN_W x HOST_MIN_H */
  int fullscreen;    /* full screen at the desktop's resolution */
  const char *what;  /* the window's name in messages: "explorer", "presenter" */
} host_window_opts;

/* Opens a window and its drawing target (*g, owned by the host). Without a display (and no
 * SDL_VIDEODRIVER chosen on purpose) it says so, pointing to `rnnlab render`, instead of running
 * invisibly. Prints the reason and returns -1 on failure. */
int host_open(const host_window_opts *o, host **out, gfx **g);
void host_close(host *h); /* NULL is fine */

/* What the program gives the host. event: every input event, in order. frame: once per turn of
 * the loop, after the events; returns what the host does next. */
enum {
  HOST_IDLE = 0, /* nothing new to show: wait for input (at most 15 ms) */
  HOST_DREW = 1, /* a frame was drawn: show it */
  HOST_QUIT = 2  /* leave the loop */
};
typedef struct {
  void *ctx;
  void (*event)(void *ctx, const ui_event *ev);
  int (*frame)(void *ctx);
} host_app;

/* Runs the loop until frame() returns HOST_QUIT. */
void host_run(host *h, const host_app *app);

/* Input as if typed: delivered, in order, before the next frame (scripts and tests). */
void host_post_event(host *h, const ui_event *ev);

int host_fullscreen(const host *h);
void host_set_fullscreen(host *h, int on);
/* The window's size in screen coordinates, and a request to change it (HOST_MIN_* still hold). */
void host_window_size(const host *h, int *w, int *hh);
void host_set_window_size(host *h, int w, int hh);

#endif
