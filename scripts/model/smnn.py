"""smnn.py — read and write sonomap's SMNN network files (models/FORMAT.md) from Python.

read(path) -> dict(h, w, c, layers=[dict(op, act, stride, cout, w (float32, file order), b)], names)
write(path, h, w, c, layers, names, wtype='f16')  with layers as read() returns them.
Ops: 'conv' 3x3, 'dw' depthwise 3x3, 'pw' pointwise 1x1, 'pool', 'dense'; activations 'none',
'relu', 'relu6', 'sigmoid'. Weight orders: conv [C][ky][kx][Cin], dw [ky][kx][C], pw/dense [C][Cin].
"""
import struct

import numpy as np

OPS = {1: 'conv', 2: 'dw', 3: 'pw', 4: 'pool', 5: 'dense'}
ACTS = {0: 'none', 1: 'relu', 2: 'relu6', 3: 'sigmoid'}
OP_CODE = {v: k for k, v in OPS.items()}
ACT_CODE = {v: k for k, v in ACTS.items()}


def _count(op, cout, cin):
    return {'conv': cout * 9 * cin, 'dw': 9 * cout, 'pw': cout * cin, 'pool': 0, 'dense': cout * cin}[op]


def read(path):
    b = open(path, 'rb').read()
    if b[:4] != b'SMNN':
        raise ValueError(f'{path}: not an SMNN file')
    ver, h, w, c, nl, nn, flags = struct.unpack_from('<7I', b, 4)
    o, cin, layers = 32, c, []
    for _ in range(nl):
        op, act, stride, wt = b[o], b[o + 1], b[o + 2], b[o + 3]
        cout, = struct.unpack_from('<I', b, o + 4)
        o += 8
        op = OPS[op]
        n = _count(op, cout, cin)
        if wt == 0:
            W = np.frombuffer(b, '<f4', n, o).astype(np.float32); o += 4 * n
        elif wt == 1:
            W = np.frombuffer(b, '<f2', n, o).astype(np.float32); o += 2 * n
        else:
            q = np.frombuffer(b, 'i1', n, o).astype(np.float32); o += n
            s = np.frombuffer(b, '<f4', cout, o); o += 4 * cout
            ch = np.arange(n) % cout if op == 'dw' else np.arange(n) // (n // cout)
            W = q * s[ch]
        B = None
        if op != 'pool':
            B = np.frombuffer(b, '<f4', cout, o).astype(np.float32); o += 4 * cout
        layers.append(dict(op=op, act=ACTS[act], stride=stride, cout=cout, w=W, b=B))
        cin = cout
    names = []
    for _ in range(nn):
        k, = struct.unpack_from('<H', b, o)
        names.append(b[o + 2:o + 2 + k].decode('utf-8'))
        o += 2 + k
    if o != len(b):
        raise ValueError(f'{path}: {len(b) - o} trailing bytes')
    return dict(h=h, w=w, c=c, layers=layers, names=names)


def write(path, h, w, c, layers, names, wtype='f16'):
    out = bytearray(b'SMNN' + struct.pack('<7I', 1, h, w, c, len(layers), len(names), 0))
    cin = c
    for L in layers:
        op = L['op']
        wt = 0 if op == 'pool' else {'f32': 0, 'f16': 1}[wtype]
        out += struct.pack('<BBBBI', OP_CODE[op], ACT_CODE[L['act']], L.get('stride', 1), wt, L['cout'])
        W = np.asarray(L['w'], np.float32).ravel() if op != 'pool' else np.zeros(0, np.float32)
        if W.size != _count(op, L['cout'], cin):
            raise ValueError(f'layer {op}: {W.size} weights, expected {_count(op, L["cout"], cin)}')
        out += W.astype('<f2' if wt == 1 else '<f4').tobytes()
        if op != 'pool':
            out += np.asarray(L['b'], '<f4').tobytes()
        cin = L['cout']
    for s in names:
        e = s.encode('utf-8')
        out += struct.pack('<H', len(e)) + e
    with open(path, 'wb') as f:
        f.write(out)
    return len(out)
