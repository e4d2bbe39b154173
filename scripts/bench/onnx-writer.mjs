// onnx-writer.mjs — a minimal ONNX ModelProto encoder (protobuf written by hand) for the
// benchmark: float tensors, nodes with int/ints/float attributes, fixed-shape inputs/outputs.

class PB {
  constructor() {
    this.parts = [];
    this.len = 0;
  }
  bytes(b) {
    this.parts.push(b);
    this.len += b.length;
    return this;
  }
  varint(v) {
    const out = [];
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x) b |= 0x80;
      out.push(b);
    } while (x);
    return this.bytes(Uint8Array.from(out));
  }
  key(field, wire) {
    return this.varint((field << 3) | wire);
  }
  int(field, v) {
    return this.key(field, 0).varint(v);
  }
  str(field, s) {
    return this.lenDelim(field, new TextEncoder().encode(s));
  }
  lenDelim(field, b) {
    return this.key(field, 2).varint(b.length).bytes(b);
  }
  msg(field, pb) {
    return this.lenDelim(field, pb.finish());
  }
  f32(field, v) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.key(field, 5).bytes(b);
  }
  finish() {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

function tensor(name, dims, data) {
  const t = new PB();
  for (const d of dims) t.int(1, d);
  t.int(2, 1); // FLOAT
  t.str(8, name);
  t.lenDelim(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return t;
}

function valueInfo(name, dims) {
  const shape = new PB();
  for (const d of dims) shape.msg(1, new PB().int(1, d));
  const tt = new PB().int(1, 1).msg(2, shape);
  return new PB().str(1, name).msg(2, new PB().msg(1, tt));
}

function attr(name, v) {
  const a = new PB().str(1, name);
  if (Array.isArray(v)) {
    for (const x of v) a.int(8, x);
    a.int(20, 7);
  } // INTS
  else if (Number.isInteger(v)) {
    a.int(3, v);
    a.int(20, 2);
  } // INT
  else {
    a.f32(2, v);
    a.int(20, 1);
  } // FLOAT
  return a;
}

/** nodes: [{op, inputs, outputs, attrs}], inits: [{name, dims, data}] */
export function onnxModel({ nodes, inits, inputs, outputs, opset = 13 }) {
  const g = new PB();
  nodes.forEach((n, i) => {
    const np = new PB();
    for (const s of n.inputs) np.str(1, s);
    for (const s of n.outputs) np.str(2, s);
    np.str(3, `n${i}`).str(4, n.op);
    for (const [k, v] of Object.entries(n.attrs || {})) np.msg(5, attr(k, v));
    g.msg(1, np);
  });
  g.str(2, 'g');
  for (const t of inits) g.msg(5, tensor(t.name, t.dims, t.data));
  for (const v of inputs) g.msg(11, valueInfo(v.name, v.dims));
  for (const v of outputs) g.msg(12, valueInfo(v.name, v.dims));
  const m = new PB().int(1, 8).str(2, 'sonomap-bench');
  m.msg(8, new PB().str(1, '').int(2, opset));
  m.msg(7, g);
  return m.finish();
}
