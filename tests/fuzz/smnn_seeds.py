#!/usr/bin/env python3
"""smnn_seeds.py OUTDIR — tiny SMNN networks (models/FORMAT.md) as seeds of the model fuzz
target: an 8 x 8 patch through conv, depthwise, pointwise, pool and dense layers, with f32, f16
and int8 weights, with and without class names. Seeded, so the same files every run."""
import random
import struct
import sys


def layer(op, act, stride, wtype, cout, cin, rnd):
    n = {1: cout * 9 * cin, 2: 9 * cout, 3: cout * cin, 4: 0, 5: cout * cin}[op]
    b = struct.pack('<BBBBI', op, act, stride, wtype, cout)
    w = [rnd.uniform(-1, 1) for _ in range(n)]
    if wtype == 0:
        b += struct.pack(f'<{n}f', *w)
    elif wtype == 1:
        b += struct.pack(f'<{n}e', *w)
    else:
        b += struct.pack(f'<{n}b', *[int(x * 127) for x in w])
        if op != 4:
            b += struct.pack(f'<{cout}f', *[0.01] * cout)
    if op != 4:
        b += struct.pack(f'<{cout}f', *[rnd.uniform(-0.1, 0.1) for _ in range(cout)])
    return b


def net(wtype, names, rnd):
    h, w, cin = 8, 8, 1
    layers = [(1, 1, 2, 4), (2, 2, 1, 4), (3, 1, 1, 6), (2, 1, 2, 6), (3, 2, 1, 8), (4, 0, 1, 8),
              (5, 1, 1, 5), (5, 3, 1, 3)]
    body, c = b'', cin
    for op, act, stride, cout in layers:
        body += layer(op, act, stride, 0 if op == 4 else wtype, cout, c, rnd)
        c = cout
    ncls = 3 if names else 0
    head = b'SMNN' + struct.pack('<7I', 1, h, w, cin, len(layers), ncls, 0)
    tail = b''.join(struct.pack('<H', len(s)) + s for s in [b'dog', b'rain', b'bell'][:ncls])
    return head + body + tail


rnd = random.Random(1207)
out = sys.argv[1]
for wtype, tag in [(0, 'f32'), (1, 'f16'), (2, 'int8')]:
    for names in (0, 1):
        with open(f'{out}/tiny-{tag}{"-names" if names else ""}.smnn', 'wb') as f:
            f.write(net(wtype, names, rnd))
