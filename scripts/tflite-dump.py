#!/usr/bin/python3
"""Print the graph of a .tflite file: operators, their tensors, shapes, types and quantization.
Usage: /usr/bin/python3 scripts/tflite-dump.py model.tflite"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tflite_reader import Model  # noqa: E402

TYPES = {0: 'f32', 1: 'f16', 2: 'i32', 3: 'u8', 4: 'i64', 8: 'c64', 9: 'i8'}


def main(path):
    m = Model(open(path, 'rb').read())
    print('inputs', m.inputs, 'outputs', m.outputs)

    def desc(k):
        if k < 0:
            return '-'
        t = m.tensor(k)
        q = ''
        if len(t.scale):
            zp = t.zero_point[0] if len(t.zero_point) else 0
            q = ' q[%d] s=%.4g zp=%d dim=%d' % (len(t.scale), t.scale[0], zp, t.qdim)
        const = ' const' if t.data is not None else ''
        return '%d:%s %s %s%s%s' % (k, t.name[-40:], TYPES.get(t.type, t.type), t.shape, q, const)

    for j, op in enumerate(m.ops):
        opts = ''
        if op[3] is not None:
            opts = ' opts[%s]' % ','.join(str(m.opt(op, i, '<i', None)) for i in range(7))
        print('op%d %s%s' % (j, op[0], opts))
        for k in op[1]:
            print('   in ', desc(k))
        for k in op[2]:
            print('   out', desc(k))


if __name__ == '__main__':
    main(sys.argv[1])
