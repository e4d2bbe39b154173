/* ref_ops.c — scalar reference ops; see ref_ops.h. */
#include "nn/ref_ops.h"

#include <math.h>

#include "nn/net.h"

float nn_activate(float x, int act) {
  switch (act) {
  case NN_ACT_RELU: return x > 0.0f ? x : 0.0f;
  case NN_ACT_RELU6: return x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f;
  case NN_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
  default: return x;
  }
}

int nn_same_out(int in, int stride) { return (in + stride - 1) / stride; }

int nn_same_pad(int in, int stride) {
  int total = (nn_same_out(in, stride) - 1) * stride + 3 - in;
  return total > 0 ? total / 2 : 0;
}

void nn_ref_conv3(const float *in, int n, int h, int w, int cin, const float *wt, const float *bias,
                  int cout, int stride, int act, float *out) {
  int oh = nn_same_out(h, stride), ow = nn_same_out(w, stride);
  int pt = nn_same_pad(h, stride), pl = nn_same_pad(w, stride);
  for (int b = 0; b < n; b++)
    for (int oy = 0; oy < oh; oy++)
      for (int ox = 0; ox < ow; ox++)
        for (int co = 0; co < cout; co++) {
          double s = bias ? bias[co] : 0.0;
          for (int ky = 0; ky < 3; ky++) {
            int iy = oy * stride + ky - pt;
            if (iy < 0 || iy >= h)
              continue;
            for (int kx = 0; kx < 3; kx++) {
              int ix = ox * stride + kx - pl;
              if (ix < 0 || ix >= w)
                continue;
              const float *px = in + (((size_t)b * h + iy) * w + ix) * cin;
              const float *k = wt + (((size_t)co * 3 + ky) * 3 + kx) * cin;
              for (int ci = 0; ci < cin; ci++)
                s += (double)px[ci] * k[ci];
            }
          }
          out[(((size_t)b * oh + oy) * ow + ox) * cout + co] = nn_activate((float)s, act);
        }
}

void nn_ref_dw3(const float *in, int n, int h, int w, int c, const float *wt, const float *bias,
                int stride, int act, float *out) {
  int oh = nn_same_out(h, stride), ow = nn_same_out(w, stride);
  int pt = nn_same_pad(h, stride), pl = nn_same_pad(w, stride);
  for (int b = 0; b < n; b++)
    for (int oy = 0; oy < oh; oy++)
      for (int ox = 0; ox < ow; ox++)
        for (int ch = 0; ch < c; ch++) {
          double s = bias ? bias[ch] : 0.0;
          for (int ky = 0; ky < 3; ky++) {
            int iy = oy * stride + ky - pt;
            if (iy < 0 || iy >= h)
              continue;
            for (int kx = 0; kx < 3; kx++) {
              int ix = ox * stride + kx - pl;
              if (ix < 0 || ix >= w)
                continue;
              s +=
                  (double)in[(((size_t)b * h + iy) * w + ix) * c + ch] * wt[(ky * 3 + kx) * c + ch];
            }
          }
          out[(((size_t)b * oh + oy) * ow + ox) * c + ch] = nn_activate((float)s, act);
        }
}

void nn_ref_pw(const float *in, int rows, int cin, const float *wt, const float *bias, int cout,
               int act, float *out) {
  for (int r = 0; r < rows; r++)
    for (int co = 0; co < cout; co++) {
      double s = bias ? bias[co] : 0.0;
      const float *x = in + (size_t)r * cin, *k = wt + (size_t)co * cin;
      for (int ci = 0; ci < cin; ci++)
        s += (double)x[ci] * k[ci];
      out[(size_t)r * cout + co] = nn_activate((float)s, act);
    }
}

void nn_ref_gap(const float *in, int n, int hw, int c, float *out) {
  for (int b = 0; b < n; b++)
    for (int ch = 0; ch < c; ch++) {
      double s = 0.0;
      for (int p = 0; p < hw; p++)
        s += in[((size_t)b * hw + p) * c + ch];
      out[(size_t)b * c + ch] = (float)(s / (hw > 0 ? hw : 1));
    }
}
