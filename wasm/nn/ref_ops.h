/* ref_ops.h — scalar reference implementations of every network op (NHWC, f32).
 * Plain loops, written for clarity: the tests hold the fast kernels and XNNPACK to these.
 * 'same' padding follows TensorFlow: total pad = max((out-1)*stride + 3 - in, 0), of which
 * floor(total/2) goes top/left and the rest bottom/right. */
#ifndef NN_REF_OPS_H
#define NN_REF_OPS_H

/* Activation codes (enum nn_act in net.h). */
float nn_activate(float x, int act);
/* Output size and leading pad of a 3x3 'same' window along one axis. */
int nn_same_out(int in, int stride);
int nn_same_pad(int in, int stride);

/* Full 3x3 conv. in: n x h x w x cin; wt: cout x 3 x 3 x cin; out: n x oh x ow x cout. */
void nn_ref_conv3(const float *in, int n, int h, int w, int cin, const float *wt, const float *bias,
                  int cout, int stride, int act, float *out);
/* Depthwise 3x3 (multiplier 1). wt: 3 x 3 x c. */
void nn_ref_dw3(const float *in, int n, int h, int w, int c, const float *wt, const float *bias,
                int stride, int act, float *out);
/* Pointwise 1x1 conv or dense layer: rows x cin -> rows x cout; wt: cout x cin. */
void nn_ref_pw(const float *in, int rows, int cin, const float *wt, const float *bias, int cout,
               int act, float *out);
/* Global average pool: n x hw x c -> n x c. */
void nn_ref_gap(const float *in, int n, int hw, int c, float *out);

#endif
