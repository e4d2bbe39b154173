/* model_io.h — sonomap's own model file ("SMNN", models/FORMAT.md): writer and validating
 * loader. Any truncation, wrong shape, unknown op, non-finite weight or absurd size gives a
 * one-line reason; allocations are never larger than what the file itself holds. */
#ifndef NN_MODEL_IO_H
#define NN_MODEL_IO_H

#include <stddef.h>
#include <stdint.h>

#include "nn/net.h"

#define NN_MODEL_MAGIC "SMNN"
#define NN_MODEL_VERSION 1
enum nn_model_wtype { NN_W_F32 = 0, NN_W_F16 = 1, NN_W_I8 = 2 };

int nn_model_io_detect(const uint8_t *buf, size_t len);
/* Serialize a finished net with weights stored as wtype. *out is malloc'ed. */
int nn_model_io_write(const nn_net *net, int wtype, uint8_t **out, size_t *len, char *err,
                      size_t errlen);
/* Parse and validate; returns a finished net or NULL with a reason. */
nn_net *nn_model_io_read(const uint8_t *buf, size_t len, char *err, size_t errlen);

#endif
