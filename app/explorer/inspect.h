/* Looking inside the models the explorer shows: which unit the units panel colours the text by,
 * the "find units" ranking, connectivity and the one-weight gradient check. No drawing and no SDL:
 * the numbers come from engine/probe.h, computed on the view's snapshot (the trace's activations)
 * and on a private copy of each slot's model rebuilt from the snapshot's parameters, so the
 * trained model itself is never touched. Results are cached until the snapshot, the slot or the
 * question changes. The explorer owns one ex_inspect (ex_view.insp); panels ask it. */
#ifndef RNNLAB_INSPECT_H
#define RNNLAB_INSPECT_H
#include "probe.h"
#include "trainer.h"

/* A unit of a slot: layer-direction ld (layer * D + direction), band in ex_bands order (the gates,
 * then c for an LSTM, then h), unit 0..H-1. */
typedef struct {
  int ld, band, unit;
} ex_unit;

/* The unit's value at position t (NAN if there is none). */
float ex_unit_value(const tr_slot_snap *s, ex_unit u, int t);
/* "L:U[:GATE]": layer counted from 1, unit from 0 (as the heatmaps' tooltip), GATE one of the
 * cell's bands (LSTM i f o g c h, GRU r z n h, RNN h; default h). 0, or -1 with a message. */
int ex_unit_parse(const char *spec, const tr_slot_snap *s, ex_unit *out, char *msg, size_t cap);
/* "1:12:c" (and "1:12:c (backward)" for a reverse direction) */
void ex_unit_name(const tr_slot_snap *s, ex_unit u, char *buf, size_t cap);
int ex_unit_valid(const tr_slot_snap *s, ex_unit u);

/* The model the units, connectivity and gradient-check panels look at: slot `want` if it has a
 * trace, else the first that has; -1 if none. */
int ex_inspect_slot(const tr_snapshot *s, int want);

typedef struct ex_inspect ex_inspect;
ex_inspect *ex_inspect_create(void);
void ex_inspect_free(ex_inspect *x);

/* "Find units": the units of slot ranked by |Pearson r| with the text features of the example's
 * tokens (each unit's best feature). *rows gets the ranking, units[i] the unit of row i. Returns
 * the number of rows (0: no trace). */
int ex_inspect_rank(ex_inspect *x, const tr_snapshot *s, int slot, const rl_unit_score **rows,
                    const ex_unit **units);

/* Connectivity of position t (0 <= t < T-1) of the example for slot: [T] floats, or NULL with a
 * message in msg (not a language model, no trace, t the last position...). */
const float *ex_inspect_connectivity(ex_inspect *x, const tr_snapshot *s, int slot, int t, char *msg,
                                     size_t cap);

#define EX_GC_CANDIDATES 8
typedef struct {
  int n;                            /* candidates: W_hh (layer 1) entries, largest |grad| first */
  size_t index[EX_GC_CANDIDATES];   /* into the parameters */
  int row[EX_GC_CANDIDATES], col[EX_GC_CANDIDATES];
  float grad[EX_GC_CANDIDATES], weight[EX_GC_CANDIDATES];
  rl_gradcheck check;               /* of the chosen candidate */
  int chosen;
  int ok;
} ex_gradcheck;

/* The gradient check of candidate `choice` with step eps on the example's loss (a language model:
 * next-token targets over the whole example; otherwise the task's targets). NULL + msg if none. */
const ex_gradcheck *ex_inspect_gradcheck(ex_inspect *x, const tr_snapshot *s, int slot, int choice,
                                         double eps, char *msg, size_t cap);

#endif
