/* rnnlab animations: raster frames collected, then written as one animated GIF (giflib).
 *
 * The palette is the animation's own: a median cut over the colours of every pixel of every
 * frame (a histogram at 6 bits per channel, each palette colour the mean of the pixels in its
 * box), 255 colours plus one transparent index, no dithering. Frames are kept as RGB in a
 * temporary file until the palette is known, so a 120-frame 1280 x 720 animation needs about 3 MB
 * of memory, not 330. Every frame after the first stores only the rectangle that changed, and
 * inside it the unchanged pixels as transparent (long runs LZW packs well); frames are shown
 * with disposal "leave in place". The file loops forever and carries comment (the command that
 * made it) as a GIF comment extension.
 *
 * Errors: 0 / -1 with rl_error filled; nothing prints or exits. Written atomically (fileio.h).
 */
#ifndef RNNLAB_GIF_H
#define RNNLAB_GIF_H
#include "rl_base.h"
#include <stdint.h>

typedef struct gif_anim gif_anim;

/* A w x h animation showing each frame for delay_cs hundredths of a second (>= 2). */
gif_anim *gif_begin(int w, int h, int delay_cs, rl_error *err);
/* One frame: w x h RGBA8 (alpha ignored). */
int gif_add_frame(gif_anim *a, const uint8_t *rgba, rl_error *err);
int gif_frame_count(const gif_anim *a);
/* Quantises, encodes and writes path. The frames stay: a second save writes the same file. */
int gif_save(gif_anim *a, const char *path, const char *comment, rl_error *err);
/* After gif_save: the palette's worst and mean error over all pixels (max over channels of
 * |original - palette colour|, in 0..255 levels): the banding check. */
void gif_palette_error(const gif_anim *a, int *max_err, double *mean_err);
void gif_free(gif_anim *a); /* NULL is fine */

#endif
