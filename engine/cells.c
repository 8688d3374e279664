/* The cells' pointwise step math (cells.h), each function written once as a plain C body and
 * compiled for every kernel set (RL_KERNEL_CLONES, kernels.h): the sigmoid / tanh loops of
 * fastmath.h and the state updates vectorise to the set's registers. */
#include "cells.h"
#include "fastmath.h"
#include "kernels.h"
#include <string.h>

static inline float act_f(rl_nonlin a, float x) {
  switch (a) {
  case RL_ACT_RELU: return x < 0.0f ? 0.0f : x; /* NaN passes through, as in PyTorch */
  case RL_ACT_SIGMOID: return rl_fsigmoid(x);
  default: return rl_ftanh(x);
  }
}

/* ---- forward ---- */

static inline void rl_rnn_step_forward_body(rl_nonlin a, int Bs, int H, float *pre, float *h) {
  int n = Bs * H;
  if (a == RL_ACT_TANH) rl_vtanh(pre, pre, n);
  else if (a == RL_ACT_SIGMOID) rl_vsigmoid(pre, pre, n);
  else
    for (int i = 0; i < n; i++) pre[i] = act_f(a, pre[i]);
  memcpy(h, pre, sizeof(float) * (size_t)n);
}
RL_KERNEL_CLONES(rl_rnn_step_forward, (rl_nonlin a, int Bs, int H, float *pre, float *h), (a, Bs, H, pre, h))

static inline void rl_lstm_step_forward_body(const rl_clamps *cl, int Bs, int H, float *pre, const float *c_prev,
                                             float *c, float *tc, float *h) {
  for (int b = 0; b < Bs; b++) {
    float *p = pre + (size_t)b * 4 * H;
    rl_vsigmoid(p, p, 2 * H);
    rl_vtanh(p + 2 * H, p + 2 * H, H);
    rl_vsigmoid(p + 3 * H, p + 3 * H, H);
    for (int g = 0; g < 4 && cl; g++)
      if (!isnan(cl->value[g]))
        for (int j = 0; j < H; j++) p[g * H + j] = cl->value[g];
    const float *cp = c_prev + (size_t)b * H;
    float *cb = c + (size_t)b * H, *tb = tc + (size_t)b * H, *hb = h + (size_t)b * H;
    for (int j = 0; j < H; j++) cb[j] = p[H + j] * cp[j] + p[j] * p[2 * H + j];
    rl_vtanh(tb, cb, H);
    for (int j = 0; j < H; j++) hb[j] = p[3 * H + j] * tb[j];
  }
}
RL_KERNEL_CLONES(rl_lstm_step_forward,
                 (const rl_clamps *cl, int Bs, int H, float *pre, const float *c_prev, float *c, float *tc, float *h),
                 (cl, Bs, H, pre, c_prev, c, tc, h))

static inline void rl_gru_step_forward_body(int Bs, int H, float *pre, const float *hh, const float *h_prev,
                                            float *aux, float *h) {
  for (int b = 0; b < Bs; b++) {
    float *p = pre + (size_t)b * 3 * H;
    const float *q = hh + (size_t)b * 3 * H;
    for (int j = 0; j < 2 * H; j++) p[j] += q[j];
    rl_vsigmoid(p, p, 2 * H);
    float *ab = aux + (size_t)b * H;
    for (int j = 0; j < H; j++) {
      ab[j] = q[2 * H + j];
      p[2 * H + j] += p[j] * ab[j];
    }
    rl_vtanh(p + 2 * H, p + 2 * H, H);
    const float *hp = h_prev + (size_t)b * H;
    float *hb = h + (size_t)b * H;
    for (int j = 0; j < H; j++) {
      float z = p[H + j];
      hb[j] = (1.0f - z) * p[2 * H + j] + z * hp[j];
    }
  }
}
RL_KERNEL_CLONES(rl_gru_step_forward,
                 (int Bs, int H, float *pre, const float *hh, const float *h_prev, float *aux, float *h),
                 (Bs, H, pre, hh, h_prev, aux, h))

