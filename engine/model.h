/* rnnlab model: embedding -> recurrent stack (RNN / LSTM / GRU, stacked, optionally
 * bidirectional and residual) -> linear head -> softmax cross-entropy.
 *
 * Numerics and parameter layout follow PyTorch's nn.Embedding, nn.RNN / nn.LSTM / nn.GRU
 * (batch_first inputs) and nn.Linear:
 *   RNN : h' = act(W_ih x + b_ih + W_hh h + b_hh)                    act = tanh | relu | sigmoid
 *   LSTM: gates stacked i, f, g, o (4H rows)
 *         i = s(.), f = s(.), g = tanh(.), o = s(.)   c' = f*c + i*g   h' = o*tanh(c')
 *   GRU : gates stacked r, z, n (3H rows)
 *         r = s(W_ir x + b_ir + W_hr h + b_hr), z = s(... z ...)
 *         n = tanh(W_in x + b_in + r * (W_hn h + b_hn))   h' = (1-z)*n + z*h
 *
 * All parameters live in one flat buffer (m->params) and all gradients in one flat buffer of the
 * same layout (m->grads); the named tensors (m->tensors[]) are views into them, in PyTorch's
 * state_dict order with PyTorch's names:
 *   embedding.weight [V,E]
 *   rnn.weight_ih_l{k}[_reverse] [G*H, in_k]   in_0 = E, in_k = D*H
 *   rnn.weight_hh_l{k}[_reverse] [G*H, H]
 *   rnn.bias_ih_l{k}[_reverse]   [G*H]
 *   rnn.bias_hh_l{k}[_reverse]   [G*H]
 *   head.weight [C, D*H]   head.bias [C]
 * with G = 1 (RNN), 4 (LSTM), 3 (GRU), D = 2 if bidirectional else 1.
 *
 * engine/ (flat) owns the numerics: this model (model.c forward/backward, model_setup.c
 * construction on top of it, vocab.c), optimizers, tasks, training, model files, text corpora,
 * atomic file writes. It may call libc, libm, pthreads and cJSON only: never app/, never SDL,
 * never exit(); every error comes back as an rl_error.
 */
#ifndef RNNLAB_MODEL_H
#define RNNLAB_MODEL_H
#include "profile.h"
#include "rl_base.h"
#include "vocab.h"
#include <math.h>

typedef enum { RL_CELL_RNN = 0, RL_CELL_LSTM = 1, RL_CELL_GRU = 2 } rl_cell;
typedef enum { RL_ACT_TANH = 0, RL_ACT_RELU = 1, RL_ACT_SIGMOID = 2 } rl_nonlin;
typedef enum { RL_HEAD_STEP = 0, RL_HEAD_FINAL = 1 } rl_head;

typedef struct {
  rl_cell cell;
  rl_nonlin nonlin;  /* RNN only */
  int vocab;         /* V: token ids are 0..V-1 */
  int embed;         /* E */
  int hidden;        /* H */
  int layers;        /* L >= 1 */
  int bidirectional; /* 0 or 1 (D = 1 or 2) */
  int residual;      /* layers k >= 1 output rnn_k(x) + x (their input has the same width D*H) */
  rl_head head;      /* STEP: logits at every timestep; FINAL: one prediction per sequence */
  int classes;       /* C: head outputs (a language model uses C = V) */
} rl_config;

/* Upper bounds that keep every size computation far from overflow; model files are checked too. */
#define RL_MAX_VOCAB (1 << 22)
#define RL_MAX_WIDTH 8192 /* embed, hidden (classes go up to RL_MAX_VOCAB) */
#define RL_MAX_LAYERS 16
#define RL_MAX_TIME 100000
#define RL_MAX_BATCH 4096

const char *rl_cell_name(rl_cell c);       /* "rnn", "lstm", "gru" */
const char *rl_nonlin_name(rl_nonlin a);   /* "tanh", "relu", "sigmoid" */
const char *rl_head_name(rl_head h);       /* "step", "final" */
int rl_cell_parse(const char *s, rl_cell *out);      /* 0 ok, -1 unknown */
int rl_nonlin_parse(const char *s, rl_nonlin *out);
int rl_head_parse(const char *s, rl_head *out);
int rl_cell_gates(rl_cell c);              /* G: 1, 4, 3 */

