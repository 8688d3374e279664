/* Opening a window needs a display. Without one SDL quietly picks its "offscreen" driver and the
 * window would run invisibly; these say so instead. */
#ifndef RNNLAB_DISPLAY_H
#define RNNLAB_DISPLAY_H

/* Call after SDL_Init(SDL_INIT_VIDEO). Returns 0 if windows will be visible (or the user chose a
 * headless driver on purpose with SDL_VIDEODRIVER); otherwise prints a message naming the window
 * (`cmd` "--lesson": the presenter, anything else: the explorer) and returns -1. */
int display_check(const char *cmd);

#endif
