/* rnnlab trainer: the worker threads that own and train the explorer's models.
 *
 * Data flows one way: workers (own the models) -> published snapshot (copied under a mutex) ->
 * panels draw a private copy of the snapshot. Nothing outside this module touches a model.
 *
 * One worker thread per model slot (up to TR_MAX_SLOTS), each model single-threaded, so two
 * models keep both cores busy. All slots draw the same data (same seed, same task) and advance in
 * soft lockstep (no slot runs more than one step ahead of the slowest), so curves compare
 * like with like. Each worker publishes several times a second: a traced forward+backward of the
 * fixed display example (with the gate clamps applied to this display pass only, so clamping
 * never damages the trained model), plus loss/accuracy curves.
 *
 * Live settings (learning rate, clipping, clamps, speed, play/pause) take effect at the next step;
 * anything that changes the architecture, the task or the initialisation needs trainer_reset.
 */
#ifndef RNNLAB_TRAINER_H
#define RNNLAB_TRAINER_H
#include "model.h"
#include "optim.h"
#include "rl_base.h"
#include "tasks.h"

#define TR_MAX_SLOTS 3
#define TR_SNAP_ARRAYS 15

typedef struct {
  int used;           /* 0: slot empty */
  rl_cell cell;
  rl_nonlin nonlin;   /* RNN only */
  int hidden;         /* 0: the config's hidden size */
  int layers;         /* 0: 1 */
  int bidirectional;
  int residual;
  int own_clip;       /* 1: this slot clips at `clip` (0 = not at all) whatever the config says */
  float clip;
} tr_model_spec;

typedef struct {
  tr_model_spec models[TR_MAX_SLOTS];
  rl_task_opts task;      /* task.length = recall distance; data_path must outlive the trainer */
  int hidden;             /* default hidden size of the slots */
  int embed;              /* embedding width */
  int batch;
  rl_opt_kind opt;
  float lr;
  float clip;             /* global-norm clipping threshold; <= 0: off */
  rl_init_kind init;      /* recurrent initialisation */
  float radius;           /* recurrent spectral radius at initialisation; <= 0: PyTorch default */
  float forget_bias;      /* LSTM; NAN = PyTorch default */
  uint64_t seed;
  uint64_t example_seed;  /* which example is displayed */
  char text[256];         /* the displayed sentence (words of the task's vocabulary, labelled by the
                             task's rules, see rl_task_label); "" = an example the task generates
                             from example_seed. A reset to a task whose vocabulary lacks a word
                             falls back to the generated example and clears it. */
} tr_config;

/* The explorer's default: RNN (tanh) vs LSTM on recall at a distance the LSTM learns within a
 * minute and the RNN does not. */
tr_config tr_config_default(void);

/* Speed levels: maximum training steps per second per model; 0 = as fast as possible. */
#define TR_SPEED_LEVELS 9
float tr_speed_value(int level);

typedef struct {
  int used;
  tr_model_spec spec;
  int L, D, H, G, C, T;
  size_t nparams;
  long step;
  double steps_per_s;
  /* display trace: layout as rl_trace */
  int have_trace;
  float *gates, *c, *h, *probs, *dh_norm, *dc_norm, *dhT_norm, *dwhh_norm;
  float *dwhh_cum;        /* [L*D][T] rl_trace.dwhh_cum_norm: ||running sum|| of the BPTT terms */
  int E;                  /* embedding width */
  float *emb;             /* [T][E] e(t): the embedding row of each word of the example */
  float *xproj;           /* [T][G*H] W_ih e(t) of layer 1 (forward): what each word adds to the
                             cell's pre-activations, before the recurrent part and the biases */
  int last_scored;
  float trace_loss;
  rl_clamps clamps;       /* applied to the display pass */
  /* curves: one point per window of steps (mean loss, mean accuracy over the window) */
  int ncurve;
  float *curve_step, *curve_loss, *curve_acc;
  float *curve_gnorm;     /* the largest gradient norm of each window, before clipping */
  float last_loss, last_acc, grad_norm;
  int failed;
  char error[512];
  /* private: capacity of each array above */
  size_t cap[TR_SNAP_ARRAYS];
} tr_slot_snap;

