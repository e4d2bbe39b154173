// npy-rows.mjs — rows of an N x D .npy file read from disk block by block (float32 or float64,
// to Float32Array), so files larger than memory can be mapped with --fit-sample.
import fs from 'node:fs';
import { npyHeader } from '../core/npy.js';

/** → {n, d, read(start, count) → Float32Array(count x d), close()}. Throws with a reason. */
export function openNpyRows(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(65536);
    const got = fs.readSync(fd, head, 0, head.length, 0);
    const { shape, size, offset } = npyHeader(head.subarray(0, got), file);
    if (shape.length !== 2)
      throw new Error(`${file}: expected a 2-D array (N x D), got shape (${shape})`);
    const [n, d] = shape;
    const bytes = fs.fstatSync(fd).size;
    if (offset + n * d * size > bytes)
      throw new Error(`${file}: data shorter than its shape (${shape}) says`);
    const read = (start, count) => {
      const len = count * d * size;
      const buf = Buffer.alloc(len);
      let at = 0;
      while (at < len) {
        const r = fs.readSync(fd, buf, at, len - at, offset + start * d * size + at);
        if (r <= 0) throw new Error(`${file}: read past the end`);
        at += r;
      }
      if (size === 4 && buf.byteOffset % 4 === 0 && new Uint8Array(Uint16Array.of(1).buffer)[0])
        return new Float32Array(buf.buffer, buf.byteOffset, count * d); // little-endian host
      const dv = new DataView(buf.buffer, buf.byteOffset, len);
      const out = new Float32Array(count * d);
      for (let i = 0; i < out.length; i++)
        out[i] = size === 4 ? dv.getFloat32(i * 4, true) : dv.getFloat64(i * 8, true);
      return out;
    };
    return { n, d, read, close: () => fs.closeSync(fd) };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}
