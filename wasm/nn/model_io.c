/* model_io.c — the SMNN model format; see model_io.h and models/FORMAT.md. */
#include "nn/model_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int nn_model_io_detect(const uint8_t *buf, size_t len) {
  return buf && len >= 4 && !memcmp(buf, NN_MODEL_MAGIC, 4);
}

/* ---- writing ---- */
typedef struct {
  uint8_t *p;
  size_t n, cap;
  int oom;
} wbuf;

static void put(wbuf *w, const void *d, size_t n) {
  if (w->oom)
    return;
  if (w->n + n > w->cap) {
    size_t c = w->cap ? w->cap * 2 : 4096;
    while (c < w->n + n)
      c *= 2;
    uint8_t *q = realloc(w->p, c);
    if (!q) {
      w->oom = 1;
      return;
    }
    w->p = q;
    w->cap = c;
  }
  memcpy(w->p + w->n, d, n);
  w->n += n;
}
static void put_u32(wbuf *w, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  put(w, b, 4);
}
static void put_f32(wbuf *w, float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  put_u32(w, u);
}
static uint16_t float_to_half(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
  int e = (int)((x >> 23) & 255) - 127 + 15;
  uint32_t m = x & 0x7fffff;
  if (e >= 31)
    return sign | 0x7c00; /* overflow: inf (rejected on load) */
  if (e <= 0) {           /* subnormal or zero */
    if (e < -10)
      return sign;
    m |= 0x800000;
    uint32_t shift = (uint32_t)(14 - e);
    uint32_t hm = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (hm & 1)))
      hm++;
    return sign | (uint16_t)hm;
  }
  uint32_t hm = m >> 13, rem = m & 0x1fff;
  uint16_t h = sign | (uint16_t)(e << 10) | (uint16_t)hm;
  if (rem > 0x1000 || (rem == 0x1000 && (hm & 1)))
    h++;
  return h;
}
static float half_to_float(uint16_t h) {
  int e = (h >> 10) & 31, m = h & 1023;
  float v = e == 0    ? ldexpf((float)m, -24)
            : e == 31 ? (m ? NAN : INFINITY)
                      : ldexpf((float)(m | 1024), e - 25);
  return (h & 0x8000) ? -v : v;
}

/* Output channel of weight i. */
static size_t chan_of(const nn_layer *L, size_t i, size_t nw) {
  if (L->op == NN_DW3)
    return i % (size_t)L->cout;
  return i / (nw / (size_t)L->cout);
}

int nn_model_io_write(const nn_net *net, int wtype, uint8_t **out, size_t *len, char *err,
                      size_t errlen) {
  if (!net->finished)
    return nn_fail(err, errlen, "model: network not finished");
  if (wtype < NN_W_F32 || wtype > NN_W_I8)
    return nn_fail(err, errlen, "model: weight type %d", wtype);
  wbuf w = {0};
  put(&w, NN_MODEL_MAGIC, 4);
  put_u32(&w, NN_MODEL_VERSION);
  put_u32(&w, (uint32_t)net->in_h);
  put_u32(&w, (uint32_t)net->in_w);
  put_u32(&w, (uint32_t)net->in_c);
  put_u32(&w, (uint32_t)net->n);
  put_u32(&w, (uint32_t)net->nlabels);
  put_u32(&w, 0);
  float *scales = NULL;
  for (int i = 0; i < net->n && !w.oom; i++) {
    const nn_layer *L = &net->L[i];
    size_t nw = nn_weight_count(L->op, L->cin, L->cout);
    uint8_t hd[4] = {(uint8_t)L->op, (uint8_t)L->act, (uint8_t)L->stride,
                     (uint8_t)(nw ? wtype : NN_W_F32)};
    put(&w, hd, 4);
    put_u32(&w, (uint32_t)L->cout);
    if (!nw)
      continue;
    if (wtype == NN_W_F32) {
      for (size_t k = 0; k < nw; k++)
        put_f32(&w, L->w[k]);
    } else if (wtype == NN_W_F16) {
      for (size_t k = 0; k < nw; k++) {
        uint16_t h = float_to_half(L->w[k]);
        uint8_t b[2] = {(uint8_t)h, (uint8_t)(h >> 8)};
        put(&w, b, 2);
      }
    } else {
      scales = calloc((size_t)L->cout, sizeof(float));
      if (!scales) {
        w.oom = 1;
        break;
      }
      for (size_t k = 0; k < nw; k++) {
        size_t c = chan_of(L, k, nw);
        float a = fabsf(L->w[k]) / 127.0f;
        if (a > scales[c])
          scales[c] = a;
      }
      for (size_t k = 0; k < nw; k++) {
        float s = scales[chan_of(L, k, nw)];
        long q = s > 0 ? lroundf(L->w[k] / s) : 0;
        int8_t v = (int8_t)(q > 127 ? 127 : q < -127 ? -127 : q);
        put(&w, &v, 1);
      }
      for (int c = 0; c < L->cout; c++)
        put_f32(&w, scales[c]);
      free(scales);
      scales = NULL;
    }
    for (int c = 0; c < L->cout; c++)
      put_f32(&w, L->b[c]);
  }
  for (int i = 0; i < net->nlabels && !w.oom; i++) {
    size_t l = strlen(net->labels[i]);
    if (l > 65535)
      l = 65535;
    uint8_t b[2] = {(uint8_t)l, (uint8_t)(l >> 8)};
    put(&w, b, 2);
    put(&w, net->labels[i], l);
  }
  if (w.oom) {
    free(w.p);
    return nn_fail(err, errlen, "out of memory");
  }
  *out = w.p;
  *len = w.n;
  return 0;
}

