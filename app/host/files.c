/* Where files live on the desktop (files.h). */
#include "files.h"
#include <stdlib.h>
#include <sys/stat.h>

const char *host_assets_dir(void) { return RNNLAB_SOURCE_ASSETS; }

const char *host_lessons_dir(const char *given) {
  if (given) return given;
  const char *env = getenv("RNNLAB_LESSONS");
  if (env && *env) return env;
  struct stat st;
  if (stat("lessons", &st) == 0 && S_ISDIR(st.st_mode)) return "lessons";
  return RNNLAB_SOURCE_LESSONS;
}
