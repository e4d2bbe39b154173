/* net.c — network construction, validation and the forward pass; see net.h. */
#include "nn/net.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/kernels.h"
#include "nn/ref_ops.h"
#include "nn/xnn.h"

/* A profiling build (scripts/bench/nn-layers.mjs, -DNN_PROFILE) is told when each layer ends. */
#ifdef NN_PROFILE
void nn_prof_mark(int layer, int nb);
#define PROF_MARK(i, nb) nn_prof_mark(i, nb)
#else
#define PROF_MARK(i, nb) ((void)0)
#endif

int nn_fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

const char *nn_op_name(int op) {
  switch (op) {
  case NN_CONV3: return "conv3x3";
  case NN_DW3: return "depthwise3x3";
  case NN_PW: return "pointwise";
  case NN_GAP: return "global-average-pool";
  case NN_DENSE: return "dense";
  default: return "unknown";
  }
}

size_t nn_weight_count(int op, int cin, int cout) {
  switch (op) {
  case NN_CONV3: return (size_t)cout * 9 * cin;
  case NN_DW3: return (size_t)9 * cin;
  case NN_PW:
  case NN_DENSE: return (size_t)cout * cin;
  default: return 0;
  }
}

nn_net *nn_net_new(int in_h, int in_w, int in_c, char *err, size_t errlen) {
  if (in_h < 1 || in_w < 1 || in_c < 1 || in_h > NN_MAX_SIDE || in_w > NN_MAX_SIDE ||
      in_c > NN_MAX_CH || (size_t)in_h * in_w * in_c > NN_MAX_ACT) {
    nn_fail(err, errlen, "network input %d x %d x %d out of range", in_h, in_w, in_c);
    return NULL;
  }
  nn_net *net = calloc(1, sizeof *net);
  if (!net) {
    nn_fail(err, errlen, "out of memory");
    return NULL;
  }
  net->in_h = in_h;
  net->in_w = in_w;
  net->in_c = in_c;
  net->gap = -1;
  return net;
}