/* Checks every field; the message names the offending option. */
int rl_config_check(const rl_config *cfg, rl_error *err);
/* A ready-to-use default: LSTM, V=16, E=16, H=32, 1 layer, step head, C=V. */
rl_config rl_config_default(void);

typedef struct {
  char name[48];
  int ndim;       /* 1 or 2 */
  int shape[2];   /* shape[1] unused when ndim == 1 */
  size_t offset;  /* into params / grads */
  size_t numel;
} rl_tensor_info;

/* Per layer and direction: views into the parameter buffer. */
typedef struct {
  float *w_ih, *w_hh, *b_ih, *b_hh;  /* [G*H,in], [G*H,H], [G*H], [G*H] */
  int in;                            /* input width of this layer */
} rl_rnn_params;

/* LSTM gate clamps (a teaching tool: "keep" = f 1, i 0; "erase" = f 0). NAN = not clamped.
 * A clamped gate is a constant: no gradient flows into its pre-activation. Clamps hold from
 * timestep from_t on (0 = every step): "keep" from the second word lets the first word write
 * the cell, then holds what it wrote. */
typedef struct {
  float value[4]; /* i, f, g, o */
  int from_t;     /* first clamped timestep (0-based) */
} rl_clamps;

/* Everything the explorer and the experiments draw, for one example of a batch.
 * Arrays are indexed [layer][direction][t][unit] flattened; "ld" below = layer*D + direction.
 * Gradients are of the batch loss J (mean over scored positions) unless said otherwise. */
typedef struct {
  int T, L, D, H, G, C;
  rl_cell cell;
  int example;          /* which batch row was traced */
  float *gates;         /* [L*D][T][G*H] post-activation gates (LSTM i,f,g,o; GRU r,z,n; RNN h) */
  float *c;             /* [L*D][T][H] LSTM cell state (zeros otherwise) */
  float *h;             /* [L*D][T][H] hidden state */
  float *probs;         /* STEP: [T][C]; FINAL: [C] (rows 1..T-1 unused) */
  float *dh_norm;       /* [L*D][T] ||dJ/dh(t)|| (total gradient reaching h(t)) */
  float *dc_norm;       /* [L*D][T] ||dJ/dc(t)|| (LSTM; zeros otherwise) */
  float *dhT_norm;      /* [L*D][T] ||dJ_last/dh(t)||: J_last = -log p(target) at the last scored
                           position of this example alone, unscaled (the slides' dJ(T)/dh(t)) */
  float *dwhh_norm;     /* [L*D][T] ||dJ/dW_hh evaluated at step t|| (Frobenius, all gates);
                           the weight gradient is the sum over t of these terms */
  float *dwhh_cum_norm; /* [L*D][T] ||sum of those terms over the steps the backward pass has
                           visited when it has added step t|| (forward direction: steps t..T-1;
                           reverse direction: 0..t). At the last visited step: the norm of the
                           whole dJ/dW_hh of this example (not the sum of the term norms) */
  int last_scored;      /* the position T used for dhT_norm, -1 if none */
  float loss;           /* mean loss over this example's scored positions */
  int valid;            /* 1 after a traced forward+backward */
} rl_trace;

struct rl_shard; /* per-thread workspace, private */

typedef struct rl_model {
  rl_config cfg;
  int G, D;
  size_t nparams;
  float *params; /* [nparams] */
  float *grads;  /* [nparams], written (not accumulated) by rl_model_backward */
  int ntensors;
  rl_tensor_info *tensors;
  /* named views */
  float *embedding;      /* [V,E] */
  rl_rnn_params *rnn;    /* [L*D], index layer*D + direction */
  float *head_w, *head_b;
  rl_vocab vocab;
  rl_clamps clamps;

  /* threads: batches are split into contiguous shards, one per thread, each with its own
   * workspace and gradient buffer; gradients are summed in shard order (deterministic for a
   * given thread count). */
  int nthreads;
  int nshards;
  struct rl_shard *shards;
  int B, T;              /* shape of the last forward */
  float *h_n;            /* [L*D][B][H] final hidden states of the last forward (PyTorch h_n) */
  float *c_n;            /* [L*D][B][H] LSTM final cell states */
  float *in_table;       /* private: [D][V][G*H] layer 0's projected embedding rows (model.c) */
  int have_forward;      /* backward needs a forward of the same batch */
  int have_backward;     /* a backward of the last forward has run */
  int keep_input_grad;   /* 1: backward also keeps dJ/d(embedded input) per position for
                            rl_model_input_grad (one more product when the vocabulary is small) */
  int no_input_table;    /* 1: layer 0 multiplies every position's embedding, as other layers do,
                            instead of gathering from its projected vocabulary (model.c); for
                            benchmarks that compare the same products. Set before the first forward */
  rl_profile prof;       /* time and FLOPs per phase (see rl_profile); reset it freely */

  /* tracing: set trace_example >= 0 before a forward to record that row into `trace`.
   * The trace's arrays are reallocated when T changes: copy what you keep (the explorer does). */
  int trace_example;
  int traced_row;        /* private: the row the last forward traced (-1 none); backward uses it */
  rl_trace trace;
} rl_model;

