"""A small TFLite flatbuffer reader of our own (no tflite package needed), for scripts only:
the graph dumper and the independent numpy reference. Reads the Model table, operator codes,
the first subgraph's tensors and operators, buffers and quantization parameters."""
import struct

import numpy as np

OPS = {0: 'ADD', 1: 'AVERAGE_POOL_2D', 3: 'CONV_2D', 4: 'DEPTHWISE_CONV_2D', 6: 'DEQUANTIZE',
       9: 'FULLY_CONNECTED', 14: 'LOGISTIC', 18: 'MUL', 22: 'RESHAPE', 25: 'SOFTMAX',
       34: 'PAD', 36: 'GATHER', 40: 'MEAN', 43: 'SQUEEZE', 45: 'STRIDED_SLICE', 49: 'SPLIT',
       73: 'LOG', 114: 'QUANTIZE', 131: 'RFFT2D', 135: 'COMPLEX_ABS'}
DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 9: np.int8}


class FB:
    def __init__(self, b):
        self.b = b

    def u32(self, o):
        return struct.unpack_from('<I', self.b, o)[0]

    def tab(self, o):
        return o, o - struct.unpack_from('<i', self.b, o)[0]

    def field(self, t, i):
        pos, vt = t
        vlen = struct.unpack_from('<H', self.b, vt)[0]
        if 4 + 2 * i >= vlen:
            return None
        off = struct.unpack_from('<H', self.b, vt + 4 + 2 * i)[0]
        return pos + off if off else None

    def sub(self, t, i):
        f = self.field(t, i)
        return None if f is None else self.tab(f + self.u32(f))

    def vec(self, t, i):
        f = self.field(t, i)
        if f is None:
            return None, 0
        v = f + self.u32(f)
        return v + 4, self.u32(v)

    def tables(self, t, i):
        p, n = self.vec(t, i)
        return [self.tab(p + 4 * k + self.u32(p + 4 * k)) for k in range(n)]

    def array(self, t, i, dtype):
        p, n = self.vec(t, i)
        if p is None:
            return np.zeros(0, dtype)
        return np.frombuffer(self.b, dtype, n, p)

    def string(self, t, i):
        p, n = self.vec(t, i)
        return self.b[p:p + n].decode('utf8', 'replace') if p else ''

    def scalar(self, t, i, fmt, default):
        f = self.field(t, i)
        return default if f is None else struct.unpack_from(fmt, self.b, f)[0]


class Tensor:
    pass


class Model:
    """model.ops: list of (name, inputs, outputs, options table or None);
    model.tensor(i): Tensor with name, shape, type, data (numpy or None), scale, zero_point, qdim."""

    def __init__(self, data):
        fb = self.fb = FB(data)
        m = fb.tab(fb.u32(0))
        self.codes = [max(fb.scalar(oc, 0, '<b', 0), fb.scalar(oc, 3, '<i', 0))
                      for oc in fb.tables(m, 1)]
        self.buffers = fb.tables(m, 4)
        sg = fb.tables(m, 2)[0]
        self.tensors = fb.tables(sg, 0)
        self.inputs = list(fb.array(sg, 1, '<i4'))
        self.outputs = list(fb.array(sg, 2, '<i4'))
        self.ops = []
        for op in fb.tables(sg, 3):
            code = self.codes[fb.scalar(op, 0, '<I', 0)]
            self.ops.append((OPS.get(code, 'op%d' % code), list(fb.array(op, 1, '<i4')),
                             list(fb.array(op, 2, '<i4')), fb.sub(op, 4)))

    def opt(self, op, i, fmt, default):
        return default if op[3] is None else self.fb.scalar(op[3], i, fmt, default)

    def tensor(self, k):
        fb, t = self.fb, self.tensors[k]
        r = Tensor()
        r.name = fb.string(t, 3)
        r.shape = [int(x) for x in fb.array(t, 0, '<i4')]
        r.type = fb.scalar(t, 1, '<b', 0)
        bi = fb.scalar(t, 2, '<I', 0)
        r.data = None
        if bi and bi < len(self.buffers):
            raw = fb.array(self.buffers[bi], 0, np.uint8)
            if len(raw):
                r.data = np.frombuffer(raw.tobytes(), DTYPES[r.type]).reshape(r.shape)
        q = fb.sub(t, 4)
        r.scale = fb.array(q, 2, '<f4') if q else np.zeros(0, np.float32)
        r.zero_point = fb.array(q, 3, '<i8') if q else np.zeros(0, np.int64)
        r.qdim = fb.scalar(q, 6, '<i', 0) if q else 0
        return r

    def dequantize(self, r):
        """Constant tensor to float64 (per-channel along qdim)."""
        x = r.data.astype(np.float64)
        if r.type in (0, 1) or len(r.scale) == 0:
            return x
        shape = [1] * x.ndim
        if len(r.scale) > 1:
            shape[r.qdim] = len(r.scale)
        sc = r.scale.astype(np.float64).reshape(shape)
        zp = r.zero_point.astype(np.float64)
        zp = zp.reshape(shape) if len(zp) > 1 else (zp[0] if len(zp) else 0.0)
        return (x - zp) * sc
