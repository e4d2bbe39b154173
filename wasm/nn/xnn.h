/* xnn.h — the network through XNNPACK's operator API: the native second backend, built when
 * NN_HAVE_XNNPACK is defined (Debian's libxnnpack-dev). Without it, nn_xnn_forward returns -1. */
#ifndef NN_XNN_H
#define NN_XNN_H

struct nn_net;

/* 1 when this build has the XNNPACK backend. */
int nn_xnn_available(void);
/* Same contract as nn_net_forward. Operators are created on first use and kept in the net. */
int nn_xnn_forward(struct nn_net *net, const float *in, int n, float *emb, float *scores);
/* Delete the net's XNNPACK operators (called by nn_net_free). */
void nn_xnn_release(struct nn_net *net);

#endif