/* ---- reading ---- */
typedef struct {
  const uint8_t *b;
  size_t n, pos;
} rd;

static int take(rd *r, size_t n, const uint8_t **p) {
  if (n > r->n - r->pos)
    return -1;
  *p = r->b + r->pos;
  r->pos += n;
  return 0;
}
static uint32_t u32le(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static float f32le(const uint8_t *p) {
  uint32_t u = u32le(p);
  float f;
  memcpy(&f, &u, 4);
  return f;
}

nn_net *nn_model_io_read(const uint8_t *buf, size_t len, char *err, size_t errlen) {
  rd r = {buf, len, 0};
  const uint8_t *h;
  if (!buf || take(&r, 32, &h)) {
    nn_fail(err, errlen, "model: file too short for a header (%zu bytes)", len);
    return NULL;
  }
  if (memcmp(h, NN_MODEL_MAGIC, 4)) {
    nn_fail(err, errlen, "model: bad magic (not an SMNN file)");
    return NULL;
  }
  uint32_t ver = u32le(h + 4), ih = u32le(h + 8), iw = u32le(h + 12), ic = u32le(h + 16);
  uint32_t nl = u32le(h + 20), nlab = u32le(h + 24), flags = u32le(h + 28);
  if (ver != NN_MODEL_VERSION) {
    nn_fail(err, errlen, "model: version %u unsupported (this build reads %d)", ver,
            NN_MODEL_VERSION);
    return NULL;
  }
  if (flags) {
    nn_fail(err, errlen, "model: unknown flags 0x%x", flags);
    return NULL;
  }
  if (nl < 1 || nl > NN_MAX_LAYERS) {
    nn_fail(err, errlen, "model: %u layers (1..%d)", nl, NN_MAX_LAYERS);
    return NULL;
  }
  if (nlab > NN_MAX_LABELS) {
    nn_fail(err, errlen, "model: %u class names", nlab);
    return NULL;
  }
  if (ih > NN_MAX_SIDE || iw > NN_MAX_SIDE || ic > NN_MAX_CH) {
    nn_fail(err, errlen, "model: input %u x %u x %u out of range", ih, iw, ic);
    return NULL;
  }
  nn_net *net = nn_net_new((int)ih, (int)iw, (int)ic, err, errlen);
  if (!net)
    return NULL;
  float *wf = NULL, *bf = NULL;
  char **labels = NULL;
  for (uint32_t i = 0; i < nl; i++) {
    const uint8_t *lh;
    if (take(&r, 8, &lh)) {
      nn_fail(err, errlen, "model: truncated at layer %u header", i);
      goto fail;
    }
    int op = lh[0], act = lh[1], stride = lh[2], wt = lh[3];
    uint32_t cout = u32le(lh + 4);
    int cin = i ? net->L[i - 1].cout : net->in_c;
    if (op < NN_CONV3 || op > NN_DENSE) {
      nn_fail(err, errlen, "model: layer %u has unknown op %d", i, op);
      goto fail;
    }
    if (wt > NN_W_I8) {
      nn_fail(err, errlen, "model: layer %u has unknown weight type %d", i, wt);
      goto fail;
    }
    if (cout < 1 || cout > NN_MAX_CH || ((op == NN_DW3 || op == NN_GAP) && cout != (uint32_t)cin)) {
      nn_fail(err, errlen, "model: layer %u (%s): %u output channels for %d inputs", i,
              nn_op_name(op), cout, cin);
      goto fail;
    }
    if ((op == NN_PW || op == NN_DENSE || op == NN_GAP) && stride != 1) {
      nn_fail(err, errlen, "model: layer %u (%s): stride %d", i, nn_op_name(op), stride);
      goto fail;
    }
    size_t nw = nn_weight_count(op, cin, (int)cout);
    size_t esz = wt == NN_W_F32 ? 4 : wt == NN_W_F16 ? 2 : 1;
    size_t need = nw ? (nw > (SIZE_MAX - 8ull * cout) / esz
                            ? SIZE_MAX
                            : nw * esz + (wt == NN_W_I8 ? 4ull * cout : 0) + 4ull * cout)
                     : 0;
    if (need > r.n - r.pos) {
      nn_fail(err, errlen, "model: truncated in layer %u (%s %d->%u): needs %zu bytes, %zu left", i,
              nn_op_name(op), cin, cout, need, r.n - r.pos);
      goto fail;
    }
    if (nw) {
      const uint8_t *wp = NULL, *sp = NULL, *bp = NULL;
      take(&r, nw * esz, &wp);
      if (wt == NN_W_I8)
        take(&r, 4ull * cout, &sp);
      take(&r, 4ull * cout, &bp);
      wf = malloc(nw * sizeof(float));
      bf = malloc((size_t)cout * sizeof(float));
      if (!wf || !bf) {
        nn_fail(err, errlen, "out of memory");
        goto fail;
      }
      for (size_t k = 0; k < nw; k++) {
        if (wt == NN_W_F32)
          wf[k] = f32le(wp + 4 * k);
        else if (wt == NN_W_F16)
          wf[k] = half_to_float((uint16_t)(wp[2 * k] | wp[2 * k + 1] << 8));
        else {
          size_t c = op == NN_DW3 ? k % cout : k / (nw / cout);
          float s = f32le(sp + 4 * c);
          if (!isfinite(s) || s < 0) {
            nn_fail(err, errlen, "model: layer %u: bad scale for channel %zu", i, c);
            goto fail;
          }
          wf[k] = (float)(int8_t)wp[k] * s;
        }
      }
      for (uint32_t c = 0; c < cout; c++)
        bf[c] = f32le(bp + 4 * c);
    }
    if (nn_net_add(net, op, act, stride, (int)cout, wf, bf, err, errlen))
      goto fail;
    free(wf);
    free(bf);
    wf = bf = NULL;
  }
  if (nn_net_finish(net, err, errlen))
    goto fail;
  if (nlab) {
    if ((int)nlab != net->nclasses) {
      nn_fail(err, errlen, "model: %u class names for %d classes", nlab, net->nclasses);
      goto fail;
    }
    labels = calloc(nlab, sizeof *labels);
    if (!labels) {
      nn_fail(err, errlen, "out of memory");
      goto fail;
    }
    for (uint32_t i = 0; i < nlab; i++) {
      const uint8_t *lp, *s;
      if (take(&r, 2, &lp) || take(&r, (size_t)(lp[0] | lp[1] << 8), &s)) {
        nn_fail(err, errlen, "model: truncated in class name %u", i);
        goto fail;
      }
      size_t l = (size_t)(lp[0] | lp[1] << 8);
      labels[i] = malloc(l + 1);
      if (!labels[i]) {
        nn_fail(err, errlen, "out of memory");
        goto fail;
      }
      memcpy(labels[i], s, l);
      labels[i][l] = 0;
      if (memchr(labels[i], 0, l)) {
        nn_fail(err, errlen, "model: class name %u contains a NUL byte", i);
        goto fail;
      }
    }
    nn_net_set_labels(net, labels, (int)nlab, NULL, 0);
    labels = NULL;
  }
  if (r.pos != r.n) {
    nn_fail(err, errlen, "model: %zu unexpected bytes after the end", r.n - r.pos);
    goto fail;
  }
  return net;
fail:
  if (labels) {
    for (uint32_t i = 0; i < nlab; i++)
      free(labels[i]);
    free(labels);
  }
  free(wf);
  free(bf);
  nn_net_free(net);
  return NULL;
}
