/* Small shared helpers for the ctest executables: every failed check is counted and
 * printed with file:line, and test_summary() returns non-zero if anything failed. */
#ifndef RNNLAB_TESTUTIL_H
#define RNNLAB_TESTUTIL_H
#include <stdio.h>

extern int test_failures;
extern int test_checks;

#define CHECK(cond) do { test_checks++; if (!(cond)) { test_failures++; \
  fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECKF(cond, ...) do { test_checks++; if (!(cond)) { test_failures++; \
  fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
  fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* |a-b| <= atol + rtol*max(|a|,|b|) */
int test_close(double a, double b, double rtol, double atol);
/* Prints "N checks, M failed" and returns the process exit code. */
int test_summary(const char *name);
/* Path inside tests/fixtures (static buffer). */
const char *fixture_path(const char *rel);
/* A fresh temporary directory for this test (static buffer). */
const char *test_tmpdir(void);
#endif