typedef struct {
  int B, T;
  const int *tokens;   /* [B,T] token ids in [0,V) */
  const int *targets;  /* STEP: [B,T] class ids, -1 = not scored; FINAL: [B] class ids (-1 = skip) */
  const float *h0;     /* optional [L*D][B][H] initial hidden state (NULL = zeros) */
  const float *c0;     /* optional [L*D][B][H] initial LSTM cell state (NULL = zeros) */
} rl_batch;

/* Allocates a model with zeroed parameters; call rl_model_init_params next. */
int rl_model_create(const rl_config *cfg, rl_model **out, rl_error *err);
void rl_model_free(rl_model *m);
/* Threads used by forward/backward (>= 1; clamped to the batch size at run time). */
void rl_model_set_threads(rl_model *m, int nthreads);
const rl_tensor_info *rl_model_find_tensor(const rl_model *m, const char *name);

typedef enum { RL_INIT_PYTORCH = 0, RL_INIT_ORTHOGONAL = 1, RL_INIT_IDENTITY = 2 } rl_init_kind;

typedef struct {
  uint64_t seed;
  rl_init_kind recurrent;  /* how W_hh is initialised (each gate block separately) */
  float spectral_radius;   /* > 0: rescale each W_hh gate block to this spectral radius; 0: leave */
  float forget_bias;       /* LSTM: b_ih forget block set to this value and b_hh forget block to 0;
                              NAN: leave PyTorch's default */
} rl_init_opts;

rl_init_opts rl_init_default(uint64_t seed);
const char *rl_init_name(rl_init_kind k);
int rl_init_parse(const char *s, rl_init_kind *out);
/* PyTorch defaults: embedding N(0,1); recurrent and head U(-1/sqrt(fan), 1/sqrt(fan))
 * with fan = H for the RNN and fan_in for the head; then the options above. */
int rl_model_init_params(rl_model *m, const rl_init_opts *opts, rl_error *err);

/* Forward pass: loss = mean over scored positions of -log p(target) (0 if nothing is scored).
 * Fills h_n / c_n and, if trace_example >= 0, the forward half of the trace. A non-finite loss is
 * not an error here (it is returned as is; the trainer decides what it means).
 * batch->h0 may point at m->h_n (carrying state in truncated BPTT): it is read before h_n is
 * rewritten, and h_n keeps its address while B stays the same. */
int rl_model_forward(rl_model *m, const rl_batch *batch, float *loss, rl_error *err);
/* Backward pass of the last forward: overwrites m->grads with dJ/dparams. If the forward was
 * traced, completes the trace (gradient norms, including the extra J_last pass). */
int rl_model_backward(rl_model *m, rl_error *err);
/* dJ/d(embedded input) of the last backward, [B,T,E] batch-major (for gradient checks); needs
 * keep_input_grad = 1 before that backward when the vocabulary is small (see model.c). */
int rl_model_input_grad(const rl_model *m, float *out, rl_error *err);

/* Softmax output of the last forward (valid after backward too): STEP: row (b, t) [C];
 * FINAL: row b [C] (t ignored). NULL if there is none. */
const float *rl_model_probs(const rl_model *m, int b, int t);

/* Copies parameters (same config) from src to dst. */
int rl_model_copy_params(rl_model *dst, const rl_model *src, rl_error *err);

/* Largest singular value of a rows x cols matrix (power iteration on W^T W). */
float rl_largest_singular_value(const float *w, int rows, int cols);
/* Spectral radius (largest |eigenvalue|) of an n x n matrix, estimated with Gelfand's formula. */
float rl_spectral_radius(const float *w, int n);

#endif
