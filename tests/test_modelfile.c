/* Model files: save/load round trips (parameters bit-identical, configuration and vocabulary
 * identical) over cells x layers x directions x vocabularies; PyTorch state_dicts without metadata
 * (configuration inferred from names and shapes), word_language_model names; every way a file can
 * disagree with the model it describes (shape, missing, extra, NaN, bad metadata), each asserting
 * the error and a phrase of its message; and files written by PyTorch itself
 * (tools/make_pytorch_files.py), whose loss rnnlab must reproduce. */
#define _POSIX_C_SOURCE 200809L
#include "modelfile.h"
#include "version.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *dupstr(const char *s) {
  char *d = malloc(strlen(s) + 1);
  strcpy(d, s);
  return d;
}

static const char *char_tokens[] = {"a", " ", "\"", "\\", "\xc3\xa9", "\xe2\x82\xac", "z", "{", "}", ",", "b", "c"};
static const char *word_tokens[] = {"the", "cat", "\"quoted\"", "na\xc3\xafve", "[", "]", "sat", "on",
                                    "mat", "a",   "dog", "ran"};

static rl_model *make_model(rl_cell cell, int layers, int bidir, int vocab_level, uint64_t seed) {
  rl_config c = rl_config_default();
  rl_error err;
  c.cell = cell;
  c.nonlin = cell == RL_CELL_RNN ? RL_ACT_RELU : RL_ACT_TANH;
  c.vocab = 12;
  c.embed = 5;
  c.hidden = 6;
  c.layers = layers;
  c.bidirectional = bidir;
  c.residual = layers > 1;
  c.head = (seed & 1) ? RL_HEAD_FINAL : RL_HEAD_STEP;
  c.classes = (seed & 1) ? 3 : 12;
  rl_model *m = NULL;
  if (rl_model_create(&c, &m, &err) != 0) {
    fprintf(stderr, "create: %s\n", err.msg);
    return NULL;
  }
  rl_init_opts o = rl_init_default(seed);
  if (rl_model_init_params(m, &o, &err) != 0) fprintf(stderr, "init: %s\n", err.msg);
  if (vocab_level && rl_vocab_set(&m->vocab, vocab_level == 1 ? RL_VOCAB_CHAR : RL_VOCAB_WORD, 12,
                                  vocab_level == 1 ? char_tokens : word_tokens, &err) != 0)
    fprintf(stderr, "vocab: %s\n", err.msg);
  return m;
}

static int same_config(const rl_config *a, const rl_config *b) {
  return a->cell == b->cell && a->nonlin == b->nonlin && a->vocab == b->vocab && a->embed == b->embed &&
         a->hidden == b->hidden && a->layers == b->layers && a->bidirectional == b->bidirectional &&
         a->residual == b->residual && a->head == b->head && a->classes == b->classes;
}

static int same_params(const rl_model *a, const rl_model *b) {
  return a->nparams == b->nparams && memcmp(a->params, b->params, a->nparams * sizeof(float)) == 0;
}

static int same_vocab(const rl_vocab *a, const rl_vocab *b) {
  if (a->level != b->level) return 0;
  if (a->level == RL_VOCAB_NONE) return 1;
  if (a->size != b->size) return 0;
  for (int i = 0; i < a->size; i++)
    if (strcmp(a->tokens[i], b->tokens[i]) != 0) return 0;
  return 1;
}

