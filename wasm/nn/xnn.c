/* xnn.c — XNNPACK backend; see xnn.h. */
#include "nn/xnn.h"

#include "nn/net.h"

#ifndef NN_HAVE_XNNPACK

int nn_xnn_available(void) { return 0; }
int nn_xnn_forward(struct nn_net *net, const float *in, int n, float *emb, float *scores) {
  (void)net;
  (void)in;
  (void)n;
  (void)emb;
  (void)scores;
  return -1;
}
void nn_xnn_release(struct nn_net *net) { (void)net; }

#else

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xnnpack.h>

#include "nn/ref_ops.h"

typedef struct {
  xnn_operator_t op[NN_MAX_LAYERS];
  float *buf;
  size_t cap;
} xnn_state;

int nn_xnn_available(void) { return xnn_initialize(NULL) == xnn_status_success; }

static void act_range(int act, float *lo, float *hi) {
  *lo = -INFINITY;
  *hi = INFINITY;
  if (act == NN_ACT_RELU)
    *lo = 0.0f;
  if (act == NN_ACT_RELU6) {
    *lo = 0.0f;
    *hi = 6.0f;
  }
}

static int create(nn_net *net, xnn_state *st) {
  for (int i = 0; i < net->n; i++) {
    const nn_layer *L = &net->L[i];
    float lo, hi;
    act_range(L->act, &lo, &hi);
    enum xnn_status s = xnn_status_success;
    int pt = nn_same_pad(L->in_h, L->stride), pl = nn_same_pad(L->in_w, L->stride);
    int pb = (L->out_h - 1) * L->stride + 3 - L->in_h - pt;
    int pr = (L->out_w - 1) * L->stride + 3 - L->in_w - pl;
    if (pb < 0)
      pb = 0;
    if (pr < 0)
      pr = 0;
    switch (L->op) {
    case NN_CONV3:
      s = xnn_create_convolution2d_nhwc_f32(pt, pr, pb, pl, 3, 3, L->stride, L->stride, 1, 1, 1,
                                            L->cin, L->cout, L->cin, L->cout, L->w, L->b, lo, hi, 0,
                                            &st->op[i]);
      break;
    case NN_DW3:
      s = xnn_create_convolution2d_nhwc_f32(pt, pr, pb, pl, 3, 3, L->stride, L->stride, 1, 1,
                                            L->cin, 1, 1, L->cin, L->cin, L->w, L->b, lo, hi,
                                            XNN_FLAG_DEPTHWISE_CONVOLUTION, &st->op[i]);
      break;
    case NN_PW:
    case NN_DENSE:
      if (L->act == NN_ACT_SIGMOID)
        lo = -INFINITY, hi = INFINITY;
      s = xnn_create_fully_connected_nc_f32(L->cin, L->cout, L->cin, L->cout, L->w, L->b, lo, hi, 0,
                                            &st->op[i]);
      break;
    case NN_GAP:
      s = xnn_create_global_average_pooling_nwc_f32(L->cin, L->cin, L->cin, -INFINITY, INFINITY, 0,
                                                    &st->op[i]);
      break;
    }
    if (s != xnn_status_success)
      return -1;
  }
  return 0;
}

int nn_xnn_forward(struct nn_net *net, const float *in, int n, float *emb, float *scores) {
  if (xnn_initialize(NULL) != xnn_status_success)
    return -1;
  xnn_state *st = net->xnn;
  if (!st) {
    st = calloc(1, sizeof *st);
    if (!st)
      return -1;
    net->xnn = st;
    if (create(net, st)) {
      nn_xnn_release(net);
      return -1;
    }
  }
  size_t act = (size_t)net->in_h * net->in_w * net->in_c;
  for (int i = 0; i < net->n; i++) {
    size_t o = (size_t)net->L[i].out_h * net->L[i].out_w * net->L[i].cout;
    if (o > act)
      act = o;
  }
  size_t isz = (size_t)net->in_h * net->in_w * net->in_c;
  for (int s0 = 0; s0 < n; s0 += NN_BATCH) {
    int nb = n - s0 < NN_BATCH ? n - s0 : NN_BATCH;
    size_t need = 2 * act * (size_t)nb;
    if (need > st->cap) {
      float *b = realloc(st->buf, need * sizeof(float));
      if (!b)
        return -1;
      st->buf = b;
      st->cap = need;
    }
    float *bufs[2] = {st->buf, st->buf + act * (size_t)nb};
    const float *cur = in + (size_t)s0 * isz;
    for (int i = 0; i < net->n; i++) {
      const nn_layer *L = &net->L[i];
      float *out = bufs[i & 1];
      enum xnn_status s = xnn_status_success;
      switch (L->op) {
      case NN_CONV3:
      case NN_DW3:
        s = xnn_setup_convolution2d_nhwc_f32(st->op[i], nb, L->in_h, L->in_w, cur, out, NULL);
        break;
      case NN_PW:
      case NN_DENSE:
        s = xnn_setup_fully_connected_nc_f32(st->op[i], (size_t)nb * L->in_h * L->in_w, cur, out,
                                             NULL);
        break;
      case NN_GAP:
        s = xnn_setup_global_average_pooling_nwc_f32(st->op[i], nb, (size_t)L->in_h * L->in_w, cur,
                                                     out, NULL);
        break;
      }
      if (s != xnn_status_success || xnn_run_operator(st->op[i], NULL) != xnn_status_success)
        return -1;
      if (L->act == NN_ACT_SIGMOID)
        for (size_t k = 0; k < (size_t)nb * L->cout; k++)
          out[k] = nn_activate(out[k], L->act);
      if (L->op == NN_GAP && emb)
        memcpy(emb + (size_t)s0 * net->emb_dim, out, (size_t)nb * L->cout * sizeof(float));
      cur = out;
    }
    if (scores && net->nclasses)
      memcpy(scores + (size_t)s0 * net->nclasses, cur, (size_t)nb * net->nclasses * sizeof(float));
  }
  return 0;
}

void nn_xnn_release(struct nn_net *net) {
  xnn_state *st = net->xnn;
  if (!st)
    return;
  for (int i = 0; i < NN_MAX_LAYERS; i++)
    if (st->op[i])
      xnn_delete_operator(st->op[i]);
  free(st->buf);
  free(st);
  net->xnn = NULL;
}

#endif
