// make-icons.mjs — the app's icons (the favicon's three bars on a dark square) as PNGs for the
// web app manifest: icons/icon-192.png, icons/icon-512.png and a maskable 512 px one whose logo
// sits in the safe zone. Drawn here (antialiased by 4x4 supersampling) and written with
// node:zlib, so no image is committed. Called by build-web.mjs: makeIcons(outDir).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const BG = [13, 17, 23];
// the favicon's bars in its 16-unit box: x, y, w, h, colour (corner radius 1)
const BARS = [
  [2, 8, 3, 6, [76, 201, 240]],
  [6.5, 3, 3, 11, [247, 37, 133]],
  [11, 6, 3, 8, [255, 209, 102]],
];

const inRound = (x, y, x0, y0, w, h, r) => {
  if (x < x0 || y < y0 || x > x0 + w || y > y0 + h) return false;
  const cx = Math.min(Math.max(x, x0 + r), x0 + w - r);
  const cy = Math.min(Math.max(y, y0 + r), y0 + h - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};

/** RGBA pixels of the icon at `size` px; maskable: a full square, the logo in the middle 70 %. */
function draw(size, maskable) {
  const px = new Uint8Array(size * size * 4);
  const S = 4;
  const scale = maskable ? 16 / (size * 0.7) : 16 / size;
  const off = maskable ? (size * 0.15 * 16) / (size * 0.7) : 0;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < S; sy++)
        for (let sx = 0; sx < S; sx++) {
          const u = (x + (sx + 0.5) / S) * scale - off;
          const v = (y + (sy + 0.5) / S) * scale - off;
          let c = null;
          if (maskable || inRound(u, v, 0, 0, 16, 16, 4)) c = BG;
          for (const [bx, by, bw, bh, col] of BARS) if (inRound(u, v, bx, by, bw, bh, 1)) c = col;
          if (c) {
            acc[0] += c[0];
            acc[1] += c[1];
            acc[2] += c[2];
            acc[3] += 255;
          }
        }
      const a = acc[3] / (S * S);
      const k = (y * size + x) * 4;
      if (a > 0) for (let j = 0; j < 3; j++) px[k + j] = Math.round(acc[j] / (acc[3] / 255));
      px[k + 3] = Math.round(a);
    }
  return px;
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const b = Buffer.alloc(12 + data.length);
  b.writeUInt32BE(data.length, 0);
  b.write(type, 4, 'ascii');
  data.copy(b, 8);
  b.writeUInt32BE(crc32(b.subarray(4, 8 + data.length)), 8 + data.length);
  return b;
};

/** RGBA pixels → PNG bytes (8-bit RGBA, no filtering). */
export function encodePng(px, w, h) {
  const raw = Buffer.alloc(h * (1 + w * 4));
  for (let y = 0; y < h; y++)
    Buffer.from(px.buffer, px.byteOffset + y * w * 4, w * 4).copy(raw, y * (1 + w * 4) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function makeIcons(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, size, maskable] of [
    ['icon-192.png', 192, false],
    ['icon-512.png', 512, false],
    ['icon-maskable-512.png', 512, true],
  ])
    fs.writeFileSync(path.join(outDir, name), encodePng(draw(size, maskable), size, size));
}