int nn_net_add(nn_net *net, int op, int act, int stride, int cout, const float *w, const float *b,
               char *err, size_t errlen) {
  if (net->finished)
    return nn_fail(err, errlen, "network already finished");
  if (net->n >= NN_MAX_LAYERS)
    return nn_fail(err, errlen, "more than %d layers", NN_MAX_LAYERS);
  int li = net->n;
  int h = li ? net->L[li - 1].out_h : net->in_h;
  int wd = li ? net->L[li - 1].out_w : net->in_w;
  int cin = li ? net->L[li - 1].cout : net->in_c;
  if (op < NN_CONV3 || op > NN_DENSE)
    return nn_fail(err, errlen, "layer %d: unknown op %d", li, op);
  if (act < NN_ACT_NONE || act > NN_ACT_SIGMOID)
    return nn_fail(err, errlen, "layer %d: unknown activation %d", li, act);
  if (act == NN_ACT_SIGMOID && op != NN_DENSE)
    return nn_fail(err, errlen, "layer %d: sigmoid only after a dense layer", li);
  if (op == NN_DW3 || op == NN_GAP)
    cout = cin;
  if (op == NN_CONV3 || op == NN_DW3) {
    if (stride != 1 && stride != 2)
      return nn_fail(err, errlen, "layer %d (%s): stride %d (must be 1 or 2)", li, nn_op_name(op),
                     stride);
  } else {
    stride = 1;
  }
  if (cout < 1 || cout > NN_MAX_CH)
    return nn_fail(err, errlen, "layer %d (%s): %d output channels out of range", li,
                   nn_op_name(op), cout);
  if (net->gap >= 0 && op != NN_DENSE)
    return nn_fail(err, errlen, "layer %d: only dense layers may follow the pooling", li);
  if (op == NN_DENSE && net->gap < 0)
    return nn_fail(err, errlen, "layer %d: dense layer before the global pooling", li);
  if (op == NN_GAP && li == 0)
    return nn_fail(err, errlen, "layer 0: pooling without convolutions");
  nn_layer *L = &net->L[li];
  memset(L, 0, sizeof *L);
  L->op = op;
  L->act = act;
  L->stride = stride;
  L->cin = cin;
  L->cout = cout;
  L->in_h = h;
  L->in_w = wd;
  if (op == NN_GAP || op == NN_DENSE) {
    L->out_h = L->out_w = 1;
  } else {
    L->out_h = nn_same_out(h, stride);
    L->out_w = nn_same_out(wd, stride);
  }
  if ((size_t)L->out_h * L->out_w * cout > NN_MAX_ACT)
    return nn_fail(err, errlen, "layer %d: output %d x %d x %d too large", li, L->out_h, L->out_w,
                   cout);
  size_t nw = nn_weight_count(op, cin, cout);
  if (nw) {
    if (!w)
      return nn_fail(err, errlen, "layer %d: weights missing", li);
    L->w = malloc(nw * sizeof(float));
    L->b = calloc((size_t)cout, sizeof(float));
    if (!L->w || !L->b) {
      free(L->w);
      free(L->b);
      L->w = L->b = NULL;
      return nn_fail(err, errlen, "out of memory");
    }
    memcpy(L->w, w, nw * sizeof(float));
    if (b)
      memcpy(L->b, b, (size_t)cout * sizeof(float));
    for (size_t i = 0; i < nw; i++)
      if (!isfinite(L->w[i])) {
        free(L->w);
        free(L->b);
        L->w = L->b = NULL;
        return nn_fail(err, errlen, "layer %d (%s): weight %zu is not finite", li, nn_op_name(op),
                       i);
      }
    for (int i = 0; i < cout; i++)
      if (!isfinite(L->b[i])) {
        free(L->w);
        free(L->b);
        L->w = L->b = NULL;
        return nn_fail(err, errlen, "layer %d (%s): bias %d is not finite", li, nn_op_name(op), i);
      }
  }
  if (op == NN_GAP)
    net->gap = li;
  net->n++;
  return 0;
}

int nn_net_finish(nn_net *net, char *err, size_t errlen) {
  if (net->finished)
    return 0;
  if (net->gap < 0)
    return nn_fail(err, errlen, "network has no global pooling (embedding)");
  net->emb_dim = net->L[net->gap].cout;
  net->nclasses = net->n - 1 > net->gap ? net->L[net->n - 1].cout : 0;
  for (int i = 0; i < net->n; i++) {
    nn_layer *L = &net->L[i];
    if (L->op != NN_CONV3 && L->op != NN_PW && L->op != NN_DENSE)
      continue;
    int K = L->op == NN_CONV3 ? 9 * L->cin : L->cin;
    L->packed = malloc(nn_k_packed_size(L->cout, K) * sizeof(float));
    if (!L->packed)
      return nn_fail(err, errlen, "out of memory");
    nn_k_pack(L->w, L->b, L->cout, K, L->packed);
  }
  if (net->nlabels && net->nlabels != net->nclasses)
    return nn_fail(err, errlen, "%d class names for %d classes", net->nlabels, net->nclasses);
  net->finished = 1;
  return 0;
}

int nn_net_set_labels(nn_net *net, char **labels, int count, char *err, size_t errlen) {
  int want = net->finished ? net->nclasses : -1;
  if (want >= 0 && count != want) {
    for (int i = 0; i < count; i++)
      free(labels[i]);
    free(labels);
    return nn_fail(err, errlen, "%d class names for %d classes", count, want);
  }
  for (int i = 0; i < net->nlabels; i++)
    free(net->labels[i]);
  free(net->labels);
  net->labels = labels;
  net->nlabels = count;
  return 0;
}

double nn_net_macs(const nn_net *net) {
  double m = 0;
  for (int i = 0; i < net->n; i++) {
    const nn_layer *L = &net->L[i];
    m += (double)L->out_h * L->out_w * (double)nn_weight_count(L->op, L->cin, L->cout);
  }
  return m;
}

