// png-node.test.mjs — the CLI's PNG sheets (web/cli/png-node.mjs) hold the same pixels as the
// engine's sprite sheets of the same tiles: both decoded here (IHDR, IDAT inflated, every row
// filter undone) and compared, with odd tile counts (transparent cells) and a single tile.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import test from 'node:test';
import { encodeTileSheet } from '../../web/cli/png-node.mjs';
import { loadEngine } from '../../web/core/engine.js';
import { decodePng } from './png-decode.mjs';

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
