#define _POSIX_C_SOURCE 200809L
#include "testutil.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int test_failures = 0;
int test_checks = 0;

int test_close(double a, double b, double rtol, double atol) {
  if (isnan(a) || isnan(b)) return 0;
  double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
  return fabs(a - b) <= atol + rtol * scale;
}

int test_summary(const char *name) {
  printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
  if (test_checks == 0) { fprintf(stderr, "%s: no checks ran\n", name); return 1; }
  return test_failures ? 1 : 0;
}

const char *fixture_path(const char *rel) {
  static char buf[4096];
#ifdef RNNLAB_FIXTURES
  snprintf(buf, sizeof buf, "%s/%s", RNNLAB_FIXTURES, rel);
#else
  snprintf(buf, sizeof buf, "tests/fixtures/%s", rel);
#endif
  return buf;
}

const char *test_tmpdir(void) {
  static char buf[256];
  if (!buf[0]) {
    const char *base = getenv("TMPDIR");
    snprintf(buf, sizeof buf, "%s/rnnlab-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(buf)) { perror("mkdtemp"); exit(2); }
  }
  return buf;
}
