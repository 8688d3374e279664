/* rnnlab statistics for the experiments: binomial confidence intervals, quartiles, a log-linear
 * fit, where a probability curve crosses one half, and how many decimals a spread deserves.
 * Pure C (no SDL, no engine state), so tests check it against published tables. */
#ifndef RNNLAB_STATS_H
#define RNNLAB_STATS_H

#define STATS_Z95 1.959963984540054 /* two-sided 95% quantile of the standard normal */

/* Wilson (1927) score interval for k successes in n trials (0 <= k <= n) at normal quantile z,
 * without continuity correction (method 3 of Newcombe 1998). n <= 0 or k out of range: [0, 1]. */
void stats_wilson(int k, int n, double z, double *lo, double *hi);

/* Quantile q (0..1) of the finite values among v[0..n): linear interpolation between order
 * statistics (Hyndman & Fan type 7, R's default and numpy's "linear"). NAN if none is finite. */
double stats_quantile(const double *v, int n, double q);

typedef struct {
  double q1, median, q3; /* NAN if no finite value */
  int n;                 /* finite values used */
} stats_quartiles;

stats_quartiles stats_quartiles_of(const double *v, int n);

/* Least-squares line y = a + b x over the points where both are finite: returns the slope b and
 * puts the coefficient of determination R^2 (1 = the line explains all the variance) in *r2 (if
 * non-NULL). NAN (both) if fewer than 2 points or x does not vary. */
double stats_slope(const double *x, const double *y, int n, double *r2);

/* Where a probability curve p(x) over increasing x (a grid of distances) first falls below 1/2,
 * and a grid interval for that place from the pointwise confidence intervals [ci_lo, ci_hi]:
 *   at       interpolated on a log-x scale between the last point with p >= 1/2 and the first
 *            with p < 1/2; x[0] if p(x[0]) < 1/2 already (below_first), NAN if p never falls
 *            below 1/2 on the grid (beyond_last)
 *   lo       the largest x up to which every interval lies above 1/2 (0 if x[0]'s does not)
 *   hi       the first x whose interval lies below 1/2 (INFINITY if none)
 * so the crossing lies in (lo, hi) wherever p is monotone. */
typedef struct {
  double at, lo, hi;
  int below_first, beyond_last;
} stats_crossing;

stats_crossing stats_half_crossing(const double *x, const double *p, const double *ci_lo, const double *ci_hi,
                                   int n);

/* Decimals that show a spread (an interquartile range or interval width) to its leading digit:
 * 0.03 -> 2, 0.3 -> 1, 4 -> 0. A zero or non-finite spread gives fallback. Clamped to 0..6. */
int stats_decimals(double spread, int fallback);

#endif
