// png-node.test.mjs — the CLI's PNG sheets (web/cli/png-node.mjs) hold the same pixels as the
// engine's sprite sheets of the same tiles: both decoded here (IHDR, IDAT inflated, every row
// filter undone) and compared, with odd tile counts (transparent cells) and a single tile.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import test from 'node:test';
import zlib from 'node:zlib';
import { encodeTileSheet } from '../../web/cli/png-node.mjs';
import { loadEngine } from '../../web/core/engine.js';

function decodePng(buf) {
  assert.deepEqual([...buf.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'signature');
  let w = 0;
  let h = 0;
  const idat = [];
  for (let o = 8; o < buf.length; ) {
    const len = buf.readUInt32BE(o);
    const type = buf.toString('latin1', o + 4, o + 8);
    const data = buf.subarray(o + 8, o + 8 + len);
    assert.equal(
      buf.readUInt32BE(o + 8 + len),
      zlib.crc32(buf.subarray(o + 4, o + 8 + len)),
      'CRC',
    );
    if (type === 'IHDR') {
      w = data.readUInt32BE(0);
      h = data.readUInt32BE(4);
      assert.deepEqual([...data.subarray(8)], [8, 6, 0, 0, 0], '8-bit RGBA');
    } else if (type === 'IDAT') idat.push(data);
    o += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = w * 4;
  const px = new Uint8Array(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= 4 ? px[y * stride + x - 4] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? px[(y - 1) * stride + x - 4] : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else assert.equal(f, 0, 'a known filter');
      px[y * stride + x] = (v + pred) & 255;
    }
  }
  return { w, h, px };
}

test('CLI PNG sheets: the same pixels as the engine sheets of the same tiles', async () => {
  const engine = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 24;
  };
  for (const [n, tile] of [
    [1, 8],
    [7, 16],
    [10, 12],
    [30, 32],
  ]) {
    const tiles = new Uint8Array(n * tile * tile * 4);
    for (let i = 0; i < tiles.length; i++) tiles[i] = i % 4 === 3 ? 255 : rnd();
    const mine = encodeTileSheet(tiles, n, tile);
    const theirs = engine.spriteEncode(tiles, n, tile, 0);
    assert.equal(mine.cols, theirs.cols, `${n} tiles: columns`);
    const a = decodePng(await mine.bytes);
    const b = decodePng(Buffer.from(theirs.bytes));
    assert.deepEqual([a.w, a.h], [b.w, b.h], `${n} tiles: size`);
    assert.ok(Buffer.from(a.px).equals(Buffer.from(b.px)), `${n} tiles: pixels`);
    // and a tile lands where the layout says: the last tile's first pixel
    const cx = (n - 1) % mine.cols;
    const cy = Math.floor((n - 1) / mine.cols);
    const at = (cy * tile * a.w + cx * tile) * 4;
    assert.deepEqual(
      [...a.px.subarray(at, at + 4)],
      [...tiles.subarray((n - 1) * tile * tile * 4, (n - 1) * tile * tile * 4 + 4)],
    );
  }
});
