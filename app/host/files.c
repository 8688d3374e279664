/* Where files live on the desktop (files.h): the data folder lookup. */
#define _DEFAULT_SOURCE /* realpath */
#include "files.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RNNLAB_SOURCE_DATA
#error "RNNLAB_SOURCE_DATA must name the source tree (the folder holding lessons/ and assets/)"
#endif

const char *host_data_name(host_data what) { return what == HOST_ASSETS ? "assets" : "lessons"; }

/* What one candidate folder is: 0 usable, else the reason it is not (into why). */
static int check_dir(const char *path, char *why, size_t n) {
  struct stat st;
  if (stat(path, &st) != 0) {
    snprintf(why, n, "%s", strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    snprintf(why, n, "not a folder");
    return -1;
  }
  return 0;
}

/* The folder holding the running executable (symbolic links resolved), or "" if unknown. */
static void exe_dir(char *out, size_t n) {
  char buf[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", buf, sizeof buf - 1);
  out[0] = 0;
  if (len <= 0) return;
  buf[len] = 0;
  char *slash = strrchr(buf, '/');
  if (!slash) return;
  *slash = 0;
  snprintf(out, n, "%s", buf);
}

typedef struct {
  const char *how;
  char path[PATH_MAX];
  char skip[96]; /* non-empty: not looked at, and why */
} candidate;

/* The places to look, in order (files.h). Returns how many. */
static int candidates(host_data what, const char *given, candidate c[3]) {
  const char *name = host_data_name(what);
  memset(c, 0, 3 * sizeof *c);
  const char *data = getenv("RNNLAB_DATA");
  if (given && what == HOST_LESSONS) {
    c[0].how = "--lessons";
    snprintf(c[0].path, sizeof c[0].path, "%s", given);
    return 1;
  }
  if (data && *data) {
    c[0].how = "RNNLAB_DATA";
    snprintf(c[0].path, sizeof c[0].path, "%s/%s", data, name);
    return 1;
  }
  char dir[PATH_MAX];
  exe_dir(dir, sizeof dir);
  c[0].how = "next to the executable";
  if (dir[0]) snprintf(c[0].path, sizeof c[0].path, "%.*s/../share/rnnlab/%s", PATH_MAX - 32, dir, name);
  else snprintf(c[0].skip, sizeof c[0].skip, "the executable's folder is unknown (no /proc/self/exe)");
  c[1].how = "the source tree";
  snprintf(c[1].path, sizeof c[1].path, "%s/%s", RNNLAB_SOURCE_DATA, name);
  const char *nosrc = getenv("RNNLAB_NO_SOURCE_DATA");
  if (nosrc && *nosrc && strcmp(nosrc, "0") != 0)
    snprintf(c[1].skip, sizeof c[1].skip, "skipped: RNNLAB_NO_SOURCE_DATA is set");
  return 2;
}

int host_data_dir(host_data what, const char *given, char *out, size_t n, const char **how, rl_error *err) {
  candidate c[3];
  int nc = candidates(what, given, c);
  char looked[sizeof err->msg] = "";
  size_t used = 0;
  if (strcmp(c[0].how, "--lessons") && strcmp(c[0].how, "RNNLAB_DATA"))
    used = (size_t)snprintf(looked, sizeof looked, " %s (not set);", what == HOST_LESSONS ? "--lessons, RNNLAB_DATA" : "RNNLAB_DATA");
  for (int i = 0; i < nc; i++) {
    char why[128];
    if (!c[i].skip[0] && check_dir(c[i].path, why, sizeof why) == 0) {
      char real[PATH_MAX];
      snprintf(out, n, "%s", realpath(c[i].path, real) ? real : c[i].path);
      if (how) *how = c[i].how;
      return 0;
    }
    int w = snprintf(looked + used, sizeof looked - used, "%s %s (%s: %s)", i ? ";" : "", c[i].path[0] ? c[i].path : "?",
                     c[i].how, c[i].skip[0] ? c[i].skip : why);
    if (w > 0) used += (size_t)w < sizeof looked - used ? (size_t)w : sizeof looked - used - 1;
  }
  return rl_fail(err, "cannot find the %s folder; looked in:%s", host_data_name(what), looked);
}

void host_offer_file(const char *path) { (void)path; } /* it is in the folder the notice names */