/* Largest activation of one patch, and im2col scratch of one patch. */
static void sizes(const nn_net *net, size_t *act, size_t *col) {
  size_t a = (size_t)net->in_h * net->in_w * net->in_c, c = 0;
  for (int i = 0; i < net->n; i++) {
    const nn_layer *L = &net->L[i];
    size_t o = (size_t)L->out_h * L->out_w * L->cout;
    if (o > a)
      a = o;
    if (L->op == NN_CONV3) {
      size_t cc = nn_k_conv3_col(L->in_h, L->in_w, L->cin, L->stride);
      if (cc > c)
        c = cc;
    }
  }
  *act = a;
  *col = c;
}

/* One layer on nb patches (NHWC) from cur into out. */
static void run_layer(const nn_net *net, int i, int fast, const float *cur, int nb, float *col,
                      float *out, float *emb) {
  const nn_layer *L = &net->L[i];
  switch (L->op) {
  case NN_CONV3:
    if (fast)
      nn_k_conv3(cur, nb, L->in_h, L->in_w, L->cin, L->packed, L->cout, L->stride, L->act, col,
                 out);
    else
      nn_ref_conv3(cur, nb, L->in_h, L->in_w, L->cin, L->w, L->b, L->cout, L->stride, L->act, out);
    break;
  case NN_DW3:
    if (fast)
      nn_k_dw3(cur, nb, L->in_h, L->in_w, L->cin, L->w, L->b, L->stride, L->act, out);
    else
      nn_ref_dw3(cur, nb, L->in_h, L->in_w, L->cin, L->w, L->b, L->stride, L->act, out);
    break;
  case NN_PW:
  case NN_DENSE: {
    int rows = nb * L->in_h * L->in_w;
    if (fast)
      nn_k_gemm(cur, rows, L->cin, L->packed, L->cout, L->act, out);
    else
      nn_ref_pw(cur, rows, L->cin, L->w, L->b, L->cout, L->act, out);
    break;
  }
  case NN_GAP:
    if (fast)
      nn_k_gap(cur, nb, L->in_h * L->in_w, L->cin, out);
    else
      nn_ref_gap(cur, nb, L->in_h * L->in_w, L->cin, out);
    if (emb)
      memcpy(emb, out, (size_t)nb * L->cout * sizeof(float));
    break;
  }
}

/* Patches per group for layer i on the fast path. A layer with net->group_weight_bytes
 * (NN_GROUP_WEIGHT_BYTES when 0) of weights or more takes the whole batch: its weights do not
 * stay in cache from one group to the next, so each group would stream them again. Any other layer
 * takes the largest power of two (at most nb, at least 1) of patches whose input + output
 * activations fit in net->group_bytes (NN_GROUP_BYTES when 0): early layers (big maps) thus run
 * patch by patch or a few patches at a time, and their activations stay in L2 from one layer to the
 * next. The pooling and the dense layers always take the whole batch. */
static int group_of(const nn_net *net, int i, int nb) {
  const nn_layer *L = &net->L[i];
  if (i >= net->gap)
    return nb;
  size_t wmax = net->group_weight_bytes ? net->group_weight_bytes : NN_GROUP_WEIGHT_BYTES;
  if (nn_weight_count(L->op, L->cin, L->cout) * sizeof(float) >= wmax)
    return nb;
  size_t budget = net->group_bytes ? net->group_bytes : NN_GROUP_BYTES;
  size_t per =
      ((size_t)L->in_h * L->in_w * L->cin + (size_t)L->out_h * L->out_w * L->cout) * sizeof(float);
  int g = 1;
  while (2 * g <= nb && (size_t)(2 * g) * per <= budget)
    g *= 2;
  return g;
}

/* The layers run in segments of equal group size: a segment takes its input from the batch
 * buffer (or the caller's input), runs group by group through its layers in two group-sized
 * buffers, and leaves its output in the other batch buffer. */