typedef struct {
  long version;            /* increases with every publish */
  long generation;         /* increases with every reset */
  int running;             /* playing */
  int speed_level;
  long target_step;        /* when paused: steps the workers will still reach */
  int static_mode;         /* viewing a loaded model: no training */
  tr_slot_snap slot[TR_MAX_SLOTS];
  /* the displayed example, shared by all slots */
  int T, V, C;
  rl_head head;
  int *tokens;             /* [T] */
  int *targets;            /* [T] (STEP) or [1] (FINAL) */
  char **labels;           /* [T] token strings of the example */
  char **class_names;      /* [C] */
  int foil;                /* agreement: the wrong verb form the scored target competes with (the
                              task scores p[target] > p[foil]); -1: scored by the argmax */
  char task_name[32];
  int distance;
  char example_text[512];
  size_t cap_T, cap_C;
} tr_snapshot;

void tr_snapshot_init(tr_snapshot *s);
void tr_snapshot_free(tr_snapshot *s);
/* Deep copy (reallocating dst's arrays as needed). Returns 0 or -1 on out-of-memory. */
int tr_snapshot_copy(tr_snapshot *dst, const tr_snapshot *src);

typedef struct trainer trainer;

/* Creates the models and starts the workers (paused). */
int trainer_create(const tr_config *cfg, trainer **out, rl_error *err);
/* A trainer that shows one loaded model (takes ownership) on the given tokens; never trains.
 * labels: [n] token strings (copied). targets may be NULL (the model's own predictions are used). */
int trainer_create_static(rl_model *m, const int *tokens, int n, const char *const *labels,
                          trainer **out, rl_error *err);
void trainer_destroy(trainer *t);
/* Static trainer only: show the loaded model on other tokens. */
int trainer_set_text(trainer *t, const int *tokens, int n, const char *const *labels, rl_error *err);
/* Static trainer only: the loaded model's vocabulary (read-only, never changes), else NULL. */
const rl_vocab *trainer_vocab(trainer *t);

/* Stops the workers, rebuilds every model from cfg (new weights from the seed), restarts. */
int trainer_reset(trainer *t, const tr_config *cfg, rl_error *err);
void trainer_get_config(trainer *t, tr_config *out);

void trainer_set_running(trainer *t, int on);
int trainer_running(trainer *t);
/* Queue n more training steps for every slot (pauses free play). */
void trainer_step(trainer *t, long n);
void trainer_set_speed(trainer *t, int level);
int trainer_speed(trainer *t);
/* Live settings: no reset. */
void trainer_set_lr(trainer *t, float lr);
void trainer_set_clip(trainer *t, float clip);
/* Gate clamps of a slot's display pass (NAN = free). slot -1 = every slot. */
void trainer_set_clamps(trainer *t, int slot, const rl_clamps *c);
/* Show another example (new seed); a sentence shown by trainer_show_text gives way to it. */
void trainer_set_example(trainer *t, uint64_t example_seed);
/* Training trainer: show a chosen sentence as the displayed example of every slot (training goes
 * on with the task's batches). It is encoded with the task's vocabulary (word-level tasks split on
 * spaces) and labelled by the task's rules; positions without a label (a language model's last
 * word) are scored on the model's own prediction. NULL or "" = the task's own example again.
 * An unknown word is an error naming it; then nothing changes. */
int trainer_show_text(trainer *t, const char *text, rl_error *err);
/* Encodes text with a task's vocabulary into ids (malloc'ed, *n of them); error names a token. */
int tr_encode_text(const rl_task *task, const char *text, int **ids, int *n, rl_error *err);

/* Copies the latest snapshot into *dst if it changed since dst->version. Returns 1 if copied. */
int trainer_snapshot(trainer *t, tr_snapshot *dst);
/* Waits until every slot reached its queued steps and published them (or timeout). 0 ok, -1 timeout. */
int trainer_wait_idle(trainer *t, double timeout_s);
/* Training steps per second of each slot (for the benchmark). */
long trainer_total_steps(trainer *t);

#endif