static void test_round_trips(void) {
  rl_cell cells[3] = {RL_CELL_RNN, RL_CELL_LSTM, RL_CELL_GRU};
  int n = 0;
  for (int ci = 0; ci < 3; ci++)
    for (int layers = 1; layers <= 2; layers++)
      for (int bidir = 0; bidir <= 1; bidir++)
        for (int voc = 0; voc <= 2; voc++) {
          uint64_t seed = (uint64_t)(100 + n++);
          rl_model *m = make_model(cells[ci], layers, bidir, voc, seed);
          CHECK(m != NULL);
          if (!m) continue;
          char path[512];
          snprintf(path, sizeof path, "%s/m%d.safetensors", test_tmpdir(), n);
          rl_error err = {{0}};
          rl_model *l = NULL;
          CHECKF(rl_model_save(m, path, &err) == 0, "%s", err.msg);
          CHECKF(rl_model_load(path, &l, &err) == 0, "%s %s", path, err.msg);
          if (l) {
            CHECKF(same_config(&m->cfg, &l->cfg), "config differs for %s", path);
            CHECKF(same_params(m, l), "params differ for %s", path);
            CHECKF(same_vocab(&m->vocab, &l->vocab), "vocabulary differs for %s", path);
          }
          rl_model_free(l);
          rl_model_free(m);
        }
}

/* ----- helpers that edit a parsed file in memory ----- */

static rl_st_file file_of(const rl_model *m) {
  rl_st_file f;
  rl_error err;
  if (rl_model_to_st(m, &f, &err) != 0) fprintf(stderr, "to_st: %s\n", err.msg);
  return f;
}

static void drop_all_meta(rl_st_file *f) {
  for (int i = 0; i < f->nmeta; i++) {
    free(f->meta_keys[i]);
    free(f->meta_values[i]);
  }
  f->nmeta = 0;
}

static void drop_meta(rl_st_file *f, const char *key) {
  for (int i = 0; i < f->nmeta; i++)
    if (strcmp(f->meta_keys[i], key) == 0) {
      free(f->meta_keys[i]);
      free(f->meta_values[i]);
      f->meta_keys[i] = f->meta_keys[f->nmeta - 1];
      f->meta_values[i] = f->meta_values[f->nmeta - 1];
      f->nmeta--;
      return;
    }
}

static rl_st_tensor *tensor(rl_st_file *f, const char *name) { return (rl_st_tensor *)rl_st_find(f, name); }

static void rename_tensor(rl_st_file *f, const char *from, const char *to) {
  rl_st_tensor *t = tensor(f, from);
  if (!t) return;
  free(t->name);
  t->name = dupstr(to);
}

static void drop_tensor(rl_st_file *f, const char *name) {
  rl_st_tensor *t = tensor(f, name);
  if (!t) return;
  free(t->name);
  free(t->data);
  *t = f->tensors[--f->ntensors];
}

static int drop_matching(rl_st_file *f, const char *prefix) {
  int n = 0;
  for (int i = f->ntensors - 1; i >= 0; i--)
    if (strncmp(f->tensors[i].name, prefix, strlen(prefix)) == 0) {
      drop_tensor(f, f->tensors[i].name);
      n++;
    }
  return n;
}

/* Loads from f and expects failure with the phrase; frees nothing of f. */
static void expect_fail(int line, const rl_st_file *f, const char *phrase) {
  rl_model *m = (rl_model *)0x1;
  rl_error err = {{0}};
  int rc = rl_model_from_st(f, "model.safetensors", &m, &err);
  CHECKF(rc == -1, "line %d: should fail (%s)", line, phrase);
  CHECKF(m == NULL, "line %d: *out not cleared", line);
  CHECKF(strstr(err.msg, phrase) != NULL, "line %d: message '%s' lacks '%s'", line, err.msg, phrase);
  CHECKF(strstr(err.msg, "model.safetensors") != NULL, "line %d: message '%s' does not name the file", line, err.msg);
  if (rc == 0) rl_model_free(m);
}
#define FAIL(f, phrase) expect_fail(__LINE__, f, phrase)

static rl_model *expect_ok(int line, const rl_st_file *f) {
  rl_model *m = NULL;
  rl_error err = {{0}};
  CHECKF(rl_model_from_st(f, "model.safetensors", &m, &err) == 0, "line %d: %s", line, err.msg);
  return m;
}

