/* Opening a window needs a display. Without one SDL quietly picks its "offscreen" driver and the
 * window would run invisibly; these say so instead. */
#ifndef RNNLAB_DISPLAY_H
#define RNNLAB_DISPLAY_H

/* Call after SDL_Init(SDL_INIT_VIDEO). Returns 0 if windows will be visible (or the user chose a
 * headless driver on purpose with SDL_VIDEODRIVER); otherwise prints a message naming the window
 * (`cmd` "--lesson": the presenter, anything else: the explorer) and returns -1. */
int display_check(const char *cmd);

/* Smallest window the explorer lays out legibly; the window cannot be resized below it. */
#define DISPLAY_MIN_W 960
#define DISPLAY_MIN_H 540

typedef struct SDL_Window SDL_Window;
/* A resizable window of w x h (shrunk to 90% of the desktop when larger), never smaller than
 * DISPLAY_MIN_W x DISPLAY_MIN_H; full screen on the desktop's resolution if fullscreen. NULL with
 * SDL's message printed on failure. */
SDL_Window *display_open_window(const char *title, int w, int h, int fullscreen);
/* Sets the minimum size again: creating an OpenGL renderer may re-create the X window, which
 * loses it. Call after gfx_create_window. */
void display_keep_min_size(SDL_Window *win);

#endif
