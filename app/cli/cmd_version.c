/* `rnnlab --version`: the version (engine/version.h) and where the data in use comes from, so a
 * teacher (or a test) can see that an installed copy reads its installed lessons and colour maps. */
#include "cli_args.h"
#include "commands.h"
#include "draw/colormap.h"
#include "host/files.h"
#include "version.h"
#include <stdio.h>

int cmd_version(int argc, char **argv) {
  (void)argc;
  (void)argv;
  printf("rnnlab %s\n", rl_version());
  for (int w = HOST_LESSONS; w <= HOST_ASSETS; w++) {
    char dir[4096];
    const char *how = NULL;
    rl_error err;
    if (host_data_dir((host_data)w, NULL, dir, sizeof dir, &how, &err) == 0)
      printf("%s: %s (%s)\n", host_data_name((host_data)w), dir, how);
    else
      printf("%s: not found: %s\n", host_data_name((host_data)w), err.msg);
  }
  fflush(stdout);
  cli_load_colormaps(); /* a failure is explained on stderr */
  for (int i = 0; i < COLORMAP_COUNT; i++) {
    const char *from = colormap_origin((colormap_id)i);
    printf("colour map %s: %s\n", colormap_name((colormap_id)i), from ? from : "built-in table");
  }
  return 0;
}