static void test_inference(void) {
  rl_cell cells[3] = {RL_CELL_RNN, RL_CELL_LSTM, RL_CELL_GRU};
  for (int ci = 0; ci < 3; ci++)
    for (int layers = 1; layers <= 3; layers++)
      for (int bidir = 0; bidir <= 1; bidir++) {
        rl_model *m = make_model(cells[ci], layers, bidir, 0, 2 * (uint64_t)(ci + layers) /* step head */);
        if (!m) continue;
        rl_st_file f = file_of(m);
        drop_all_meta(&f);
        rl_model *l = expect_ok(__LINE__, &f);
        /* what a state_dict cannot say takes PyTorch's defaults */
        rl_config want = m->cfg;
        want.nonlin = RL_ACT_TANH;
        want.residual = 0;
        want.head = RL_HEAD_STEP;
        if (l) {
          CHECKF(same_config(&want, &l->cfg), "inferred config differs: cell %d layers %d bidir %d", ci, layers, bidir);
          CHECK(same_params(m, l));
          CHECK(l->vocab.level == RL_VOCAB_NONE);
        }
        rl_model_free(l);
        /* PyTorch's writer often records {"format": "pt"}: still a state_dict */
        rl_error err;
        CHECK(rl_st_add_meta(&f, "format", "pt", &err) == 0);
        l = expect_ok(__LINE__, &f);
        CHECK(l && same_config(&want, &l->cfg) && same_params(m, l));
        rl_model_free(l);
        /* word_language_model names */
        rename_tensor(&f, "embedding.weight", "encoder.weight");
        rename_tensor(&f, "head.weight", "decoder.weight");
        rename_tensor(&f, "head.bias", "decoder.bias");
        l = expect_ok(__LINE__, &f);
        CHECK(l && same_config(&want, &l->cfg) && same_params(m, l));
        rl_model_free(l);
        rl_st_free(&f);
        rl_model_free(m);
      }
}

