/* tflite.h — import a TFLite flatbuffer of the YAMNet family into an nn_net.
 *
 * The flatbuffer is read with bounds checks on every offset, vtable and vector, so a truncated
 * or malicious file gives a one-line error, never a crash. The body is taken from the first
 * convolution onward (the float frontend in front of it is the engine's own log-mel code):
 * CONV_2D (3x3 'same', or 1x1), DEPTHWISE_CONV_2D (3x3, multiplier 1), MEAN over H,W or a
 * whole-map AVERAGE_POOL_2D, FULLY_CONNECTED, LOGISTIC; RESHAPE, SQUEEZE, single-way SPLIT,
 * QUANTIZE and DEQUANTIZE pass through. Weights f32, f16, int8 or uint8 (per-tensor or
 * per-channel scales and zero points) are dequantized; int32 biases become
 * bias x bias_scale (or x input_scale x weight_scale). Fused ReLU / ReLU6 are kept.
 * Class names are read from a label list stored in the file's appended metadata zip, if any. */
#ifndef NN_TFLITE_H
#define NN_TFLITE_H

#include <stddef.h>
#include <stdint.h>

#include "nn/net.h"

/* 1 when buf carries the TFLite file identifier ("TFL3" at offset 4). */
int nn_tflite_detect(const uint8_t *buf, size_t len);
/* A finished network, or NULL with a reason. */
nn_net *nn_tflite_load(const uint8_t *buf, size_t len, char *err, size_t errlen);

#endif
