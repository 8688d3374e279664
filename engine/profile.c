/* Phase clock of profile.h. */
#define _POSIX_C_SOURCE 200809L
#include "profile.h"
#include "sgemm.h"

#include <time.h>

const char *rl_phase_name(rl_phase p) {
  static const char *const names[RL_PHASES] = {
      [RL_PHASE_INPUT] = "input products",     [RL_PHASE_RECURRENT] = "recurrent products",
      [RL_PHASE_GATES] = "gate math",          [RL_PHASE_WGRAD] = "weight-gradient products",
      [RL_PHASE_HEAD] = "head and loss",       [RL_PHASE_OTHER] = "lookups, copies, clearing",
      [RL_PHASE_REDUCE] = "gradient reduction", [RL_PHASE_IDLE] = "idle and synchronisation"};
  return (unsigned)p < RL_PHASES ? names[p] : "unknown";
}

void rl_profile_add(rl_profile *dst, const rl_profile *src) {
  for (int i = 0; i < RL_PHASES; i++) {
    dst->seconds[i] += src->seconds[i];
    dst->flops[i] += src->flops[i];
  }
  dst->flops_executed += src->flops_executed;
}

double rl_thread_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void rl_phase_start(rl_phase_clock *c, rl_profile *p, rl_phase phase) {
  c->p = p;
  c->phase = phase;
  c->t = p ? rl_thread_seconds() : 0;
  c->f = rl_sgemm_flops();
}

void rl_phase_mark_(rl_phase_clock *c, rl_phase next) {
  double t = rl_thread_seconds(), f = rl_sgemm_flops();
  c->p->seconds[c->phase] += t - c->t;
  c->p->flops[c->phase] += f - c->f;
  c->phase = next;
  c->t = t;
  c->f = f;
}
