/* The raster backend's window target: only app/host (which owns the SDL window) includes this.
 * Headless targets of the same backend come from gfx_create_headless (gfx.h). */
#ifndef RNNLAB_GFX_SDL_H
#define RNNLAB_GFX_SDL_H
#include "gfx.h"

typedef struct SDL_Window SDL_Window;

/* Creates a renderer for an existing window (accelerated if available, else software; vsync on).
 * OpenGL that runs on the CPU (Mesa llvmpipe: Xvfb, VMs) is replaced by SDL's software renderer
 * writing straight to the window, which is faster here; setting SDL_RENDER_DRIVER disables that.
 * The window stays owned by the caller. Fonts as gfx_create_headless. */
gfx *gfx_create_window(SDL_Window *win, rl_error *err);

#endif
