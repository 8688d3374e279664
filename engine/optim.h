/* Optimizers over the model's flat parameter buffer, and global-norm gradient clipping. */
#ifndef RNNLAB_OPTIM_H
#define RNNLAB_OPTIM_H
#include "rl_base.h"

typedef enum { RL_OPT_SGD = 0, RL_OPT_MOMENTUM = 1, RL_OPT_ADAM = 2 } rl_opt_kind;

typedef struct {
  rl_opt_kind kind;
  float lr;        /* may be changed between steps; state is kept */
  float momentum;  /* MOMENTUM: PyTorch SGD(momentum=mu): v = mu*v + g; p -= lr*v */
  float beta1, beta2, eps; /* ADAM: PyTorch Adam defaults 0.9, 0.999, 1e-8 */
  long step;       /* number of updates applied */
  size_t n;
  float *m;        /* [n] momentum buffer / Adam first moment */
  float *v;        /* [n] Adam second moment */
} rl_optimizer;

const char *rl_opt_name(rl_opt_kind k);           /* "sgd", "momentum", "adam" */
int rl_opt_parse(const char *s, rl_opt_kind *out);
/* Sets defaults (momentum 0.9, betas 0.9/0.999, eps 1e-8) and allocates zeroed state. */
int rl_optimizer_init(rl_optimizer *o, rl_opt_kind kind, float lr, size_t n, rl_error *err);
void rl_optimizer_free(rl_optimizer *o);
void rl_optimizer_step(rl_optimizer *o, float *params, const float *grads);

/* Global L2 norm of g[0..n). */
float rl_grad_norm(const float *g, size_t n);
/* If the global norm exceeds max_norm (> 0), scales g so it equals max_norm.
 * Returns the norm before clipping. max_norm <= 0 means no clipping. */
float rl_clip_grad_norm(float *g, size_t n, float max_norm);

#endif