static int run_chunk(nn_net *net, int backend, const float *in, int nb, float *emb, float *scores) {
  int fast = backend == NN_FAST;
  int g[NN_MAX_LAYERS];
  size_t act, colsz, gact = 0;
  sizes(net, &act, &colsz);
  for (int i = 0; i < net->n; i++) {
    const nn_layer *L = &net->L[i];
    g[i] = fast ? group_of(net, i, nb) : nb;
    size_t o = (size_t)g[i] * L->out_h * L->out_w * L->cout;
    if (g[i] < nb && o > gact)
      gact = o;
  }
  size_t need = 2 * act * (size_t)nb + colsz + 2 * gact;
  if (need > net->ws_cap) {
    float *ws = realloc(net->ws, need * sizeof(float));
    if (!ws)
      return -1;
    net->ws = ws;
    net->ws_cap = need;
  }
  float *bufs[2] = {net->ws, net->ws + act * (size_t)nb};
  float *col = net->ws + 2 * act * (size_t)nb;
  float *gbuf[2] = {col + colsz, col + colsz + gact};
  const float *cur = in;
  size_t in_sz = (size_t)net->in_h * net->in_w * net->in_c;
  for (int s = 0; s < net->n;) {
    int e = s + 1;
    while (e < net->n && g[e] == g[s])
      e++;
    const nn_layer *Le = &net->L[e - 1];
    size_t out_sz = (size_t)Le->out_h * Le->out_w * Le->cout;
    float *dst = cur == bufs[0] ? bufs[1] : bufs[0];
    if (g[s] >= nb) { /* one group: layer by layer through the two batch buffers */
      const float *x = cur;
      for (int i = s; i < e; i++) {
        float *out = x == bufs[0] ? bufs[1] : bufs[0];
        run_layer(net, i, fast, x, nb, col, out, emb);
        PROF_MARK(i, nb);
        x = out;
      }
      cur = x;
    } else {
      for (int p0 = 0; p0 < nb; p0 += g[s]) {
        int gn = nb - p0 < g[s] ? nb - p0 : g[s];
        const float *x = cur + (size_t)p0 * in_sz;
        for (int i = s; i < e; i++) {
          float *out = i == e - 1 ? dst + (size_t)p0 * out_sz : gbuf[(i - s) & 1];
          run_layer(net, i, fast, x, gn, col, out, NULL);
          PROF_MARK(i, gn);
          x = out;
        }
      }
      cur = dst;
    }
    in_sz = out_sz;
    s = e;
  }
  if (scores && net->nclasses)
    memcpy(scores, cur, (size_t)nb * net->nclasses * sizeof(float));
  return 0;
}

int nn_net_forward(nn_net *net, int backend, const float *in, int n, float *emb, float *scores) {
  if (!net || !net->finished || n < 0)
    return -1;
  if (backend == NN_XNNPACK)
    return nn_xnn_forward(net, in, n, emb, scores);
  if (backend != NN_REF && backend != NN_FAST)
    return -1;
  size_t isz = (size_t)net->in_h * net->in_w * net->in_c;
  for (int s = 0; s < n; s += NN_BATCH) {
    int nb = n - s < NN_BATCH ? n - s : NN_BATCH;
    if (run_chunk(net, backend, in + (size_t)s * isz, nb,
                  emb ? emb + (size_t)s * net->emb_dim : NULL,
                  scores ? scores + (size_t)s * net->nclasses : NULL))
      return -1;
  }
  return 0;
}

void nn_net_free(nn_net *net) {
  if (!net)
    return;
  nn_xnn_release(net);
  for (int i = 0; i < net->n; i++) {
    free(net->L[i].w);
    free(net->L[i].b);
    free(net->L[i].packed);
  }
  for (int i = 0; i < net->nlabels; i++)
    free(net->labels[i]);
  free(net->labels);
  free(net->ws);
  free(net);
}