static void test_inconsistent_tensors(void) {
  rl_error err;
  rl_model *m = make_model(RL_CELL_LSTM, 2, 1, 1, 42); /* step head, V = C = 12, H = 6, E = 5 */
  if (!m) return;
  rl_st_file f;

  /* wrong shape */
  f = file_of(m);
  tensor(&f, "rnn.weight_hh_l1")->shape[1] = 3;
  tensor(&f, "rnn.weight_hh_l1")->numel = 24 * 3;
  FAIL(&f, "tensor rnn.weight_hh_l1 has shape [24,3], expected [24,6]");
  rl_st_free(&f);
  f = file_of(m);
  tensor(&f, "head.bias")->ndim = 2;
  tensor(&f, "head.bias")->shape[1] = 1;
  FAIL(&f, "tensor head.bias has shape [12,1], expected [12]");
  rl_st_free(&f);
  /* metadata disagreeing with the tensors is a shape error too */
  f = file_of(m);
  CHECK(rl_st_add_meta(&f, "hidden", "7", &err) == 0);
  FAIL(&f, "expected [28,5]");
  rl_st_free(&f);

  /* missing tensor, missing biases */
  f = file_of(m);
  drop_tensor(&f, "rnn.weight_ih_l1_reverse");
  FAIL(&f, "tensor rnn.weight_ih_l1_reverse [24,12] is missing");
  rl_st_free(&f);
  f = file_of(m);
  drop_all_meta(&f);
  CHECK(drop_matching(&f, "rnn.bias_") == 8);
  FAIL(&f, "rnnlab needs biases");
  rl_st_free(&f);

  /* extra tensors: a stranger is named; optimizer state of a checkpoint is skipped */
  f = file_of(m);
  float x[24 * 3] = {0};
  int64_t shp[2] = {24, 3};
  CHECK(rl_st_add_tensor(&f, "optim.m.rnn.weight_ih_l0", 2, shp, x, &err) == 0);
  rl_model *l = expect_ok(__LINE__, &f);
  CHECK(l && same_params(m, l));
  rl_model_free(l);
  CHECK(rl_st_add_tensor(&f, "rnn.weight_hr_l0", 2, shp, x, &err) == 0);
  FAIL(&f, "unexpected tensor 'rnn.weight_hr_l0'");
  rl_st_free(&f);
  f = file_of(m);
  CHECK(rl_st_add_tensor(&f, "rnn.weight_ih_l2", 2, shp, x, &err) == 0); /* a layer more than the metadata says */
  FAIL(&f, "unexpected tensor 'rnn.weight_ih_l2'");
  rl_st_free(&f);
  f = file_of(m);
  CHECK(rl_st_add_tensor(&f, "encoder.weight", 2, shp, x, &err) == 0); /* both names for one tensor */
  FAIL(&f, "both give embedding.weight");
  rl_st_free(&f);

  /* non-finite weights */
  f = file_of(m);
  tensor(&f, "rnn.weight_ih_l0")->data[5] = NAN;
  FAIL(&f, "tensor rnn.weight_ih_l0 has a non-finite value (nan) at index 5 [1,0]");
  rl_st_free(&f);
  f = file_of(m);
  tensor(&f, "head.bias")->data[11] = -INFINITY;
  FAIL(&f, "tensor head.bias has a non-finite value (-inf) at index 11");
  rl_st_free(&f);
  f = file_of(m);
  drop_all_meta(&f);
  tensor(&f, "embedding.weight")->data[59] = INFINITY;
  FAIL(&f, "tensor embedding.weight has a non-finite value (inf) at index 59 [11,4]");
  rl_st_free(&f);

  /* metadata-less files whose shapes cannot be a recurrent model */
  f = file_of(m);
  drop_all_meta(&f);
  tensor(&f, "rnn.weight_hh_l0")->shape[0] = 12; /* 2H rows */
  tensor(&f, "rnn.weight_hh_l0")->numel = 72;
  FAIL(&f, "its rows must be 1, 3 or 4 times the hidden size 6");
  rl_st_free(&f);
  f = file_of(m);
  drop_all_meta(&f);
  drop_tensor(&f, "embedding.weight");
  FAIL(&f, "no embedding.weight");
  rl_st_free(&f);
  f = file_of(m);
  drop_all_meta(&f);
  drop_tensor(&f, "head.weight");
  FAIL(&f, "no head.weight");
  rl_st_free(&f);
  f = file_of(m);
  drop_all_meta(&f);
  drop_tensor(&f, "rnn.weight_hh_l0");
  FAIL(&f, "no rnn.weight_ih_l0 / rnn.weight_hh_l0");
  rl_st_free(&f);
  f = file_of(m);
  drop_all_meta(&f);
  CHECK(rl_st_add_tensor(&f, "rnn.weight_ih_l99", 2, shp, x, &err) == 0);
  FAIL(&f, "100 recurrent layers; rnnlab handles up to 16");
  rl_st_free(&f);
  f = file_of(m);
  drop_all_meta(&f);
  CHECK(rl_st_add_tensor(&f, "rnn.weight_ih_l01", 2, shp, x, &err) == 0); /* not PyTorch's spelling */
  FAIL(&f, "unexpected tensor 'rnn.weight_ih_l01'");
  rl_st_free(&f);
  rl_model_free(m);
}

