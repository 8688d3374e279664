/* rnnlab corpus: streaming UTF-8 validation, vocabulary counting and encoding (see corpus.h). */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include "corpus.h"
#include "fileio.h"
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1 << 16)
#define MAX_TOKENS_LIMIT ((int64_t)1 << 28)
#define ARENA_LIMIT ((size_t)16 << 20) /* bytes of distinct token text counted */
#define SLOTS (2 * RL_CORPUS_MAX_TYPES)  /* open-addressing table, power of two, at most */

rl_corpus_opts rl_corpus_default_opts(void) {
  rl_corpus_opts o;
  o.level = RL_VOCAB_WORD;
  o.max_vocab = 10000;
  o.max_tokens = 0;
  o.holdout = 0.1f;
  o.chunk = 0;
  return o;
}

/* ---- input: a file or a memory buffer, read in chunks ---- */
typedef struct {
  FILE *f;
  int64_t size; /* of the file */
  const char *mem;
  size_t len, pos;
} source;

/* Returns bytes read (0 at end), or -1 on a read error. */
static long source_read(source *s, unsigned char *buf, size_t cap) {
  if (s->f) {
    size_t n = fread(buf, 1, cap, s->f);
    if (n == 0 && ferror(s->f)) return -1;
    return (long)n;
  }
  size_t n = s->len - s->pos;
  if (n > cap) n = cap;
  memcpy(buf, s->mem + s->pos, n);
  s->pos += n;
  return (long)n;
}

static int source_rewind(source *s) {
  if (s->f) {
    if (fseek(s->f, 0, SEEK_SET) != 0) return -1;
    clearerr(s->f);
    return 0;
  }
  s->pos = 0;
  return 0;
}

/* ---- counting table: token bytes -> count / id ---- */
typedef struct {
  size_t off;
  int len;
  int id;
  int64_t count;
} entry;

typedef struct {
  uint32_t *slots; /* [nslots], entry index + 1, 0 = empty */
  size_t nslots;   /* a power of two; at most half of the slots are used */
  entry *e;
  int n, cap;
  char *arena;
  size_t arena_len, arena_cap;
} table;

