/* Where the model's forward and backward passes spend their time, for `rnnlab bench --profile`,
 * and the matrix-product FLOPs they execute (model.h: rl_model.prof). Each phase
 * collects thread-seconds (summed over the shards' threads) and the matrix-product FLOPs executed
 * in it; timing costs a clock read per phase change, so it is off unless `timed` is set.
 * The clock is each thread's CPU time: on a machine shared with other work a phase is charged
 * what it cost, not the time its thread waited for a core. Idle is the CPU-time imbalance: what
 * each thread would wait for the slowest shard, and for work one thread does alone, on a quiet
 * machine (where CPU time and wall time agree for a busy thread).
 * flops_executed counts always: every product the passes actually ran (with the embedding-table
 * shortcut this is less than the straightforward algorithm's count). */
#ifndef RNNLAB_PROFILE_H
#define RNNLAB_PROFILE_H

typedef enum {
  RL_PHASE_INPUT,     /* input products W_ih x over all timesteps (or the embedding table) */
  RL_PHASE_RECURRENT, /* per-step products with W_hh, forward and backward, and packing W_hh */
  RL_PHASE_GATES,     /* elementwise gate math, forward and backward */
  RL_PHASE_WGRAD,     /* weight- and input-gradient products over all timesteps, bias sums */
  RL_PHASE_HEAD,      /* the linear head, softmax and loss, forward and backward */
  RL_PHASE_OTHER,     /* embedding lookup and scatter, copies between layers, clearing buffers */
  RL_PHASE_REDUCE,    /* summing the shards' gradients (one thread) */
  RL_PHASE_IDLE,      /* threads waiting: for the slowest shard, for the reduction */
  RL_PHASES
} rl_phase;
const char *rl_phase_name(rl_phase p); /* "input products", ... */

typedef struct {
  int timed;               /* 1: fill seconds[] and flops[] */
  double seconds[RL_PHASES];
  double flops[RL_PHASES];
  double flops_executed;   /* all passes so far */
} rl_profile;

/* Adds every field of src into dst (timed is left alone). */
void rl_profile_add(rl_profile *dst, const rl_profile *src);

/* For the engine: a running clock that charges time and FLOPs to one phase until the next mark.
 * With p == NULL (not timed) marks cost nothing. */
typedef struct {
  rl_profile *p;
  rl_phase phase;
  double t, f;
} rl_phase_clock;

void rl_phase_start(rl_phase_clock *c, rl_profile *p, rl_phase phase); /* p NULL: off */
void rl_phase_mark_(rl_phase_clock *c, rl_phase next);
static inline void rl_phase_mark(rl_phase_clock *c, rl_phase next) {
  if (c->p) rl_phase_mark_(c, next);
}
double rl_thread_seconds(void); /* the calling thread's CPU time */

#endif