/* ---- backward ---- */

static inline void rl_rnn_step_backward_body(rl_nonlin a, int n, int H, const float *act, const float *dh,
                                             float *dg) {
  for (size_t i = 0; i < (size_t)n * H; i++) {
    float y = act[i];
    float d = a == RL_ACT_TANH ? 1.0f - y * y : a == RL_ACT_SIGMOID ? y * (1.0f - y) : (y > 0.0f);
    dg[i] = dh[i] * d;
  }
}
RL_KERNEL_CLONES(rl_rnn_step_backward, (rl_nonlin a, int n, int H, const float *act, const float *dh, float *dg),
                 (a, n, H, act, dh, dg))

static inline void rl_lstm_step_backward_body(const rl_clamps *cl, int n, int H, const float *pre,
                                              const float *tc, const float *c_prev, const float *f_next,
                                              const float *dh, float *dc, float *dg) {
  for (int b = 0; b < n; b++) {
    const float *p = pre + (size_t)b * 4 * H; /* i f g o */
    const float *tb = tc + (size_t)b * H, *cp = c_prev + (size_t)b * H, *dhb = dh + (size_t)b * H;
    const float *fn = f_next ? f_next + (size_t)b * 4 * H : NULL;
    float *g = dg + (size_t)b * 4 * H, *dcb = dc + (size_t)b * H;
    for (int j = 0; j < H; j++) {
      float i = p[j], f = p[H + j], gg = p[2 * H + j], oo = p[3 * H + j];
      float carried = fn ? dcb[j] * fn[j] : dcb[j]; /* through c(t+1) = f(t+1) c(t) + ... */
      float dct = carried + dhb[j] * oo * (1.0f - tb[j] * tb[j]);
      g[3 * H + j] = dhb[j] * tb[j] * oo * (1.0f - oo);
      g[j] = dct * gg * i * (1.0f - i);
      g[H + j] = dct * cp[j] * f * (1.0f - f);
      g[2 * H + j] = dct * i * (1.0f - gg * gg);
      dcb[j] = dct;
    }
    for (int k = 0; k < 4 && cl; k++)
      if (!isnan(cl->value[k])) memset(g + k * H, 0, sizeof(float) * (size_t)H);
  }
}
RL_KERNEL_CLONES(rl_lstm_step_backward,
                 (const rl_clamps *cl, int n, int H, const float *pre, const float *tc, const float *c_prev,
                  const float *f_next, const float *dh, float *dc, float *dg),
                 (cl, n, H, pre, tc, c_prev, f_next, dh, dc, dg))

static inline void rl_gru_step_backward_body(int n, int H, const float *pre, const float *hn, const float *h_prev,
                                             float *dh, float *dg_ih, float *dg_hh) {
  for (int b = 0; b < n; b++) {
    const float *p = pre + (size_t)b * 3 * H; /* r z n */
    const float *hnb = hn + (size_t)b * H, *hp = h_prev + (size_t)b * H;
    float *gi = dg_ih + (size_t)b * 3 * H, *gh = dg_hh + (size_t)b * 3 * H, *dhb = dh + (size_t)b * H;
    for (int j = 0; j < H; j++) {
      float r = p[j], z = p[H + j], nn = p[2 * H + j], g = dhb[j];
      float dan = g * (1.0f - z) * (1.0f - nn * nn);
      float daz = g * (hp[j] - nn) * z * (1.0f - z);
      float dar = dan * hnb[j] * r * (1.0f - r);
      gi[j] = gh[j] = dar;
      gi[H + j] = gh[H + j] = daz;
      gi[2 * H + j] = dan;
      gh[2 * H + j] = dan * r;
      dhb[j] = g * z; /* direct path h(t-1) -> h(t); the recurrent product adds the rest */
    }
  }
}
RL_KERNEL_CLONES(rl_gru_step_backward,
                 (int n, int H, const float *pre, const float *hn, const float *h_prev, float *dh, float *dg_ih,
                  float *dg_hh),
                 (n, H, pre, hn, h_prev, dh, dg_ih, dg_hh))
