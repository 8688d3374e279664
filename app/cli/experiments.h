/* rnnlab experiments: the slides' claims about memory and vanishing gradients, measured.
 *
 *   horizon    the largest recall distance each cell (RNN, LSTM, GRU) solves to >= 95% accuracy,
 *              trained directly at each distance and with a curriculum over the distance
 *   gradients  ||dJ(T)/dh(t)|| against T - t at initialisation and after training, the fitted
 *              per-step decay factor and half-life; an RNN spectral-radius sweep beside the
 *              Pascanu et al. (2013) bound; what gradient clipping changes
 *   agreement  subject-verb agreement accuracy against the number of attractors, RNN vs LSTM
 *
 * Each prints a table, writes CSV files and PNG figures (drawn with app/draw/plot.h, the explorer's
 * plotting code) into the output folder, and prints the command that reproduces it. Runs are
 * deterministic: independent training runs are spread over worker threads, each single-threaded
 * and seeded, so the numbers do not depend on scheduling. */
#ifndef RNNLAB_EXPERIMENTS_H
#define RNNLAB_EXPERIMENTS_H
#include "rl_base.h"
#include <stdio.h>

#define EXPERIMENT_PNG_W 1600
#define EXPERIMENT_PNG_H 1000
#define EXPERIMENT_PNG_ZOOM 1.0f /* the theme's projector sizes as they are (ticks about 22 px on a 1000-pixel figure) */

typedef struct {
  const char *out_dir;   /* created if missing */
  int quick;             /* a small version (tests): well under 30 s */
  int seeds;             /* 0 = the experiment's default */
  int workers;           /* parallel training runs; 0 = 2 */
  FILE *out;             /* table and notes (stdout) */
} experiment_opts;

/* Names in order ("horizon", "gradients", "agreement"); *n gets the count. */
const char *const *experiment_names(int *n);
const char *experiment_help(const char *name);
/* Runs one experiment. -1 + err on failure (unknown name, unwritable folder, training error). */
int experiment_run(const char *name, const experiment_opts *o, rl_error *err);

#endif
