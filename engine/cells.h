/* One timestep of each cell, the pointwise part: the gate nonlinearities and state updates
 * forward, their derivatives backward. The recurrent product is the caller's (model.c); these run
 * on its result. Rows are examples; every array is [rows][width] with consecutive rows.
 * Compiled once per kernel set (kernels.h) and bit-identical in every set. Formulas: model.h. */
#ifndef RNNLAB_CELLS_H
#define RNNLAB_CELLS_H
#include "model.h"

/* RNN: pre [Bs][H] -> h = act(pre); pre keeps the activation (the trace's one "gate"). */
void rl_rnn_step_forward(rl_nonlin a, int Bs, int H, float *pre, float *h);
/* LSTM: pre [Bs][4H] (i,f,g,o pre-activations) -> activations in place; c, tanh(c), h [Bs][H].
 * cl: clamps holding at this step (NULL: none). */
void rl_lstm_step_forward(const rl_clamps *cl, int Bs, int H, float *pre, const float *c_prev, float *c,
                          float *tc, float *h);
/* GRU: pre [Bs][3H] input side (+b_ih), hh [Bs][3H] recurrent side (+b_hh) -> r,z,n in pre;
 * aux = hh_n (needed by backward); h = (1-z)*n + z*h_prev. */
void rl_gru_step_forward(int Bs, int H, float *pre, const float *hh, const float *h_prev, float *aux, float *h);

/* Backward of one step for n rows. dh [n][H] holds dJ/dh(t) on entry. */

/* RNN: act [n][H] activations -> dg [n][H] = dh * act'(.). */
void rl_rnn_step_backward(rl_nonlin a, int n, int H, const float *act, const float *dh, float *dg);
/* LSTM: pre [n][4H] gate activations (i f g o) of step t, tc [n][H] tanh(c(t)), c_prev [n][H].
 * dc [n][H]: on entry dJ/dc(t+1) of the step that used c(t) (zeros at the first step backward),
 * f_next [n] rows of stride 4H: that step's forget gate (NULL at the first step backward); on exit
 * dJ/dc(t). dg [n][4H] out: dJ/d(pre-activations), zero for gates clamped at this step (cl). */
void rl_lstm_step_backward(const rl_clamps *cl, int n, int H, const float *pre, const float *tc,
                           const float *c_prev, const float *f_next, const float *dh, float *dc, float *dg);
/* GRU: pre [n][3H] gate activations (r z n), hn [n][H] = W_hn h(t-1) + b_hn, h_prev [n][H].
 * dg_ih, dg_hh [n][3H] out: dJ/d(input-side, recurrent-side pre-activations) (they differ in the n
 * block: r * ...). dh on exit: the direct part dJ/dh(t) * z of dJ/dh(t-1) (the product adds the rest). */
void rl_gru_step_backward(int n, int H, const float *pre, const float *hn, const float *h_prev, float *dh,
                          float *dg_ih, float *dg_hh);

#endif
