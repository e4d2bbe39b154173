#!/usr/bin/python3
"""Print the graph of a .tflite file (operators, tensors, quantization) with a small
flatbuffer reader of our own. Usage: /usr/bin/python3 scripts/tflite-dump.py model.tflite"""
import struct, sys

OPS = {0: 'ADD', 1: 'AVERAGE_POOL_2D', 2: 'CONCATENATION', 3: 'CONV_2D', 4: 'DEPTHWISE_CONV_2D',
       6: 'DEQUANTIZE', 9: 'FULLY_CONNECTED', 14: 'LOGISTIC', 18: 'MUL', 22: 'RESHAPE',
       34: 'PAD', 39: 'TRANSPOSE', 40: 'MEAN', 41: 'SUB', 43: 'SQUEEZE', 45: 'STRIDED_SLICE',
       47: 'EXP', 53: 'CAST', 55: 'MAXIMUM', 65: 'SLICE', 70: 'EXPAND_DIMS', 73: 'LOG',
       74: 'SUM', 75: 'SQRT', 77: 'SHAPE', 92: 'SQUARE', 101: 'ABS', 114: 'QUANTIZE',
       126: 'BATCH_MATMUL', 127: 'PLACEHOLDER_FOR_GREATER_OP_CODES', 153: 'RFFT2D',
       132: 'COMPLEX_ABS', 133: 'REAL', 134: 'IMAG', 49: 'SPLIT', 83: 'PACK', 32: 'CUSTOM',
       2: 'CONCATENATION', 96: 'RANGE', 110: 'RANK', 123: 'SELECT_V2', 59: 'NEG', 78: 'POW'}
TYPES = ['f32', 'f16', 'i32', 'u8', 'i64', 'str', 'bool', 'i16', 'c64', 'i8']

class FB:
    def __init__(s, b): s.b = b
    def u32(s, o): return struct.unpack_from('<I', s.b, o)[0]
    def i32(s, o): return struct.unpack_from('<i', s.b, o)[0]
    def tab(s, o):  # returns (table pos, vtable pos)
        return o, o - s.i32(o)
    def field(s, t, i):
        pos, vt = t
        vlen = struct.unpack_from('<H', s.b, vt)[0]
        if 4 + 2 * i >= vlen: return None
        off = struct.unpack_from('<H', s.b, vt + 4 + 2 * i)[0]
        return pos + off if off else None
    def sub(s, t, i):
        f = s.field(t, i)
        return None if f is None else s.tab(f + s.u32(f))
    def vec(s, t, i):
        f = s.field(t, i)
        if f is None: return None, 0
        v = f + s.u32(f)
        return v + 4, s.u32(v)
    def vtabs(s, t, i):
        p, n = s.vec(t, i)
        return [s.tab(p + 4 * k + s.u32(p + 4 * k)) for k in range(n)]
    def vints(s, t, i, fmt='<i', sz=4):
        p, n = s.vec(t, i)
        return [struct.unpack_from(fmt, s.b, p + sz * k)[0] for k in range(n)] if p else []
    def str(s, t, i):
        p, n = s.vec(t, i)
        return s.b[p:p + n].decode('utf8', 'replace') if p else ''
    def sc(s, t, i, fmt, d):
        f = s.field(t, i)
        return d if f is None else struct.unpack_from(fmt, s.b, f)[0]

def main(path):
    b = open(path, 'rb').read()
    fb = FB(b)
    m = fb.tab(fb.u32(0))
    print('version', fb.sc(m, 0, '<I', 0), 'desc', fb.str(m, 3))
    codes = []
    for oc in fb.vtabs(m, 1):
        dep = fb.sc(oc, 0, '<b', 0); bc = fb.sc(oc, 3, '<i', 0)
        codes.append(max(dep, bc))
    bufs = fb.vtabs(m, 4)
    sgs = fb.vtabs(m, 2)
    for sg in sgs:
        tens = fb.vtabs(sg, 0)
        print('inputs', fb.vints(sg, 1), 'outputs', fb.vints(sg, 2))
        def tdesc(k):
            t = tens[k]
            shape = fb.vints(t, 0); ty = TYPES[fb.sc(t, 1, '<b', 0)]; bi = fb.sc(t, 2, '<I', 0)
            q = fb.sub(t, 4); qs = ''
            if q:
                sc = fb.vints(q, 2, '<f', 4); zp = fb.vints(q, 3, '<q', 8)
                if sc: qs = ' q[%d] s=%.4g zp=%d dim=%d' % (len(sc), sc[0], zp[0] if zp else 0, fb.sc(q, 6, '<i', 0))
            p, n = fb.vec(bufs[bi], 0) if bi < len(bufs) else (None, 0)
            return '%d:%s %s %s%s%s' % (k, fb.str(t, 3)[-40:], ty, shape, qs, ' const(%d)' % n if n else '')
        for j, op in enumerate(fb.vtabs(sg, 3)):
            oi = fb.sc(op, 0, '<I', 0)
            name = OPS.get(codes[oi], str(codes[oi]))
            ot = fb.sc(op, 3, '<B', 0); o = fb.sub(op, 4); opts = ''
            if o:
                opts = ' opts%d[%s]' % (ot, ','.join(str(fb.sc(o, i, '<i', None)) for i in range(7)))
            print('op%d %s%s' % (j, name, opts))
            for k in fb.vints(op, 1):
                print('   in ', tdesc(k) if k >= 0 else '-')
            for k in fb.vints(op, 2):
                print('   out', tdesc(k))

if __name__ == '__main__':
    main(sys.argv[1])
