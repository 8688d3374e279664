/* rnnlab probes: what a trained model's units and predictions respond to. Pure functions on
 * arrays (text features, correlations) and on a model (connectivity, one-weight gradient check);
 * the explorer's units, connectivity and gradient-check panels draw their results.
 *
 * Text features, one value per token, computed from the token strings alone (char level: one
 * character each; word level: a word each, scanned character by character):
 *   quote        1 inside "double quotes" (both quote marks count as inside)
 *   depth        nesting depth of ( [ { at the token (an opening bracket counts its new level)
 *   line-pos     characters since the last newline (0 at the first character of a line)
 *   after-space  1 if the previous character was a space
 *   vowel        1 if the token's first character is a, e, i, o or u (either case)
 * Unit ranking: |Pearson correlation| over the T positions between each unit's activation and each
 * feature; a constant series has correlation 0.
 * Connectivity: for a position t, ||d log p(x_{t+1} | x_<=t) / d e(x_s)|| for every s: the
 * gradient of the log-probability of the next token with respect to the embedded input at s
 * (rl_model_input_grad), one backward pass per t.
 * Gradient check: one parameter nudged by +-eps; the loss is evaluated by the float32 forward pass
 * and the central difference (J(w+eps) - J(w-eps)) / (2 eps) with eps = 1e-2 by default agrees with
 * backprop to about 1e-3 relative for the largest-gradient weights (O(eps^2) truncation; float32
 * rounding of J, ~1e-7 relative, divided by 2 eps). */
#ifndef RNNLAB_PROBE_H
#define RNNLAB_PROBE_H
#include "model.h"

typedef enum {
  RL_FEAT_QUOTE = 0,
  RL_FEAT_DEPTH = 1,
  RL_FEAT_LINEPOS = 2,
  RL_FEAT_AFTER_SPACE = 3,
  RL_FEAT_VOWEL = 4,
} rl_feature;
#define RL_FEAT_COUNT 5

const char *rl_feature_name(rl_feature f); /* "quote", "depth", "line-pos", "after-space", "vowel" */

/* feat[f * T + t] for every feature f and position t (RL_FEAT_COUNT * T floats). Tokens may be
 * NULL (counted as empty). */
void rl_text_features(const char *const *tokens, int T, float *feat);

/* Pearson correlation of x[i * sx] and y[i * sy], i < n (strides in floats); 0 if either is
 * constant or n < 2. Accumulated in double. */
double rl_pearson(const float *x, int sx, const float *y, int sy, int n);

typedef struct {
  int unit;     /* column of the activation matrix */
  int feature;  /* rl_feature */
  float r;      /* Pearson correlation (signed) */
} rl_unit_score;

/* act[t * N + u]: N unit series over T positions; feat as rl_text_features (nfeat rows of T).
 * For each unit its best feature by |r|; the units sorted by that |r|, largest first (ties: lower
 * unit first). Writes min(N, max) rows into out and returns how many. */
int rl_rank_units(const float *act, int T, int N, const float *feat, int nfeat, rl_unit_score *out,
                  int max);

/* Connectivity of position t (0 <= t < T-1) of one sequence: out[s] (T floats) = the norm of the
 * gradient of log p(tokens[t+1]) at position t with respect to the embedding of tokens[s]. A
 * unidirectional model gives 0 for s > t. Needs a STEP-head model with C = V. Runs a forward and
 * a backward pass on m (its grads and trace are overwritten). */
int rl_connectivity(rl_model *m, const int *tokens, int T, int t, float *out, rl_error *err);

typedef struct {
  size_t index;          /* into m->params */
  double eps;
  double loss;           /* J(w) */
  double loss_plus;      /* J(w + eps) */
  double loss_minus;     /* J(w - eps) */
  double fd;             /* (loss_plus - loss_minus) / (2 eps) */
  double backprop;       /* dJ/dw from rl_model_backward */
  double rel;            /* |fd - backprop| / max(|fd|, |backprop|, 1e-12) */
} rl_gradcheck;

/* Checks dJ/d params[index] on batch b: a forward + backward, then two forwards with the weight
 * nudged; the weight is put back exactly. */
int rl_gradcheck_param(rl_model *m, const rl_batch *b, size_t index, double eps, rl_gradcheck *out,
                       rl_error *err);

/* The k entries of layer 0's forward W_hh with the largest |gradient| in m->grads (after a
 * backward), as indices into m->params, largest first. Returns how many (<= k). */
int rl_top_whh_grads(const rl_model *m, size_t *out, int k);

#endif
