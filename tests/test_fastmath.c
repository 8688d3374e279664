/* The vectorisable exp / sigmoid / tanh of engine/fastmath.h against libm in double precision.
 * Tolerances: exp within 4 ulp relative (Cody-Waite reduction + degree-7 polynomial), sigmoid and
 * tanh within 4e-7 relative (a few float ulp) on [-20, 20] and exact limits outside; the model's
 * PyTorch parity target is 1e-5, so this leaves a wide margin. NaN must propagate. */
#include "fastmath.h"
#include "testutil.h"

static double rel(double a, double b) { return fabs(a - b) / fmax(fabs(b), 1e-30); }

int main(void) {
  double worst_exp = 0, worst_sig = 0, worst_tanh = 0;
  float at_exp = 0, at_sig = 0, at_tanh = 0;
  for (int i = -2000000; i <= 2000000; i++) {
    float x = (float)i * 1e-5f; /* [-20, 20] in steps of 1e-5 */
    double e = rel(rl_fexp(x), exp((double)x));
    double s = rel(rl_fsigmoid(x), 1.0 / (1.0 + exp(-(double)x)));
    double t = x == 0.0f ? fabs(rl_ftanh(x)) : rel(rl_ftanh(x), tanh((double)x));
    if (e > worst_exp) worst_exp = e, at_exp = x;
    if (s > worst_sig) worst_sig = s, at_sig = x;
    if (t > worst_tanh) worst_tanh = t, at_tanh = x;
  }
  /* small arguments, where tanh's series branch matters most */
  for (int k = -40; k <= 0; k++) {
    float x = ldexpf(1.0f, k);
    double t = rel(rl_ftanh(x), tanh((double)x));
    if (t > worst_tanh) worst_tanh = t, at_tanh = x;
  }
  printf("max relative error: exp %.3g (x=%g)  sigmoid %.3g (x=%g)  tanh %.3g (x=%g)\n", worst_exp, at_exp, worst_sig,
         at_sig, worst_tanh, at_tanh);
  CHECKF(worst_exp <= 4 * 5.97e-8, "exp error %g", worst_exp);
  CHECKF(worst_sig <= 4e-7, "sigmoid error %g", worst_sig);
  CHECKF(worst_tanh <= 4e-7, "tanh error %g", worst_tanh);
  /* limits and special values */
  CHECK(rl_ftanh(50.0f) == 1.0f && rl_ftanh(-50.0f) == -1.0f);
  CHECK(rl_fsigmoid(-100.0f) >= 0.0f && rl_fsigmoid(-100.0f) < 1e-37f);
  CHECK(rl_fsigmoid(100.0f) == 1.0f);
  CHECK(rl_ftanh(0.0f) == 0.0f);
  CHECK(rl_ftanh(INFINITY) == 1.0f && rl_ftanh(-INFINITY) == -1.0f);
  CHECK(isnan(rl_ftanh(NAN)) && isnan(rl_fsigmoid(NAN)) && isnan(rl_fexp(NAN)));
  return test_summary("test_fastmath");
}
