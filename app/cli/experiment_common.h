/* What the three experiments share (private to experiment_*.c):
 *
 *   files     the output folder, CSV files opened and closed in one place, figures
 *   figures   panels side by side, a legend strip under them, a caption with the protocol
 *   jobs      independent training runs on worker threads, with one progress bar and estimate
 *   training  recall options, training with early stopping on the validation split, a
 *             curriculum over the recall distance, accuracy on a test split from its own stream
 *
 * Splits: the training stream is the trainer's rng (seed); the validation split is the trainer's
 * fixed held-out set (drawn from seed ^ a constant), used for early stopping and for choosing the
 * learning rate; a test split is drawn from its own stream (ex_stream_seed) and used only to
 * report. */
#ifndef RNNLAB_EXPERIMENT_COMMON_H
#define RNNLAB_EXPERIMENT_COMMON_H
#include "experiments.h"
#include "draw/plot.h"
#include "progress.h"
#include "train.h"

#include <pthread.h>

int run_horizon(const experiment_opts *eo, rl_error *err);
int run_gradients(const experiment_opts *eo, rl_error *err);
int run_agreement(const experiment_opts *eo, rl_error *err);

const char *ex_cell_label(rl_cell c); /* "RNN", "LSTM", "GRU" */
gfx_color ex_color(int i);           /* series colour i of the light theme (figures are light) */

/* ---- files ------------------------------------------------------------------------------------- */

int ex_make_dir(const char *dir, rl_error *err);
/* Opens out_dir/file for writing (path gets the full name); NULL + err on failure. */
FILE *ex_csv_open(const experiment_opts *eo, const char *file, char *path, size_t n, rl_error *err);
/* Closes it; -1 + err if anything failed to write. */
int ex_csv_close(FILE *f, const char *path, rl_error *err);

/* ---- figures ----------------------------------------------------------------------------------- */

typedef struct {
  const plot_opts *o;
  const plot_series *s;
  int ns;
} ex_panel;

/* out_dir/file, EXPERIMENT_PNG_W x _H: np panels in rows of cols, then the labelled entries of
 * leg[0..nleg) in a strip below them (outside every data area), then the caption (the protocol,
 * wrapped to the width) in small print. */
int ex_figure_png(const experiment_opts *eo, const char *file, const ex_panel *p, int np, int cols,
                  const plot_series *leg, int nleg, const char *caption, rl_error *err);

/* ---- jobs and progress ------------------------------------------------------------------------- */

/* One progress bar (stderr) for all the runs of an experiment, in work units: a run that may take
 * S steps of T timesteps weighs S*T; it reports the units it spends and, when it stops early,
 * the rest of its weight at once. */
typedef struct {
  pthread_mutex_t mu;
  progress bar;
  double done, total;
  const char *name;
} ex_meter;

void ex_meter_start(ex_meter *m, const char *name, double total);
void ex_meter_add(ex_meter *m, double units);
void ex_meter_finish(ex_meter *m); /* a last update and a newline */

/* A run's share of the meter: add spends up to the run's weight; close adds what is left. */
typedef struct {
  ex_meter *m;
  double weight, spent;
} ex_share;

void ex_share_add(ex_share *s, double units);
void ex_share_close(ex_share *s);

/* Calls fn on each of n jobs (size bytes apart) on `workers` threads (1..8). Each job must be a
 * pure function of its own inputs, so results do not depend on scheduling. */
void ex_run_jobs(void *jobs, size_t size, int n, void (*fn)(void *job), int workers);

/* ---- training ---------------------------------------------------------------------------------- */

/* Recall (keys 8), Adam, clip 1, batch 32, embed 16, single-threaded, init and data from seed. */
rl_train_opts ex_recall_opts(rl_cell cell, int hidden, uint64_t seed, int distance, int distractors, float lr,
                             int val_size);

/* A stream seed for a split of a run (seed, index) that no other run or split shares. */
uint64_t ex_stream_seed(uint64_t seed, uint64_t index, uint64_t split);
#define EX_SPLIT_TEST 0x7e57u

typedef struct {
  long steps;         /* steps trained (to the stop, or the whole budget) */
  int stopped;        /* 1: validation accuracy reached the target */
  float val_acc;      /* validation accuracy of the model kept */
  float val_auc;      /* mean validation accuracy over the budget's evaluations (after a stop the
                         stopped model's accuracy counts for the rest): rewards learning fast */
} ex_fit;

/* Trains up to budget steps, evaluating on the validation split every eval_every steps, and stops
 * when its accuracy reaches target. Reports steps x T to share. 0 or -1 + err. */
int ex_train_early_stop(rl_trainer *t, long budget, int eval_every, float target, ex_share *share, ex_fit *out,
                        rl_error *err);

/* A curriculum over the recall distance: trains at dist[0] and moves to the next distance each
 * time the validation accuracy at the current one reaches target, within budget steps in all.
 * on_pass (may be NULL) is called with the model that passed stage i, before it moves on.
 * Returns the number of stages passed, or -1 + err. */
typedef int (*ex_stage_fn)(void *ctx, rl_trainer *t, int stage, long steps, float val_acc, rl_error *err);
int ex_curriculum(rl_trainer *t, const int *dist, int nd, long budget, int eval_every, float target,
                  ex_share *share, ex_stage_fn on_pass, void *ctx, rl_error *err);

/* 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, ... below cap, then cap. */
int ex_distance_list(int cap, int *out, int max);

/* Accuracy of the trainer's model on n new examples of task (NULL: the trainer's task at its
 * current settings) drawn from stream_seed. each (may be NULL) sees every example's metadata and
 * whether it was right (agreement bins them). */
typedef void (*ex_example_fn)(void *ctx, const rl_task_meta *meta, int correct, int total);
int ex_test_accuracy(rl_trainer *t, const rl_task_opts *task, int n, uint64_t stream_seed, ex_example_fn each,
                     void *ctx, float *acc, rl_error *err);

#endif
