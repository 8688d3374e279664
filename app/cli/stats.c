/* rnnlab statistics for the experiments (see stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void stats_wilson(int k, int n, double z, double *lo, double *hi) {
  *lo = 0;
  *hi = 1;
  if (n <= 0 || k < 0 || k > n) return;
  /* centre (p + z^2/2n) / (1 + z^2/n), half-width z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n) */
  double p = (double)k / n, z2 = z * z, d = 1 + z2 / n;
  double c = (p + z2 / (2.0 * n)) / d, h = z * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / d;
  *lo = k == 0 ? 0.0 : fmax(0.0, c - h);
  *hi = k == n ? 1.0 : fmin(1.0, c + h);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* the finite values of v, sorted, in a new array; *m gets their count */
static double *sorted_finite(const double *v, int n, int *m) {
  *m = 0;
  double *s = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
  if (!s) return NULL;
  for (int i = 0; i < n; i++)
    if (isfinite(v[i])) s[(*m)++] = v[i];
  qsort(s, (size_t)*m, sizeof *s, cmp_double);
  return s;
}

static double quantile_sorted(const double *s, int m, double q) {
  if (m <= 0) return NAN;
  if (q <= 0) return s[0];
  if (q >= 1) return s[m - 1];
  double h = (m - 1) * q;
  int i = (int)floor(h);
  return i + 1 < m ? s[i] + (h - i) * (s[i + 1] - s[i]) : s[i];
}

double stats_quantile(const double *v, int n, double q) {
  int m;
  double *s = sorted_finite(v, n, &m);
  double r = s ? quantile_sorted(s, m, q) : NAN;
  free(s);
  return r;
}

stats_quartiles stats_quartiles_of(const double *v, int n) {
  stats_quartiles r = {NAN, NAN, NAN, 0};
  int m;
  double *s = sorted_finite(v, n, &m);
  if (s && m > 0) {
    r.q1 = quantile_sorted(s, m, 0.25);
    r.median = quantile_sorted(s, m, 0.5);
    r.q3 = quantile_sorted(s, m, 0.75);
    r.n = m;
  }
  free(s);
  return r;
}

double stats_slope(const double *x, const double *y, int n, double *r2) {
  double sx = 0, sy = 0;
  int m = 0;
  if (r2) *r2 = NAN;
  for (int i = 0; i < n; i++)
    if (isfinite(x[i]) && isfinite(y[i])) sx += x[i], sy += y[i], m++;
  if (m < 2) return NAN;
  double mx = sx / m, my = sy / m, sxx = 0, sxy = 0, syy = 0;
  for (int i = 0; i < n; i++) {
    if (!isfinite(x[i]) || !isfinite(y[i])) continue;
    double dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return NAN;
  if (r2) *r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 1.0;
  return sxy / sxx;
}

stats_crossing stats_half_crossing(const double *x, const double *p, const double *ci_lo, const double *ci_hi,
                                   int n) {
  stats_crossing c = {NAN, 0, INFINITY, 0, 0};
  int first_below = -1;
  for (int i = 0; i < n && first_below < 0; i++)
    if (p[i] < 0.5) first_below = i;
  if (first_below < 0) {
    c.beyond_last = 1;
  } else if (first_below == 0) {
    c.below_first = 1;
    c.at = x[0];
  } else {
    int a = first_below - 1, b = first_below;
    double t = (p[a] - 0.5) / (p[a] - p[b]);
    c.at = exp(log(x[a]) + t * (log(x[b]) - log(x[a])));
  }
  for (int i = 0; i < n && ci_lo[i] > 0.5; i++) c.lo = x[i];
  for (int i = 0; i < n; i++)
    if (ci_hi[i] < 0.5) {
      c.hi = x[i];
      break;
    }
  return c;
}

int stats_decimals(double spread, int fallback) {
  int d = fallback;
  if (isfinite(spread) && spread > 0) d = (int)floor(-log10(spread)) + 1;
  return d < 0 ? 0 : d > 6 ? 6 : d;
}
