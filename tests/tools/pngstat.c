/* pngstat FILE: prints "WIDTHxHEIGHT COLOURS" (distinct RGB colours, capped at 100000) so the
 * shell tests can check a PNG's size and that it is not blank without python or ImageMagick.
 * Exit status 1 if the file cannot be read as an image. */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: pngstat FILE.png\n");
    return 2;
  }
  int w, h, n;
  unsigned char *px = stbi_load(argv[1], &w, &h, &n, 3);
  if (!px) {
    fprintf(stderr, "pngstat: %s: %s\n", argv[1], stbi_failure_reason());
    return 1;
  }
  size_t count = (size_t)w * h;
  unsigned *rgb = malloc(count * sizeof *rgb);
  if (!rgb) return 1;
  for (size_t i = 0; i < count; i++) rgb[i] = (unsigned)px[3 * i] << 16 | (unsigned)px[3 * i + 1] << 8 | px[3 * i + 2];
  qsort(rgb, count, sizeof *rgb, cmp);
  size_t distinct = count ? 1 : 0;
  for (size_t i = 1; i < count && distinct < 100000; i++) distinct += rgb[i] != rgb[i - 1];
  printf("%dx%d %zu\n", w, h, distinct);
  free(rgb);
  stbi_image_free(px);
  return 0;
}
