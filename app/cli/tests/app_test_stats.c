/* stats: the Wilson score interval against published values, quartiles against numpy's
 * definition, the log-linear slope, the one-half crossing of a solve-rate curve and the decimals
 * rule the experiments use to print median [IQR]. */
#include "cli/stats.h"
#include "testutil.h"
#include <math.h>

/* Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion: comparison of
 * seven methods. Statistics in Medicine 17, 857-872. Table I, method 3 (Wilson score interval
 * without continuity correction), 95%, printed to 4 decimals: the tolerance is half a unit in the
 * 4th decimal (5e-5), plus 1e-9 for the float formatting of the bound itself. The same values
 * follow from Wilson (1927), eq. for the limits of p, with z = 1.959964. */
static void test_wilson_published(void) {
  static const struct {
    int k, n;
    double lo, hi;
  } T[] = {{81, 263, 0.2553, 0.3662}, {15, 148, 0.0624, 0.1605}, {0, 20, 0.0000, 0.1611}, {1, 29, 0.0061, 0.1718}};
  for (unsigned i = 0; i < sizeof T / sizeof *T; i++) {
    double lo, hi;
    stats_wilson(T[i].k, T[i].n, STATS_Z95, &lo, &hi);
    CHECKF(fabs(lo - T[i].lo) <= 5e-5 + 1e-9 && fabs(hi - T[i].hi) <= 5e-5 + 1e-9, "%d/%d: [%.5f, %.5f], want [%.4f, %.4f]",
           T[i].k, T[i].n, lo, hi, T[i].lo, T[i].hi);
  }
}

/* The values the horizon experiment meets with 10 seeds, computed independently from the closed
 * form with Python's math module (p = k/n, c = (p + z^2/2n)/(1 + z^2/n),
 * h = z sqrt(p(1-p)/n + z^2/4n^2)/(1 + z^2/n)), rounded to 4 decimals. */
static void test_wilson_ten_seeds(void) {
  static const double LO[11] = {0, 0.0179, 0.0567, 0.1078, 0.1682, 0.2366, 0.3127, 0.3968, 0.4902, 0.5958, 0.7225};
  for (int k = 0; k <= 10; k++) {
    double lo, hi, lo2, hi2;
    stats_wilson(k, 10, STATS_Z95, &lo, &hi);
    stats_wilson(10 - k, 10, STATS_Z95, &lo2, &hi2);
    CHECKF(fabs(lo - LO[k]) <= 5e-5 + 1e-9, "%d/10: low %.5f, want %.4f", k, lo, LO[k]);
    /* the interval of k failures mirrors the interval of k successes (to rounding) */
    CHECKF(fabs(hi - (1 - lo2)) <= 1e-12, "%d/10: high %.6f, 1 - low(%d/10) %.6f", k, hi, 10 - k, 1 - lo2);
    CHECK(lo <= k / 10.0 && k / 10.0 <= hi);
  }
  double lo, hi;
  stats_wilson(3, 0, STATS_Z95, &lo, &hi); /* nothing measured: the whole range */
  CHECK(lo == 0 && hi == 1);
  stats_wilson(50, 100, 0, &lo, &hi); /* z = 0: the point estimate */
  CHECK(fabs(lo - 0.5) < 1e-12 && fabs(hi - 0.5) < 1e-12);
}

/* numpy.quantile(v, q) (method "linear"): [1, 2, 3, 4] -> 1.75, 2.5, 3.25; NaNs are skipped. */
static void test_quartiles(void) {
  double v[] = {4, NAN, 1, 3, 2};
  stats_quartiles q = stats_quartiles_of(v, 5);
  CHECKF(q.n == 4 && fabs(q.q1 - 1.75) < 1e-12 && fabs(q.median - 2.5) < 1e-12 && fabs(q.q3 - 3.25) < 1e-12,
         "n %d, %g %g %g", q.n, q.q1, q.median, q.q3);
  double one[] = {0.7};
  q = stats_quartiles_of(one, 1);
  CHECK(q.n == 1 && q.q1 == 0.7 && q.median == 0.7 && q.q3 == 0.7);
  CHECK(fabs(stats_quantile(v, 5, 0.9) - 3.7) < 1e-12);
  double none[] = {NAN, INFINITY};
  q = stats_quartiles_of(none, 2);
  CHECK(q.n == 0 && isnan(q.median));
}

