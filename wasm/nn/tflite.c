/* tflite.c — TFLite flatbuffer import; see tflite.h. */
#include "nn/tflite.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- bounds-checked flatbuffer reading ---- */
typedef struct {
  const uint8_t *b;
  uint64_t n;
  int bad;
} fbr;

typedef struct {
  uint64_t pos, vt;
  uint32_t vtlen, tlen;
} fbt;

static int in_range(fbr *f, uint64_t off, uint64_t size) {
  if (off > f->n || size > f->n - off) {
    f->bad = 1;
    return 0;
  }
  return 1;
}
static uint32_t rd_u32(fbr *f, uint64_t off) {
  if (!in_range(f, off, 4))
    return 0;
  const uint8_t *p = f->b + off;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t rd_u16(fbr *f, uint64_t off) {
  if (!in_range(f, off, 2))
    return 0;
  return (uint16_t)(f->b[off] | f->b[off + 1] << 8);
}
static int32_t rd_i32(fbr *f, uint64_t off) {
  uint32_t u = rd_u32(f, off);
  int32_t v;
  memcpy(&v, &u, 4);
  return v;
}
static float rd_f32(fbr *f, uint64_t off) {
  uint32_t u = rd_u32(f, off);
  float v;
  memcpy(&v, &u, 4);
  return v;
}
static int64_t rd_i64(fbr *f, uint64_t off) {
  uint64_t lo = rd_u32(f, off), hi = rd_u32(f, off + 4);
  uint64_t u = lo | hi << 32;
  int64_t v;
  memcpy(&v, &u, 8);
  return v;
}

static int fb_table(fbr *f, uint64_t pos, fbt *t) {
  memset(t, 0, sizeof *t);
  if (!in_range(f, pos, 4))
    return -1;
  int64_t vt = (int64_t)pos - rd_i32(f, pos);
  if (vt < 0 || !in_range(f, (uint64_t)vt, 4))
    return -1;
  t->pos = pos;
  t->vt = (uint64_t)vt;
  t->vtlen = rd_u16(f, t->vt);
  t->tlen = rd_u16(f, t->vt + 2);
  if (t->vtlen < 4 || (t->vtlen & 1) || !in_range(f, t->vt, t->vtlen) || t->tlen < 4 ||
      !in_range(f, pos, t->tlen)) {
    f->bad = 1;
    return -1;
  }
  return 0;
}
/* Absolute position of field i of `size` bytes, or 0 when absent. */
static uint64_t fb_field(fbr *f, const fbt *t, int i, uint32_t size) {
  uint32_t slot = 4 + 2 * (uint32_t)i;
  if (slot + 2 > t->vtlen)
    return 0;
  uint16_t off = rd_u16(f, t->vt + slot);
  if (!off)
    return 0;
  if ((uint32_t)off + size > t->tlen) {
    f->bad = 1;
    return 0;
  }
  return t->pos + off;
}
static int64_t fb_int(fbr *f, const fbt *t, int i, int size, int64_t def) {
  uint64_t p = fb_field(f, t, i, (uint32_t)size);
  if (!p)
    return def;
  if (size == 1)
    return (int8_t)f->b[p];
  if (size == 4)
    return rd_i32(f, p);
  return rd_i64(f, p);
}
static uint64_t fb_uoff(fbr *f, uint64_t p) {
  uint32_t o = rd_u32(f, p);
  if (f->bad || !in_range(f, p + o, 4))
    return 0;
  return p + o;
}
static int fb_sub(fbr *f, const fbt *t, int i, fbt *out) {
  uint64_t p = fb_field(f, t, i, 4);
  if (!p)
    return 0;
  uint64_t q = fb_uoff(f, p);
  if (!q || fb_table(f, q, out))
    return -1;
  return 1;
}
/* Vector field: *data = first element, *len = count. Returns 1, 0 when absent, -1 if bad. */
static int fb_vec(fbr *f, const fbt *t, int i, uint32_t elem, uint64_t *data, uint32_t *len) {
  *data = 0;
  *len = 0;
  uint64_t p = fb_field(f, t, i, 4);
  if (!p)
    return 0;
  uint64_t v = fb_uoff(f, p);
  if (!v)
    return -1;
  uint32_t n = rd_u32(f, v);
  if (!in_range(f, v + 4, (uint64_t)n * elem))
    return -1;
  *data = v + 4;
  *len = n;
  return 1;
}
static int fb_vec_table(fbr *f, uint64_t data, uint32_t k, fbt *out) {
  uint64_t q = fb_uoff(f, data + 4ull * k);
  if (!q)
    return -1;
  return fb_table(f, q, out);
}

/* ---- the model ---- */
enum {
  OP_AVERAGE_POOL_2D = 1,
  OP_CONV_2D = 3,
  OP_DEPTHWISE_CONV_2D = 4,
  OP_DEQUANTIZE = 6,
  OP_FULLY_CONNECTED = 9,
  OP_LOGISTIC = 14,
  OP_RESHAPE = 22,
  OP_SOFTMAX = 25,
  OP_MEAN = 40,
  OP_SQUEEZE = 43,
  OP_SPLIT = 49,
  OP_QUANTIZE = 114
};
enum { T_F32 = 0, T_F16 = 1, T_I32 = 2, T_U8 = 3, T_I8 = 9 };

static const char *op_name(int code) {
  switch (code) {
  case OP_AVERAGE_POOL_2D: return "AVERAGE_POOL_2D";
  case OP_CONV_2D: return "CONV_2D";
  case OP_DEPTHWISE_CONV_2D: return "DEPTHWISE_CONV_2D";
  case OP_DEQUANTIZE: return "DEQUANTIZE";
  case OP_FULLY_CONNECTED: return "FULLY_CONNECTED";
  case OP_LOGISTIC: return "LOGISTIC";
  case OP_RESHAPE: return "RESHAPE";
  case OP_SOFTMAX: return "SOFTMAX";
  case OP_MEAN: return "MEAN";
  case OP_SQUEEZE: return "SQUEEZE";
  case OP_SPLIT: return "SPLIT";
  case OP_QUANTIZE: return "QUANTIZE";
  case 0: return "ADD";
  case 17: return "MAX_POOL_2D";
  case 18: return "MUL";
  case 34: return "PAD";
  case 32: return "CUSTOM";
  default: return "builtin operator";
  }
}

typedef struct {
  fbr f;
  fbt model, sg;
  uint64_t opcodes, tensors, buffers, ops;
  uint32_t nopcodes, ntensors, nbuffers, nops;
  char *err;
  size_t errlen;
} tfl;

typedef struct {
  int type, ndim;
  int shape[8];
  const uint8_t *data;
  uint64_t nbytes;
  uint64_t scales, zps;
  uint32_t nscales, nzps;
  int qdim;
} tensor;

static int corrupt(tfl *m) {
  return nn_fail(m->err, m->errlen, "tflite: truncated or corrupt flatbuffer");
}

static int get_tensor(tfl *m, int idx, tensor *t) {
  fbr *f = &m->f;
  memset(t, 0, sizeof *t);
  if (idx < 0 || (uint32_t)idx >= m->ntensors)
    return nn_fail(m->err, m->errlen, "tflite: tensor index %d out of range", idx);
  fbt tt, q;
  if (fb_vec_table(f, m->tensors, (uint32_t)idx, &tt))
    return corrupt(m);
  uint64_t sd;
  uint32_t sn;
  if (fb_vec(f, &tt, 0, 4, &sd, &sn) < 0)
    return corrupt(m);
  if (sn > 8)
    return nn_fail(m->err, m->errlen, "tflite: tensor %d has %u dimensions", idx, sn);
  t->ndim = (int)sn;
  for (uint32_t i = 0; i < sn; i++) {
    t->shape[i] = rd_i32(f, sd + 4ull * i);
    if (t->shape[i] < 0 || t->shape[i] > (1 << 24))
      return nn_fail(m->err, m->errlen, "tflite: tensor %d has dimension %d", idx, t->shape[i]);
  }
  t->type = (int)fb_int(f, &tt, 1, 1, 0);
  int64_t bi = fb_int(f, &tt, 2, 4, 0);
  uint32_t bidx = (uint32_t)bi;
  if (bidx && bidx < m->nbuffers) {
    fbt bt;
    if (fb_vec_table(f, m->buffers, bidx, &bt))
      return corrupt(m);
    uint64_t dd;
    uint32_t dn;
    if (fb_vec(f, &bt, 0, 1, &dd, &dn) < 0)
      return corrupt(m);
    if (dn) {
      t->data = f->b + dd;
      t->nbytes = dn;
    } else {
      int64_t off = fb_int(f, &bt, 1, 8, 0), size = fb_int(f, &bt, 2, 8, 0);
      if (off > 1 && size > 0) {
        if (!in_range(f, (uint64_t)off, (uint64_t)size))
          return corrupt(m);
        t->data = f->b + off;
        t->nbytes = (uint64_t)size;
      }
    }
  } else if (bidx >= m->nbuffers && bidx) {
    return nn_fail(m->err, m->errlen, "tflite: tensor %d names buffer %u of %u", idx, bidx,
                   m->nbuffers);
  }
  int hq = fb_sub(f, &tt, 4, &q);
  if (hq < 0)
    return corrupt(m);
  if (hq) {
    if (fb_vec(f, &q, 2, 4, &t->scales, &t->nscales) < 0 ||
        fb_vec(f, &q, 3, 8, &t->zps, &t->nzps) < 0)
      return corrupt(m);
    t->qdim = (int)fb_int(f, &q, 6, 4, 0);
  }
  return f->bad ? corrupt(m) : 0;
}

static uint64_t elems(const tensor *t) {
  uint64_t n = 1;
  for (int i = 0; i < t->ndim; i++)
    n *= (uint64_t)t->shape[i];
  return n;
}

static float half_to_float(uint16_t h) {
  int e = (h >> 10) & 31, mant = h & 1023;
  float v = e == 0    ? ldexpf((float)mant, -24)
            : e == 31 ? (mant ? NAN : INFINITY)
                      : ldexpf((float)(mant | 1024), e - 25);
  return (h & 0x8000) ? -v : v;
}

/* Dequantize a constant tensor into out (count elements). For int32 tensors without scales,
 * fallback_scale[c] (per channel along qdim, or one) is used. */
static int dequant(tfl *m, const tensor *t, const char *what, float *out, const float *fallback,
                   int nfallback) {
  uint64_t n = elems(t);
  if (!t->data)
    return nn_fail(m->err, m->errlen, "tflite: %s is not a constant", what);
  int esz = t->type == T_F32 || t->type == T_I32 ? 4
            : t->type == T_F16                   ? 2
            : t->type == T_I8 || t->type == T_U8 ? 1
                                                 : 0;
  if (!esz)
    return nn_fail(m->err, m->errlen, "tflite: %s has unsupported type %d", what, t->type);
  if (t->nbytes != n * (uint64_t)esz)
    return nn_fail(m->err, m->errlen, "tflite: %s holds %llu bytes for %llu elements", what,
                   (unsigned long long)t->nbytes, (unsigned long long)n);
  int quant = t->type == T_I8 || t->type == T_U8 || t->type == T_I32;
  uint64_t inner = 1;
  int nch = 1;
  if (quant) {
    int ns = t->nscales ? (int)t->nscales : nfallback;
    if (ns < 1)
      return nn_fail(m->err, m->errlen, "tflite: %s is quantized without scales", what);
    if (ns > 1 || t->nzps > 1) {
      if (t->qdim < 0 || t->qdim >= t->ndim)
        return nn_fail(m->err, m->errlen, "tflite: %s quantized along axis %d", what, t->qdim);
      nch = t->shape[t->qdim];
      for (int i = t->qdim + 1; i < t->ndim; i++)
        inner *= (uint64_t)t->shape[i];
    }
    if ((ns != 1 && ns != nch) || (t->nzps > 1 && (int)t->nzps != nch))
      return nn_fail(m->err, m->errlen, "tflite: %s has %d scales for %d channels", what, ns, nch);
  }
  fbr *f = &m->f;
  for (uint64_t i = 0; i < n; i++) {
    const uint8_t *p = t->data + i * esz;
    float v;
    if (!quant) {
      if (t->type == T_F32) {
        memcpy(&v, p, 4);
      } else {
        v = half_to_float((uint16_t)(p[0] | p[1] << 8));
      }
    } else {
      uint64_t ch = nch > 1 ? (i / inner) % (uint64_t)nch : 0;
      float sc = t->nscales ? rd_f32(f, t->scales + 4 * (t->nscales > 1 ? ch : 0))
                            : fallback[nfallback > 1 ? ch : 0];
      int64_t zp = t->nzps ? rd_i64(f, t->zps + 8 * (t->nzps > 1 ? ch : 0)) : 0;
      int64_t q = t->type == T_I8   ? (int8_t)p[0]
                  : t->type == T_U8 ? p[0]
                                    : (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                                                (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
      v = (float)((double)(q - zp) * sc);
    }
    if (!isfinite(v))
      return nn_fail(m->err, m->errlen, "tflite: %s element %llu is not finite", what,
                     (unsigned long long)i);
    out[i] = v;
  }
  return f->bad ? corrupt(m) : 0;
}

/* Per-channel weight scales times the input scale: the implied scale of an int32 bias. */
static int bias_fallback(tfl *m, const tensor *in, const tensor *w, float *out, int cout) {
  float is = in->nscales ? rd_f32(&m->f, in->scales) : 0.0f;
  for (int c = 0; c < cout; c++) {
    uint32_t k = w->nscales > 1 ? (uint32_t)c : 0;
    float ws = w->nscales && k < w->nscales ? rd_f32(&m->f, w->scales + 4 * k) : 0.0f;
    out[c] = is * ws;
  }
  return 0;
}

typedef struct {
  int code;
  uint64_t in, out;
  uint32_t nin, nout;
  fbt opts;
  int has_opts;
} opinfo;

static int get_op(tfl *m, uint32_t j, opinfo *o) {
  fbr *f = &m->f;
  fbt ot, oc;
  memset(o, 0, sizeof *o);
  if (fb_vec_table(f, m->ops, j, &ot))
    return corrupt(m);
  uint32_t idx = (uint32_t)fb_int(f, &ot, 0, 4, 0);
  if (idx >= m->nopcodes)
    return nn_fail(m->err, m->errlen, "tflite: operator %u uses opcode %u of %u", j, idx,
                   m->nopcodes);
  if (fb_vec_table(f, m->opcodes, idx, &oc))
    return corrupt(m);
  int dep = (int)fb_int(f, &oc, 0, 1, 0), bc = (int)fb_int(f, &oc, 3, 4, 0);
  o->code = bc > dep ? bc : dep;
  if (fb_vec(f, &ot, 1, 4, &o->in, &o->nin) < 0 || fb_vec(f, &ot, 2, 4, &o->out, &o->nout) < 0)
    return corrupt(m);
  int h = fb_sub(f, &ot, 4, &o->opts);
  if (h < 0)
    return corrupt(m);
  o->has_opts = h;
  return f->bad ? corrupt(m) : 0;
}
static int op_in(tfl *m, const opinfo *o, uint32_t k) {
  return k < o->nin ? rd_i32(&m->f, o->in + 4ull * k) : -1;
}

/* Dequantizes operator j's weights (wt) and its optional bias (input 2; int32 biases without
 * scales of their own take input scale x weight scale) and appends the layer to net. */
static int add_weighted(tfl *m, const opinfo *o, uint32_t j, const tensor *in_t, const tensor *wt,
                        int nnop, int act, int stride, int cout, nn_net *net, char *err,
                        size_t errlen) {
  int rc = -1;
  float *wbuf = malloc((size_t)elems(wt) * sizeof(float));
  float *bbuf = calloc((size_t)cout, sizeof(float));
  float *fb = calloc((size_t)cout, sizeof(float));
  if (!wbuf || !bbuf || !fb) {
    nn_fail(err, errlen, "out of memory");
    goto done;
  }
  if (dequant(m, wt, "weights", wbuf, NULL, 0))
    goto done;
  int bi = op_in(m, o, 2);
  if (bi >= 0) {
    tensor bt;
    if (get_tensor(m, bi, &bt))
      goto done;
    if (elems(&bt) != (uint64_t)cout) {
      nn_fail(err, errlen, "tflite: operator %u (%s): %llu biases for %d channels", j,
              op_name(o->code), (unsigned long long)elems(&bt), cout);
      goto done;
    }
    bias_fallback(m, in_t, wt, fb, cout);
    if (dequant(m, &bt, "bias", bbuf, fb, wt->nscales > 1 ? cout : 1))
      goto done;
  }
  rc = nn_net_add(net, nnop, act, stride, cout, wbuf, bbuf, err, errlen) ? -1 : 0;
done:
  free(wbuf);
  free(bbuf);
  free(fb);
  return rc;
}

static int op_out(tfl *m, const opinfo *o, uint32_t k) {
  return k < o->nout ? rd_i32(&m->f, o->out + 4ull * k) : -1;
}
static int64_t opt(tfl *m, const opinfo *o, int field, int size, int64_t def) {
  return o->has_opts ? fb_int(&m->f, &o->opts, field, size, def) : def;
}

static int fused_act(int code, int *act) {
  switch (code) {
  case 0: *act = NN_ACT_NONE; return 0;
  case 1: *act = NN_ACT_RELU; return 0;
  case 3: *act = NN_ACT_RELU6; return 0;
  default: return -1;
  }
}

/* Class names from a stored (uncompressed) *.txt in the zip appended to the flatbuffer. */
static void read_labels(const uint8_t *b, size_t n, nn_net *net) {
  if (n < 22 || !net->nclasses)
    return;
  size_t lo = n > 65557 ? n - 65557 : 0;
  for (size_t e = n - 22 + 1; e-- > lo;) {
    if (memcmp(b + e, "PK\x05\x06", 4))
      continue;
    uint32_t cnt = b[e + 10] | b[e + 11] << 8;
    uint64_t cd = (uint64_t)b[e + 16] | (uint64_t)b[e + 17] << 8 | (uint64_t)b[e + 18] << 16 |
                  (uint64_t)b[e + 19] << 24;
    /* archives appended to a file may carry offsets relative to the archive start */
    uint64_t cdsize = (uint64_t)b[e + 12] | (uint64_t)b[e + 13] << 8 | (uint64_t)b[e + 14] << 16 |
                      (uint64_t)b[e + 15] << 24;
    uint64_t base = 0;
    if (cdsize <= e && cd + cdsize != e)
      base = e - cdsize - cd;
    uint64_t p = base + cd;
    for (uint32_t k = 0; k < cnt; k++) {
      if (p + 46 > n || memcmp(b + p, "PK\x01\x02", 4))
        return;
      int method = b[p + 10] | b[p + 11] << 8;
      uint64_t csize = (uint64_t)b[p + 20] | (uint64_t)b[p + 21] << 8 | (uint64_t)b[p + 22] << 16 |
                       (uint64_t)b[p + 23] << 24;
      uint32_t nl = b[p + 28] | b[p + 29] << 8, xl = b[p + 30] | b[p + 31] << 8,
               cl = b[p + 32] | b[p + 33] << 8;
      uint64_t lh = base + ((uint64_t)b[p + 42] | (uint64_t)b[p + 43] << 8 |
                            (uint64_t)b[p + 44] << 16 | (uint64_t)b[p + 45] << 24);
      if (p + 46 + nl > n)
        return;
      const char *name = (const char *)b + p + 46;
      int txt = nl >= 4 && !memcmp(name + nl - 4, ".txt", 4);
      p += 46ull + nl + xl + cl;
      if (!txt || method != 0 || lh + 30 > n || memcmp(b + lh, "PK\x03\x04", 4))
        continue;
      uint64_t d =
          lh + 30 + (uint64_t)(b[lh + 26] | b[lh + 27] << 8) + (b[lh + 28] | b[lh + 29] << 8);
      if (d > n || csize > n - d)
        continue;
      /* split into lines */
      char **lab = calloc((size_t)net->nclasses, sizeof *lab);
      if (!lab)
        return;
      int got = 0;
      uint64_t s = d, end = d + csize;
      while (s < end && got <= net->nclasses) {
        uint64_t t = s;
        while (t < end && b[t] != '\n')
          t++;
        uint64_t u = t;
        if (u > s && b[u - 1] == '\r')
          u--;
        if (u > s) {
          if (got == net->nclasses) {
            got++;
            break;
          }
          lab[got] = malloc(u - s + 1);
          if (!lab[got])
            break;
          memcpy(lab[got], b + s, u - s);
          lab[got][u - s] = 0;
          got++;
        }
        s = t + 1;
      }
      if (got == net->nclasses && nn_net_set_labels(net, lab, got, NULL, 0) == 0)
        return;
      if (got != net->nclasses) {
        for (int i = 0; i < got && i < net->nclasses; i++)
          free(lab[i]);
        free(lab);
      }
    }
    return;
  }
}

int nn_tflite_detect(const uint8_t *buf, size_t len) {
  return buf && len >= 8 && !memcmp(buf + 4, "TFL3", 4);
}

/* The first convolution: where the imported body starts (the frontend before it is the
 * engine's own). Its index in *start and the operator in *o; -1 with a reason when none. */
static int find_body(tfl *m, uint32_t *start, opinfo *o) {
  for (uint32_t j = 0; j < m->nops; j++) {
    if (get_op(m, j, o))
      return -1;
    if (o->code == OP_CONV_2D || o->code == OP_DEPTHWISE_CONV_2D) {
      *start = j;
      return 0;
    }
  }
  return nn_fail(m->err, m->errlen, "tflite: no convolution found (not a YAMNet-style model)");
}

/* What one operator of the chain sees: its index, its output tensor, the shape of the
 * activation it reads (h x w x cin) and that activation's quantization (in_t, for the implied
 * scales of int32 biases; updated by every operator that changes it). */
typedef struct {
  uint32_t j;
  int out;
  int h, w, cin;
  tensor *in_t;
} opctx;

/* RESHAPE, SQUEEZE, QUANTIZE, DEQUANTIZE, SPLIT (into one): no layer, the elements unchanged. */
static int import_passthrough(tfl *m, const opinfo *o, int cur, const opctx *c) {
  tensor a, b;
  if (get_tensor(m, cur, &a) || get_tensor(m, c->out, &b))
    return -1;
  if (elems(&a) != elems(&b) || o->nout != 1)
    return nn_fail(m->err, m->errlen, "tflite: operator %u (%s) changes the element count", c->j,
                   op_name(o->code));
  if (o->code == OP_QUANTIZE || o->code == OP_DEQUANTIZE)
    *c->in_t = b;
  return 0;
}

/* CONV_2D / DEPTHWISE_CONV_2D: a 3x3 convolution, a 3x3 depthwise one or a pointwise one. */
static int import_conv(tfl *m, const opinfo *o, const opctx *c, nn_net *net) {
  char *err = m->err;
  size_t errlen = m->errlen;
  const uint32_t j = c->j;
  int dw = o->code == OP_DEPTHWISE_CONV_2D;
  int pad = (int)opt(m, o, 0, 1, 0);
  int sw = (int)opt(m, o, 1, 4, 1), sh = (int)opt(m, o, 2, 4, 1);
  int mult = dw ? (int)opt(m, o, 3, 4, 1) : 1;
  int actc = (int)opt(m, o, dw ? 4 : 3, 1, 0);
  int dil_w = (int)opt(m, o, dw ? 5 : 4, 4, 1), dil_h = (int)opt(m, o, dw ? 6 : 5, 4, 1);
  int act;
  if (fused_act(actc, &act))
    return nn_fail(err, errlen, "tflite: operator %u (%s): fused activation %d unsupported", j,
                   op_name(o->code), actc);
  tensor wt;
  if (get_tensor(m, op_in(m, o, 1), &wt))
    return -1;
  if (wt.ndim != 4 || sw != sh || dil_w != 1 || dil_h != 1 || mult != 1)
    return nn_fail(err, errlen, "tflite: operator %u (%s): unsupported shape/stride/dilation", j,
                   op_name(o->code));
  int kh = wt.shape[1], kw = wt.shape[2];
  int cout = dw ? wt.shape[3] : wt.shape[0];
  int wcin = dw ? wt.shape[3] : wt.shape[3];
  int op;
  if (dw && kh == 3 && kw == 3 && wt.shape[0] == 1 && pad == 0)
    op = NN_DW3;
  else if (!dw && kh == 3 && kw == 3 && pad == 0)
    op = NN_CONV3;
  else if (!dw && kh == 1 && kw == 1 && sw == 1)
    op = NN_PW;
  else
    return nn_fail(err, errlen,
                   "tflite: operator %u (%s): %dx%d kernel, stride %d, padding %d "
                   "unsupported",
                   j, op_name(o->code), kh, kw, sw, pad);
  if (wcin != c->cin)
    return nn_fail(err, errlen,
                   "tflite: operator %u (%s): weights for %d input channels, "
                   "activation has %d",
                   j, op_name(o->code), wcin, c->cin);
  size_t nw = nn_weight_count(op, c->cin, cout);
  if (nw != elems(&wt) || cout < 1 || cout > NN_MAX_CH)
    return nn_fail(err, errlen, "tflite: operator %u (%s): weight shape mismatch", j,
                   op_name(o->code));
  if (add_weighted(m, o, j, c->in_t, &wt, op, act, sw, cout, net, err, errlen))
    return -1;
  tensor ot;
  if (get_tensor(m, c->out, &ot))
    return -1;
  const nn_layer *L = &net->L[net->n - 1];
  if (ot.ndim == 4 && (ot.shape[1] != L->out_h || ot.shape[2] != L->out_w || ot.shape[3] != cout))
    return nn_fail(err, errlen, "tflite: operator %u (%s): output %dx%dx%d, expected %dx%dx%d", j,
                   op_name(o->code), ot.shape[1], ot.shape[2], ot.shape[3], L->out_h, L->out_w,
                   cout);
  *c->in_t = ot;
  return 0;
}

/* MEAN over height and width, or AVERAGE_POOL_2D over the whole activation: a global average
 * pool. */
static int import_pool(tfl *m, const opinfo *o, const opctx *c, nn_net *net) {
  int ok = 0;
  if (o->code == OP_MEAN) {
    tensor ax;
    if (get_tensor(m, op_in(m, o, 1), &ax))
      return -1;
    if (ax.type == T_I32 && ax.data && elems(&ax) == 2 && ax.nbytes == 8) {
      int32_t a0, a1;
      memcpy(&a0, ax.data, 4);
      memcpy(&a1, ax.data + 4, 4);
      ok = (a0 == 1 && a1 == 2) || (a0 == 2 && a1 == 1);
    }
  } else {
    ok = opt(m, o, 3, 4, 0) == c->w && opt(m, o, 4, 4, 0) == c->h && opt(m, o, 5, 1, 0) == 0;
  }
  if (!ok)
    return nn_fail(m->err, m->errlen, "tflite: operator %u (%s) is not a global average pool", c->j,
                   op_name(o->code));
  if (nn_net_add(net, NN_GAP, NN_ACT_NONE, 1, c->cin, NULL, NULL, m->err, m->errlen))
    return -1;
  return get_tensor(m, c->out, c->in_t);
}

/* FULLY_CONNECTED on a 1 x 1 x cin activation: a dense layer. */
static int import_dense(tfl *m, const opinfo *o, const opctx *c, nn_net *net) {
  char *err = m->err;
  size_t errlen = m->errlen;
  const uint32_t j = c->j;
  int actc = (int)opt(m, o, 0, 1, 0), act;
  if (fused_act(actc, &act) || opt(m, o, 1, 1, 0) != 0)
    return nn_fail(err, errlen, "tflite: operator %u (FULLY_CONNECTED): unsupported options", j);
  tensor wt;
  if (get_tensor(m, op_in(m, o, 1), &wt))
    return -1;
  if (wt.ndim != 2 || wt.shape[1] != c->cin || c->h != 1 || c->w != 1)
    return nn_fail(err, errlen,
                   "tflite: operator %u (FULLY_CONNECTED): weights do not fit a "
                   "%dx%dx%d input",
                   j, c->h, c->w, c->cin);
  int cout = wt.shape[0];
  if (cout < 1 || cout > NN_MAX_CH)
    return nn_fail(err, errlen, "tflite: operator %u (FULLY_CONNECTED): %d outputs", j, cout);
  if (add_weighted(m, o, j, c->in_t, &wt, NN_DENSE, act, 1, cout, net, err, errlen))
    return -1;
  return get_tensor(m, c->out, c->in_t);
}

/* LOGISTIC right after a dense layer without activation: that layer's sigmoid. */
static int import_logistic(tfl *m, const opctx *c, nn_net *net) {
  nn_layer *L = net->n ? &net->L[net->n - 1] : NULL;
  if (!L || L->op != NN_DENSE || L->act != NN_ACT_NONE)
    return nn_fail(m->err, m->errlen, "tflite: operator %u (LOGISTIC) not after a dense layer",
                   c->j);
  L->act = NN_ACT_SIGMOID;
  return 0;
}

/* Operator j of the chain, reading tensor cur: checks it continues the chain and appends what
 * it does to net. Its output tensor in *out. 0, or -1 with a reason. */
static int import_op(tfl *m, uint32_t j, int cur, tensor *in_t, nn_net *net, int *out) {
  opinfo o;
  if (get_op(m, j, &o))
    return -1;
  int data = op_in(m, &o, o.code == OP_SPLIT ? 1 : 0);
  if (data != cur)
    return nn_fail(m->err, m->errlen, "tflite: operator %u (%s) branches off the main chain", j,
                   op_name(o.code));
  int li = net->n;
  opctx c = {j, op_out(m, &o, 0), 0, 0, 0, in_t};
  c.h = li ? net->L[li - 1].out_h : net->in_h;
  c.w = li ? net->L[li - 1].out_w : net->in_w;
  c.cin = li ? net->L[li - 1].cout : net->in_c;
  if (c.out < 0)
    return nn_fail(m->err, m->errlen, "tflite: operator %u (%s) has no output", j, op_name(o.code));
  int rc;
  switch (o.code) {
  case OP_RESHAPE:
  case OP_SQUEEZE:
  case OP_QUANTIZE:
  case OP_DEQUANTIZE:
  case OP_SPLIT: rc = import_passthrough(m, &o, cur, &c); break;
  case OP_CONV_2D:
  case OP_DEPTHWISE_CONV_2D: rc = import_conv(m, &o, &c, net); break;
  case OP_MEAN:
  case OP_AVERAGE_POOL_2D: rc = import_pool(m, &o, &c, net); break;
  case OP_FULLY_CONNECTED: rc = import_dense(m, &o, &c, net); break;
  case OP_LOGISTIC: rc = import_logistic(m, &c, net); break;
  default:
    return nn_fail(m->err, m->errlen, "tflite: operator %u (%s, code %d) unsupported", j,
                   op_name(o.code), o.code);
  }
  if (rc)
    return -1;
  *out = c.out;
  return m->f.bad ? corrupt(m) : 0;
}

/* The network: the operators from the first convolution on, one chain, each imported as a
 * layer (or folded into one). */
static nn_net *build(tfl *m) {
  uint32_t start = 0;
  opinfo o;
  if (find_body(m, &start, &o))
    return NULL;
  int cur = op_in(m, &o, 0);
  tensor ti;
  if (get_tensor(m, cur, &ti))
    return NULL;
  if (ti.ndim != 4 || ti.shape[0] != 1) {
    nn_fail(m->err, m->errlen, "tflite: first convolution input is not 1 x H x W x C");
    return NULL;
  }
  nn_net *net = nn_net_new(ti.shape[1], ti.shape[2], ti.shape[3], m->err, m->errlen);
  if (!net)
    return NULL;
  tensor in_t = ti; /* quantization of the current activation, for implied bias scales */
  for (uint32_t j = start; j < m->nops; j++)
    if (import_op(m, j, cur, &in_t, net, &cur))
      goto fail;
  if (nn_net_finish(net, m->err, m->errlen))
    goto fail;
  return net;
fail:
  nn_net_free(net);
  return NULL;
}

nn_net *nn_tflite_load(const uint8_t *buf, size_t len, char *err, size_t errlen) {
  if (!nn_tflite_detect(buf, len)) {
    nn_fail(err, errlen, "tflite: missing TFL3 identifier");
    return NULL;
  }
  tfl m;
  memset(&m, 0, sizeof m);
  m.f.b = buf;
  m.f.n = len;
  m.err = err;
  m.errlen = errlen;
  fbr *f = &m.f;
  fbt sg;
  uint32_t nsg;
  uint64_t sgs;
  if (fb_table(f, rd_u32(f, 0), &m.model) ||
      fb_vec(f, &m.model, 1, 4, &m.opcodes, &m.nopcodes) < 0 ||
      fb_vec(f, &m.model, 2, 4, &sgs, &nsg) < 0 ||
      fb_vec(f, &m.model, 4, 4, &m.buffers, &m.nbuffers) < 0) {
    corrupt(&m);
    return NULL;
  }
  if (nsg < 1) {
    nn_fail(err, errlen, "tflite: no subgraph");
    return NULL;
  }
  if (fb_vec_table(f, sgs, 0, &sg) || fb_vec(f, &sg, 0, 4, &m.tensors, &m.ntensors) < 0 ||
      fb_vec(f, &sg, 3, 4, &m.ops, &m.nops) < 0) {
    corrupt(&m);
    return NULL;
  }
  m.sg = sg;
  nn_net *net = build(&m);
  if (net)
    read_labels(buf, len, net);
  return net;
}
