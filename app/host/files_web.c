/* Where files live in the browser (files.h): the packaged data (build-web/rnnlab.data, mounted at
 * RNNLAB_WEB_DATA, "/data"), and exports handed to the browser as downloads. Model files come in
 * through the page's file picker or a drop on the canvas: the page writes them into the in-memory
 * file system and calls rnnlab_web_open (below), which the program sees as a dropped file. */
#include "files.h"
#include <SDL2/SDL.h>
#include <emscripten.h>
#include <stdlib.h>

#ifndef RNNLAB_WEB_DATA
#define RNNLAB_WEB_DATA "/data"
#endif

const char *host_assets_dir(void) { return RNNLAB_WEB_DATA "/assets"; }

const char *host_lessons_dir(const char *given) {
  if (given) return given;
  return RNNLAB_WEB_DATA "/lessons";
}

/* The file, read from the in-memory file system, as a download named after its last part. */
EM_JS(void, web_download, (const char *cpath), {
  var path = UTF8ToString(cpath);
  var data;
  try { data = FS.readFile(path); } catch (e) { console.warn('rnnlab: cannot read ' + path); return; }
  var name = path.split('/').pop();
  var type = /[.]png$/i.test(name) ? 'image/png' : /[.]csv$/i.test(name) ? 'text/csv' : 'application/octet-stream';
  var url = URL.createObjectURL(new Blob([data], {type: type}));
  var a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function() { URL.revokeObjectURL(url); }, 10000);
  if (Module.onDownload) Module.onDownload(name, data.length);
});

void host_offer_file(const char *path) {
  if (path && *path) web_download(path);
}

/* Called by the page when a file was chosen or dropped and written to `path`. */
EMSCRIPTEN_KEEPALIVE void rnnlab_web_open(const char *path) {
  SDL_Event ev;
  SDL_zero(ev);
  ev.type = SDL_DROPFILE;
  ev.drop.file = SDL_strdup(path);
  if (ev.drop.file && SDL_PushEvent(&ev) != 1) SDL_free(ev.drop.file);
}