static void test_slope(void) {
  double x[] = {1, 2, 3, 4, 5}, y[5], r2;
  for (int i = 0; i < 5; i++) y[i] = log(0.8) * x[i] + 2; /* a per-step factor of 0.8 */
  CHECK(fabs(exp(stats_slope(x, y, 5, &r2)) - 0.8) < 1e-12 && fabs(r2 - 1) < 1e-12);
  y[2] = NAN; /* skipped, not fatal */
  CHECK(fabs(exp(stats_slope(x, y, 5, NULL)) - 0.8) < 1e-12);
  CHECK(isnan(stats_slope(x, y, 1, &r2)) && isnan(r2));
  /* y = 0, 1, 0, 1 against 1..4: Sxy = 1, Sxx = 5, Syy = 1, so slope 0.2 and R^2 = 1/(5*1) = 0.2 */
  double a[] = {1, 2, 3, 4}, b[] = {0, 1, 0, 1};
  CHECK(fabs(stats_slope(a, b, 4, &r2) - 0.2) < 1e-12 && fabs(r2 - 0.2) < 1e-12);
}

static void fill_ci(const double *p, int n, int seeds, double *lo, double *hi) {
  for (int i = 0; i < n; i++) stats_wilson((int)lround(p[i] * seeds), seeds, STATS_Z95, &lo[i], &hi[i]);
}

/* Solve rates over 10 seeds at distances 5..100: falls through 1/2 between 10 (0.8) and 20 (0.2),
 * halfway on a log scale at sqrt(200) = 14.14. 9/10 has a Wilson interval above 1/2 (0.5958), 8/10
 * not (0.4902); 1/10 lies below 1/2 (0.4042), 2/10 not (0.5098). */
static void test_crossing(void) {
  double x[] = {5, 10, 20, 50, 100}, lo[5], hi[5];
  double p[] = {1.0, 0.8, 0.2, 0.1, 0.0};
  fill_ci(p, 5, 10, lo, hi);
  stats_crossing c = stats_half_crossing(x, p, lo, hi, 5);
  CHECKF(fabs(c.at - sqrt(200.0)) < 1e-9 && c.lo == 5 && c.hi == 50 && !c.below_first && !c.beyond_last,
         "at %g in (%g, %g)", c.at, c.lo, c.hi);
  double never[] = {1, 1, 0.9, 0.6, 0.5}; /* 0.5 is not below one half */
  fill_ci(never, 5, 10, lo, hi);
  c = stats_half_crossing(x, never, lo, hi, 5);
  CHECK(c.beyond_last && isnan(c.at) && c.lo == 20 && isinf(c.hi));
  double at_once[] = {0.3, 0.1, 0, 0, 0};
  fill_ci(at_once, 5, 10, lo, hi);
  c = stats_half_crossing(x, at_once, lo, hi, 5);
  CHECK(c.below_first && c.at == 5 && c.lo == 0 && c.hi == 10);
}

static void test_decimals(void) {
  CHECK(stats_decimals(0.03, 3) == 2);
  CHECK(stats_decimals(0.3, 3) == 1);
  CHECK(stats_decimals(0.0099, 3) == 3);
  CHECK(stats_decimals(4.0, 3) == 0);
  CHECK(stats_decimals(0, 3) == 3 && stats_decimals(NAN, 2) == 2);
  CHECK(stats_decimals(1e-12, 3) == 6);
}

int main(void) {
  test_wilson_published();
  test_wilson_ten_seeds();
  test_quartiles();
  test_slope();
  test_crossing();
  test_decimals();
  return test_summary("app_test_stats");
}
