// npy.js — NumPy .npy version 1.0 files of little-endian float32 (write) and float32/float64
// (read), as sound-eval and AudioNotebooks exchange them.

export function npyEncode(data, shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`npy: ${data.length} values do not fill shape (${shape})`);
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += `${' '.repeat(pad % 64)}\n`;
  const out = new Uint8Array(10 + header.length + n * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const f = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < n; i++) f.setFloat32(i * 4, data[i], true);
  return out;
}

/** The header of a .npy file from its first bytes (a few KB suffice): {shape, size (bytes per
 *  value, 4 or 8), offset (where the values start)}. Throws with a reason. */
export function npyHeader(bytes, name = '.npy file') {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (u8.length < 10 || magic.some((m, i) => u8[i] !== m))
    throw new Error(`${name}: not a .npy file`);
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const major = u8[6];
  if (major !== 1 && u8.length < 12) throw new Error(`${name}: header runs past the end`);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const hstart = major === 1 ? 10 : 12;
  if (hstart + hlen > u8.length) throw new Error(`${name}: header runs past the end`);
  const header = new TextDecoder('latin1').decode(u8.subarray(hstart, hstart + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeM = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shapeM) throw new Error(`${name}: unreadable header`);
  if (fortran) throw new Error(`${name}: Fortran-ordered arrays are not supported`);
  const shape = shapeM[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error(`${name}: bad shape (${shapeM[1]})`);
  const sizes = { '<f4': 4, '<f8': 8, '|f4': 4, '=f4': 4, '=f8': 8 };
  const size = sizes[descr];
  if (!size) throw new Error(`${name}: dtype ${descr} is not supported (float32 or float64)`);
  return { shape, size, offset: hstart + hlen };
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** → {data: Float32Array, shape}. Throws with a reason for anything it cannot read. */
export function npyDecode(bytes, name = '.npy file') {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { shape, size, offset: off } = npyHeader(u8, name);
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const n = shape.reduce((a, b) => a * b, 1);
  if (off + n * size > u8.length)
    throw new Error(`${name}: data shorter than its shape (${shape}) says`);
  const data = new Float32Array(n);
  if (size === 4 && LITTLE_ENDIAN) {
    // the bytes as they are (a copy: the caller may keep or transfer the result)
    new Uint8Array(data.buffer).set(u8.subarray(off, off + n * 4));
    return { data, shape };
  }
  for (let i = 0; i < n; i++)
    data[i] = size === 4 ? dv.getFloat32(off + i * 4, true) : dv.getFloat64(off + i * 8, true);
  return { data, shape };
}