static void test_bad_metadata(void) {
  rl_model *m = make_model(RL_CELL_GRU, 2, 0, 2, 8);
  if (!m) return;
  struct {
    const char *key, *value, *phrase;
  } cases[] = {
      {"layers", "2x", "metadata 'layers' is '2x', expected an integer"},
      {"layers", " 2", "metadata 'layers' is ' 2'"},
      {"layers", "+2", "metadata 'layers' is '+2'"},
      {"layers", "", "metadata 'layers' is ''"},
      {"layers", "2.0", "metadata 'layers' is '2.0'"},
      {"layers", "99999999999999999999999", "expected an integer"},
      {"layers", "0", "expected an integer from 1 to"},
      {"layers", "17", "expected an integer from 1 to 16"},
      {"hidden", "-1", "metadata 'hidden' is '-1'"},
      {"hidden", "8193", "metadata 'hidden' is '8193'"},
      {"vocab_size", "0x10", "metadata 'vocab_size' is '0x10'"},
      {"classes", "three", "metadata 'classes' is 'three'"},
      {"bidirectional", "2", "metadata 'bidirectional' is '2', expected an integer from 0 to 1"},
      {"residual", "yes", "metadata 'residual' is 'yes'"},
      {"cell", "transformer", "metadata 'cell' is 'transformer', expected rnn, lstm or gru"},
      {"nonlinearity", "gelu", "metadata 'nonlinearity' is 'gelu'"},
      {"head", "middle", "metadata 'head' is 'middle'"},
      {"vocab_level", "byte", "metadata 'vocab_level' is 'byte'"},
      {"vocab", "not json", "metadata 'vocab' is not a JSON array of strings"},
      {"vocab", "{\"a\":1}", "metadata 'vocab' is not a JSON array"},
      {"vocab", "[\"a\",\"b\"]", "metadata 'vocab' has 2 tokens but vocab_size is 12"},
      {"vocab", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",7]", "'vocab' entry 11 is not a string"},
      {"format", "rnnlab-model-2", "format 'rnnlab-model-2' is not one this rnnlab reads"},
      /* vocabularies are checked the way the text reader builds them: distinct, non-empty, valid
       * UTF-8 without NUL, at most 255 bytes per token */
      {"vocab", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"b\"]",
       "vocabulary: token 11 ('b') is the same as token 1"},
      {"vocab", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"\",\"i\",\"j\",\"k\",\"l\"]", "vocabulary: token 7 is empty"},
      {"vocab", "[\"a\",\"b\\u0000c\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\"]",
       "metadata 'vocab' has a token with a NUL character"},
      {"vocab", "[\"a\",\"b\",\"\xff\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\"]",
       "vocabulary: token 2 is not valid UTF-8"},
      {"vocab", "[\"a\",\"b\",\"c\",\"\xc0\xaf\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\"]",
       "vocabulary: token 3 is not valid UTF-8"},
      {"vocab", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"\xed\xa0\x80\"]",
       "vocabulary: token 11 is not valid UTF-8"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rl_st_file f = file_of(m);
    rl_error err;
    CHECK(rl_st_add_meta(&f, cases[i].key, cases[i].value, &err) == 0);
    expect_fail(__LINE__ * 1000 + (int)i, &f, cases[i].phrase);
    rl_st_free(&f);
  }
  /* a 256-byte token and a 10 MB one are too long; 255 bytes is fine */
  const size_t lens[] = {255, 256, 10u << 20};
  for (int li = 0; li < 3; li++) {
    size_t len = lens[li];
    char *v = malloc(len + 64);
    size_t k = (size_t)sprintf(v, "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"");
    memset(v + k, 'x', len);
    strcpy(v + k + len, "\"]");
    rl_st_file f = file_of(m);
    rl_error err;
    CHECK(rl_st_add_meta(&f, "vocab", v, &err) == 0);
    if (len == 255) {
      rl_model *l = expect_ok(__LINE__, &f);
      CHECK(l && strlen(l->vocab.tokens[11]) == 255);
      rl_model_free(l);
    } else {
      FAIL(&f, "vocabulary: token 11 (");
      FAIL(&f, "bytes long (at most 255)");
    }
    rl_st_free(&f);
    free(v);
  }
  const char *required[] = {"cell", "nonlinearity", "head", "classes", "residual", "bidirectional",
                            "layers", "hidden", "embed", "vocab_size"};
  for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
    rl_st_file f = file_of(m);
    drop_meta(&f, required[i]);
    char phrase[64];
    snprintf(phrase, sizeof phrase, "metadata has no '%s'", required[i]);
    expect_fail(__LINE__ * 1000 + (int)i, &f, phrase);
    rl_st_free(&f);
  }
  rl_st_file f = file_of(m);
  drop_meta(&f, "vocab");
  FAIL(&f, "metadata has 'vocab_level' without 'vocab'");
  rl_st_free(&f);
  f = file_of(m);
  drop_meta(&f, "vocab_level");
  FAIL(&f, "metadata has 'vocab' without 'vocab_level'");
  rl_st_free(&f);
  /* what is written is exactly the agreed metadata */
  f = file_of(m);
  const char *want[][2] = {{"format", "rnnlab-model-1"}, {"rnnlab_version", rl_version()}, {"cell", "gru"}, {"nonlinearity", "tanh"}, {"head", "step"},
                           {"classes", "12"}, {"residual", "1"}, {"bidirectional", "0"}, {"layers", "2"},
                           {"hidden", "6"}, {"embed", "5"}, {"vocab_size", "12"}, {"vocab_level", "word"},
                           {"vocab", "[\"the\",\"cat\",\"\\\"quoted\\\"\",\"na\xc3\xafve\",\"[\",\"]\",\"sat\",\"on\","
                                     "\"mat\",\"a\",\"dog\",\"ran\"]"}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    const char *v = rl_st_meta(&f, want[i][0]);
    CHECKF(v && strcmp(v, want[i][1]) == 0, "metadata %s = %s, want %s", want[i][0], v ? v : "(none)", want[i][1]);
  }
  CHECK(f.nmeta == (int)(sizeof want / sizeof want[0]));
  /* the version: "MAJOR.MINOR.PATCH" from CMakeLists.txt, then " (git ...)" in a checkout */
  int maj, min, pat, used = 0;
  CHECKF(sscanf(rl_version(), "%d.%d.%d%n", &maj, &min, &pat, &used) == 3 &&
             (rl_version()[used] == 0 || strncmp(rl_version() + used, " (git ", 6) == 0),
         "rl_version() is '%s', expected 'X.Y.Z' or 'X.Y.Z (git DESCRIBE)'", rl_version());
  /* files written before the version was recorded (and PyTorch's) load without it */
  drop_meta(&f, "rnnlab_version");
  char old[512];
  snprintf(old, sizeof old, "%s/no_version.safetensors", test_tmpdir());
  rl_error err = {{0}};
  rl_model *l = NULL;
  CHECKF(rl_st_write(old, &f, &err) == 0 && rl_model_load(old, &l, &err) == 0, "%s", err.msg);
  rl_model_free(l);
  rl_st_free(&f);
  rl_model_free(m);
}

static void test_grads_and_paths(void) {
  rl_model *m = make_model(RL_CELL_LSTM, 1, 1, 0, 4);
  if (!m) return;
  for (size_t i = 0; i < m->nparams; i++) m->grads[i] = (float)i * 0.25f - 3.0f;
  char path[512];
  snprintf(path, sizeof path, "%s/grads.safetensors", test_tmpdir());
  rl_error err = {{0}};
  CHECKF(rl_model_save_grads(m, path, &err) == 0, "%s", err.msg);
  rl_st_file f;
  CHECKF(rl_st_read(path, &f, &err) == 0, "%s", err.msg);
  int all = f.ntensors == m->ntensors;
  for (int i = 0; i < m->ntensors && all; i++) {
    const rl_st_tensor *t = rl_st_find(&f, m->tensors[i].name);
    all = t && t->numel == m->tensors[i].numel &&
          memcmp(t->data, m->grads + m->tensors[i].offset, t->numel * sizeof(float)) == 0;
  }
  CHECKF(all, "gradient file does not hold m->grads under the parameter names");
  CHECK(rl_st_meta(&f, "format") && strcmp(rl_st_meta(&f, "format"), "rnnlab-grads-1") == 0);
  CHECK(rl_st_meta(&f, "rnnlab_version") && strcmp(rl_st_meta(&f, "rnnlab_version"), rl_version()) == 0);
  rl_st_free(&f);

  rl_model *l = (rl_model *)0x1;
  char missing[600];
  snprintf(missing, sizeof missing, "%s/missing.safetensors", test_tmpdir());
  CHECK(rl_model_load(missing, &l, &err) == -1 && l == NULL && strstr(err.msg, missing));
  snprintf(missing, sizeof missing, "%s/no/dir/m.safetensors", test_tmpdir());
  CHECK(rl_model_save(m, missing, &err) == -1 && strstr(err.msg, missing));
  rl_model_free(m);
}

/* Files saved by PyTorch (tools/make_pytorch_files.py): the inferred model reproduces PyTorch's loss. */
static void test_pytorch_files(void) {
  FILE *fp = fopen(fixture_path("pytorch/expected.txt"), "r");
  CHECKF(fp != NULL, "missing %s", fixture_path("pytorch/expected.txt"));
  if (!fp) return;
  char line[512];
  int files = 0;
  const int tokens[8] = {1, 2, 3, 4, 5, 6, 0, 3}, targets0[8] = {2, 3, 4, 5, 6, 0, 3, 1};
  while (fgets(line, sizeof line, fp)) {
    if (line[0] == '#') continue;
    char name[64], cell[8];
    int layers, bidir, V, E, H, C;
    double loss_pt;
    if (sscanf(line, "%63s %7s %d %d %d %d %d %d %lf", name, cell, &layers, &bidir, &V, &E, &H, &C, &loss_pt) != 9)
      continue;
    files++;
    char rel[128];
    snprintf(rel, sizeof rel, "pytorch/%s.safetensors", name);
    rl_model *m = NULL;
    rl_error err = {{0}};
    CHECKF(rl_model_load(fixture_path(rel), &m, &err) == 0, "%s", err.msg);
    if (!m) continue;
    CHECKF(strcmp(rl_cell_name(m->cfg.cell), cell) == 0 && m->cfg.layers == layers &&
               m->cfg.bidirectional == bidir && m->cfg.vocab == V && m->cfg.embed == E && m->cfg.hidden == H &&
               m->cfg.classes == C && m->cfg.head == RL_HEAD_STEP && m->cfg.nonlin == RL_ACT_TANH,
           "%s: inferred config differs from PyTorch's", name);
    /* the parameters are the file's values */
    rl_st_file f;
    if (rl_st_read(fixture_path(rel), &f, &err) == 0) {
      const rl_st_tensor *e = rl_st_find(&f, "embedding.weight");
      if (!e) e = rl_st_find(&f, "encoder.weight");
      const rl_tensor_info *ti = rl_model_find_tensor(m, "embedding.weight");
      CHECK(e && ti && memcmp(e->data, m->params + ti->offset, e->numel * sizeof(float)) == 0);
      rl_st_free(&f);
    }
    int targets[8];
    for (int t = 0; t < 8; t++) targets[t] = targets0[t] % C;
    rl_batch b = {.B = 1, .T = 8, .tokens = tokens, .targets = targets};
    float loss = NAN;
    CHECKF(rl_model_forward(m, &b, &loss, &err) == 0, "%s: %s", name, err.msg);
    /* float32 on both sides over 8 steps of a tiny model: agreement to ~1e-6; 1e-5 leaves room for
     * a different summation order, while a wrong cell, layer order or direction is off by > 1e-2. */
    CHECKF(test_close(loss, loss_pt, 1e-5, 1e-5), "%s: rnnlab loss %.9g, PyTorch %.9g", name, loss, loss_pt);
    rl_model_free(m);
  }
  fclose(fp);
  CHECK(files == 4);
}

int main(void) {
  test_round_trips();
  test_inference();
  test_inconsistent_tensors();
  test_bad_metadata();
  test_grads_and_paths();
  test_pytorch_files();
  return test_summary("test_modelfile");
}