static uint64_t hash_bytes(const char *p, int n) {
  uint64_t h = 1469598103934665603ULL;
  for (int i = 0; i < n; i++) {
    h ^= (unsigned char)p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* Index of the entry, or -1. If add and absent and there is room, inserts it (count 0). */
static int table_lookup(table *t, const char *p, int n, int add) {
  uint64_t h = hash_bytes(p, n);
  size_t mask = t->nslots - 1, i = (size_t)h & mask;
  for (;;) {
    uint32_t s = t->slots[i];
    if (s == 0) break;
    entry *e = &t->e[s - 1];
    if (e->len == n && memcmp(t->arena + e->off, p, (size_t)n) == 0) return (int)(s - 1);
    i = (i + 1) & mask;
  }
  if (!add || (size_t)t->n >= t->nslots / 2) return -1;
  if (t->arena_len + (size_t)n > ARENA_LIMIT) return -1;
  if (t->n == t->cap) {
    int nc = t->cap ? 2 * t->cap : 1024;
    entry *ne = realloc(t->e, (size_t)nc * sizeof *ne);
    if (!ne) return -2;
    t->e = ne;
    t->cap = nc;
  }
  if (t->arena_len + (size_t)n > t->arena_cap) {
    size_t nc = t->arena_cap ? 2 * t->arena_cap : 65536;
    while (nc < t->arena_len + (size_t)n) nc *= 2;
    char *na = realloc(t->arena, nc);
    if (!na) return -2;
    t->arena = na;
    t->arena_cap = nc;
  }
  memcpy(t->arena + t->arena_len, p, (size_t)n);
  entry *e = &t->e[t->n];
  e->off = t->arena_len;
  e->len = n;
  e->id = -1;
  e->count = 0;
  t->arena_len += (size_t)n;
  t->slots[i] = (uint32_t)(t->n + 1);
  return t->n++;
}

static void table_free(table *t) {
  free(t->slots);
  free(t->e);
  free(t->arena);
}

/* ---- the scanner shared by both passes ---- */
typedef struct {
  const char *name;
  rl_vocab_level level;
  int pass;            /* 1: validate and count, 2: encode */
  int64_t max_tokens;
  int chunk;           /* bytes per read */
  table *tab;
  /* results */
  int64_t ntok;        /* tokens emitted (pass 1: counted; pass 2: encoded) */
  int64_t unk;         /* tokens without a table entry (pass 1) or mapped to <unk> (pass 2) */
  int truncated;
  int64_t bytes;
  uint64_t hash;       /* pass 1: FNV-1a of the bytes consumed */
  int32_t *ids;        /* pass 2 output */
  int unk_id;
  int oom;
} scanner;

/* Returns 1 to go on, 0 to stop (max_tokens reached), -2 on out of memory. */
static int emit(scanner *sc, const char *p, int n, int too_long) {
  if (sc->ntok >= sc->max_tokens) {
    sc->truncated = 1;
    return 0;
  }
  /* the word "<unk>" in the text (Penn Treebank, WikiText) is the unknown token itself */
  int literal_unk = sc->level == RL_VOCAB_WORD && n == 5 && memcmp(p, "<unk>", 5) == 0;
  int idx = too_long || literal_unk ? -1 : table_lookup(sc->tab, p, n, sc->pass == 1);
  if (idx == -2) return -2;
  if (sc->pass == 1) {
    if (idx >= 0) sc->tab->e[idx].count++;
    else sc->unk++;
  } else {
    int id = idx >= 0 ? sc->tab->e[idx].id : -1;
    if (id < 0) {
      id = sc->unk_id;
      sc->unk++;
    }
    sc->ids[sc->ntok] = id; /* unk_id >= 0 whenever some token lacks an id (see build_vocab) */
  }
  sc->ntok++;
  return 1;
}

static int is_space(uint32_t cp) { return cp == ' ' || (cp >= 9 && cp <= 13); }

static int scan(scanner *sc, source *src, rl_error *err) {
  unsigned char *buf = malloc((size_t)sc->chunk);
  if (!buf) return rl_fail(err, "out of memory reading %s", sc->name);
  int need = 0, nb = 0;
  uint32_t cp = 0, minv = 0;
  unsigned char seq[4];
  int64_t off = 0, seq_start = 0, line = 1, seq_line = 1;
  char word[RL_CORPUS_MAX_WORD + 4];
  int wlen = 0, too_long = 0;
  int rc = 0, stop = 0;
  for (;;) {
    long got = source_read(src, buf, (size_t)sc->chunk);
    if (got < 0) {
      rc = rl_fail(err, "cannot read %s: %s", sc->name, strerror(errno));
      goto done;
    }
    if (got == 0) break;
    int64_t chunk_off = off;
    for (long i = 0; i < got; i++, off++) {
      unsigned char c = buf[i];
      if (c == 0) {
        rc = rl_fail(err, "%s looks like a binary file (NUL byte at byte offset %lld, line %lld); "
                     "rnnlab reads UTF-8 text", sc->name, (long long)off, (long long)line);
        goto done;
      }
      if (need == 0) {
        seq_start = off;
        seq_line = line;
        nb = 0;
        seq[nb++] = c;
        if (c < 0x80) { cp = c; need = 0; }
        else if (c >= 0xC2 && c <= 0xDF) { cp = c & 0x1F; need = 1; minv = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { cp = c & 0x0F; need = 2; minv = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { cp = c & 0x07; need = 3; minv = 0x10000; }
        else goto bad;
        if (need) continue;
      } else {
        seq[nb++] = c;
        if ((c & 0xC0) != 0x80) goto bad;
        cp = (cp << 6) | (c & 0x3F);
        if (--need) continue;
        if (cp < minv || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto bad;
      }
      /* a complete code point cp, bytes seq[0..nb) */
      if (c == '\n') line++;
      if (cp == 0xFEFF && seq_start == 0) continue; /* byte-order mark */
      if (sc->level == RL_VOCAB_CHAR) {
        if (cp == '\r') continue;
        int r = emit(sc, (const char *)seq, nb, 0);
        if (r == -2) goto oom;
        if (r == 0) { stop = 1; break; }
      } else if (is_space(cp)) {
        if (wlen > 0 || too_long) {
          int r = emit(sc, word, wlen, too_long);
          if (r == -2) goto oom;
          if (r == 0) { stop = 1; break; }
        }
        wlen = 0;
        too_long = 0;
      } else if (!too_long) {
        if (wlen + nb > RL_CORPUS_MAX_WORD) too_long = 1;
        else { memcpy(word + wlen, seq, (size_t)nb); wlen += nb; }
      }
      continue;
    bad:
      {
        char hex[32] = "";
        for (int k = 0; k < nb; k++) snprintf(hex + 5 * k, sizeof hex - 5 * (size_t)k, " 0x%02X", seq[k]);
        rc = rl_fail(err, "%s is not valid UTF-8: bad byte sequence%s at byte offset %lld (line %lld); "
                     "convert the file to UTF-8 (e.g. with iconv) first", sc->name, hex,
                     (long long)seq_start, (long long)seq_line);
      }
      goto done;
    }
    for (int64_t k = 0; sc->pass == 1 && k < off - chunk_off; k++) sc->hash = (sc->hash ^ buf[k]) * 0x100000001b3ULL;
    if (stop) break;
  }
  if (!stop) {
    if (need) {
      rc = rl_fail(err, "%s is not valid UTF-8: truncated multi-byte sequence at byte offset %lld "
                   "(line %lld) at the end of the file", sc->name, (long long)seq_start,
                   (long long)seq_line);
      goto done;
    }
    if (sc->level == RL_VOCAB_WORD && (wlen > 0 || too_long)) {
      int r = emit(sc, word, wlen, too_long);
      if (r == -2) goto oom;
    }
  }
  sc->bytes = off;
  goto done;
oom:
  rc = rl_fail(err, "out of memory while reading %s", sc->name);
done:
  free(buf);
  return rc;
}

/* ---- vocabulary ---- */
typedef struct {
  const char *p;
  int len;
  int idx;
  int64_t count;
} sort_key;

static int cmp_bytes(const sort_key *x, const sort_key *y) {
  int n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->p, y->p, (size_t)n);
  if (c) return c;
  return x->len - y->len;
}
static int by_count(const void *a, const void *b) {
  const sort_key *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return cmp_bytes(x, y);
}
static int by_bytes(const void *a, const void *b) { return cmp_bytes(a, b); }

static char *dup_bytes(const char *p, int n) {
  char *s = malloc((size_t)n + 1);
  if (s) {
    memcpy(s, p, (size_t)n);
    s[n] = 0;
  }
  return s;
}

static int build_vocab(rl_corpus *c, table *t, int max_vocab, int64_t unk_seen, rl_error *err) {
  sort_key *order = malloc((size_t)(t->n ? t->n : 1) * sizeof *order);
  if (!order) return rl_fail(err, "out of memory building the vocabulary of %s", c->source);
  for (int i = 0; i < t->n; i++) {
    order[i].p = t->arena + t->e[i].off;
    order[i].len = t->e[i].len;
    order[i].idx = i;
    order[i].count = t->e[i].count;
  }
  qsort(order, (size_t)t->n, sizeof *order, by_count);
  int keep = t->n < max_vocab ? t->n : max_vocab;
  int need_unk = c->level == RL_VOCAB_WORD || keep < t->n || unk_seen > 0;
  /* UTF-8 byte order is code point order */
  if (c->level == RL_VOCAB_CHAR) qsort(order, (size_t)keep, sizeof *order, by_bytes);
  c->vocab = keep + (need_unk ? 1 : 0);
  c->tokens = calloc((size_t)c->vocab, sizeof *c->tokens);
  if (!c->tokens) { free(order); return rl_fail(err, "out of memory building the vocabulary"); }
  int base = 0;
  c->unk = -1;
  if (need_unk) {
    c->unk = c->level == RL_VOCAB_WORD ? 0 : keep;
    if (c->level == RL_VOCAB_WORD) base = 1;
    c->tokens[c->unk] = dup_bytes("<unk>", 5);
    if (!c->tokens[c->unk]) { free(order); return rl_fail(err, "out of memory"); }
  }
  for (int k = 0; k < keep; k++) {
    t->e[order[k].idx].id = base + k;
    c->tokens[base + k] = dup_bytes(order[k].p, order[k].len);
    if (!c->tokens[base + k]) { free(order); return rl_fail(err, "out of memory"); }
  }
  free(order);
  return 0;
}

void rl_corpus_free(rl_corpus *c) {
  if (!c) return;
  if (c->tokens)
    for (int i = 0; i < c->vocab; i++) free(c->tokens[i]);
  free(c->tokens);
  free(c->ids);
  free(c);
}

static int corpus_build(source *src, const char *name, const rl_corpus_opts *opts_in, rl_corpus **out,
                        rl_error *err) {
  rl_corpus_opts opts = opts_in ? *opts_in : rl_corpus_default_opts();
  *out = NULL;
  if (opts.level != RL_VOCAB_CHAR && opts.level != RL_VOCAB_WORD)
    return rl_fail(err, "corpus level must be char or word");
  if (opts.max_vocab < 1 || opts.max_vocab >= RL_MAX_VOCAB)
    return rl_fail(err, "max vocabulary %d out of range (1..%d)", opts.max_vocab, RL_MAX_VOCAB - 1);
  if (opts.max_tokens == 0) opts.max_tokens = RL_CORPUS_DEFAULT_MAX_TOKENS;
  if (opts.max_tokens < 2 || opts.max_tokens > MAX_TOKENS_LIMIT)
    return rl_fail(err, "max tokens %lld out of range (2..%lld)", (long long)opts.max_tokens,
                   (long long)MAX_TOKENS_LIMIT);
  if (opts.chunk == 0) opts.chunk = CHUNK;
  if (opts.chunk < 1 || opts.chunk > (1 << 24)) return rl_fail(err, "read size %d out of range (1..%d)", opts.chunk, 1 << 24);
  if (!(opts.holdout >= 0.0f && opts.holdout <= 0.5f))
    return rl_fail(err, "held-out fraction %g out of range (0..0.5)", (double)opts.holdout);

  rl_corpus *c = calloc(1, sizeof *c);
  table t = {0};
  /* a text of n bytes has at most n distinct tokens: a small text gets a small table */
  t.nslots = 64;
  while (t.nslots < SLOTS && (src->f ? src->size < 0 || (uint64_t)src->size >= t.nslots / 2 : src->len >= t.nslots / 2))
    t.nslots *= 2;
  t.slots = calloc(t.nslots, sizeof *t.slots);
  if (!c || !t.slots) {
    free(c);
    table_free(&t);
    return rl_fail(err, "out of memory loading %s", name);
  }
  snprintf(c->source, sizeof c->source, "%s", name);
  c->level = opts.level;

  scanner sc = {0};
  sc.name = name;
  sc.level = opts.level;
  sc.pass = 1;
  sc.max_tokens = opts.max_tokens;
  sc.chunk = opts.chunk;
  sc.tab = &t;
  sc.hash = 0xcbf29ce484222325ULL;
  if (scan(&sc, src, err) != 0) goto fail;
  if (sc.bytes == 0) { rl_fail(err, "%s is empty", name); goto fail; }
  if (sc.ntok == 0) {
    rl_fail(err, "%s contains no %s (only whitespace)", name,
            opts.level == RL_VOCAB_WORD ? "words" : "characters");
    goto fail;
  }
  if (build_vocab(c, &t, opts.max_vocab, sc.unk, err) != 0) goto fail;

  size_t bytes;
  if (rl_mul_size((size_t)sc.ntok, sizeof(int32_t), &bytes) != 0 || !(c->ids = malloc(bytes))) {
    rl_fail(err, "out of memory for %lld token ids of %s", (long long)sc.ntok, name);
    goto fail;
  }
  int64_t counted = sc.ntok;
  c->truncated = sc.truncated;
  if (source_rewind(src) != 0) { rl_fail(err, "cannot rewind %s: %s", name, strerror(errno)); goto fail; }
  scanner s2 = {0};
  s2.name = name;
  s2.level = opts.level;
  s2.pass = 2;
  s2.max_tokens = counted;
  s2.chunk = opts.chunk;
  s2.tab = &t;
  s2.ids = c->ids;
  s2.unk_id = c->unk;
  if (scan(&s2, src, err) != 0) goto fail;
  if (s2.ntok != counted) {
    rl_fail(err, "%s changed while it was being read (%lld tokens, then %lld)", name,
            (long long)counted, (long long)s2.ntok);
    goto fail;
  }
  c->n = counted;
  c->unk_count = s2.unk;
  c->bytes_read = sc.bytes;
  c->hash = sc.hash;
  c->file_size = src->f ? src->size : (int64_t)src->len;
  c->ntrain = c->n - (int64_t)((double)c->n * (double)opts.holdout);
  table_free(&t);
  *out = c;
  return 0;
fail:
  table_free(&t);
  rl_corpus_free(c);
  return -1;
}

int rl_corpus_load(const char *path, const rl_corpus_opts *opts, rl_corpus **out, rl_error *err) {
  if (out) *out = NULL;
  if (!path || !*path) return rl_fail(err, "no text file given");
  if (!out) return rl_fail(err, "rl_corpus_load: no output");
  FILE *f = rl_open_regular(path, err);
  if (!f) return -1;
  struct stat st;
  source s = {f, fstat(fileno(f), &st) == 0 ? (int64_t)st.st_size : -1, NULL, 0, 0};
  int rc = corpus_build(&s, path, opts, out, err);
  fclose(f);
  return rc;
}

int rl_corpus_from_text(const char *text, size_t len, const char *name, const rl_corpus_opts *opts,
                        rl_corpus **out, rl_error *err) {
  if (out) *out = NULL;
  if (!out || (!text && len)) return rl_fail(err, "rl_corpus_from_text: bad arguments");
  source s = {NULL, 0, text ? text : "", len, 0};
  return corpus_build(&s, name ? name : "text", opts, out, err);
}

int rl_corpus_find(const rl_corpus *c, const char *token) {
  if (!c || !token) return -1;
  for (int i = 0; i < c->vocab; i++)
    if (strcmp(c->tokens[i], token) == 0) return i;
  return -1;
}

/* ---- the built-in sentences ---- */
typedef struct {
  const char *sing, *plur;
} noun_pair;

static const noun_pair subjects[] = {
    {"student", "students"}, {"teacher", "teachers"}, {"child", "children"}, {"girl", "girls"},
    {"boy", "boys"},         {"doctor", "doctors"},   {"farmer", "farmers"}, {"artist", "artists"},
};

typedef struct {
  const char *verb;
  const char *objects[7];
} verb_frame;

static const verb_frame frames[] = {
    {"opened", {"books", "door", "window", "letters", "box", "bag", NULL}},
    {"closed", {"books", "door", "window", "box", "bag", NULL}},
    {"read", {"books", "letters", "newspaper", "notes", NULL}},
    {"found", {"keys", "books", "letters", "box", "bag", "notes", NULL}},
    {"lost", {"keys", "books", "notes", "bag", NULL}},
    {"carried", {"books", "box", "bag", "chairs", NULL}},
    {"cleaned", {"room", "desk", "chairs", "door", "window", NULL}},
    {"painted", {"door", "room", "chairs", "fence", NULL}},
    {"wrote", {"letters", "notes", "story", NULL}},
    {"sold", {"books", "car", "house", "chairs", NULL}},
};

static const char *endings[] = {"in the morning", "after class", "at home", "before dinner",
                                "yesterday"};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

char *rl_corpus_builtin_text(uint64_t seed, int nsentences, size_t *len) {
  if (nsentences < 0) nsentences = 0;
  if (nsentences > 10000000) nsentences = 10000000;
  size_t cap = (size_t)nsentences * 96 + 1, n = 0; /* longest sentence is well under 96 bytes */
  char *s = malloc(cap);
  if (!s) return NULL;
  rl_rng r;
  rl_rng_seed(&r, seed);
  for (int i = 0; i < nsentences; i++) {
    const noun_pair *subj = &subjects[rl_rng_int(&r, NELEM(subjects))];
    int plural = rl_rng_int(&r, 2);
    const verb_frame *vf = &frames[rl_rng_int(&r, NELEM(frames))];
    int nobj = 0;
    while (nobj < 7 && vf->objects[nobj]) nobj++;
    const char *obj = vf->objects[rl_rng_int(&r, nobj)];
    const char *det = "the";
    if (rl_rng_int(&r, 2)) det = plural ? "their" : (rl_rng_int(&r, 2) ? "his" : "her");
    const char *end = rl_rng_int(&r, 10) < 3 ? endings[rl_rng_int(&r, NELEM(endings))] : NULL;
    n += (size_t)snprintf(s + n, cap - n, "the %s %s %s %s%s%s .\n", plural ? subj->plur : subj->sing,
                          vf->verb, det, obj, end ? " " : "", end ? end : "");
  }
  s[n] = 0;
  if (len) *len = n;
  return s;
}
