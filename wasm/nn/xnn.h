/* xnn.h — the network through XNNPACK's operator API: the native second backend, built when
 * SM_HAVE_XNNPACK is defined (Debian's libxnnpack-dev). Without it, sm_xnn_forward returns -1. */
#ifndef SM_NN_XNN_H
#define SM_NN_XNN_H

struct sm_net;

/* 1 when this build has the XNNPACK backend. */
int sm_xnn_available(void);
/* Same contract as sm_net_forward. Operators are created on first use and kept in the net. */
int sm_xnn_forward(struct sm_net *net, const float *in, int n, float *emb, float *scores);
/* Delete the net's XNNPACK operators (called by sm_net_free). */
void sm_xnn_release(struct sm_net *net);

#endif
