// sprite-cells.mjs — the CLI's streamed sprite sheets for big maps (core/sprite-cells.js): the
// tiles grouped by position on the 2-D layout, each group written as one small sheet under
// sprite-cells/ as soon as it is drawn (a few sheets in flight, so a million tiles are never in
// memory at once), and the index sprite-index.npy (row → sheet, cell).
import fs from 'node:fs';
import path from 'node:path';
import { npyEncode } from '../core/npy.js';
import { CELL_SHEET_SIDE, cellGroups, cellIndex } from '../core/sprite-cells.js';
import { encodeTileSheet } from './png-node.mjs';

export const CELLS_DIR = 'sprite-cells';
export const CELLS_INDEX = 'sprite-index.npy';

/** How many tiles a streamed sheet holds: as many as fit CELL_SHEET_SIDE px a side (at least 4). */
export function cellsPerSheet(tile, side = CELL_SHEET_SIDE) {
  const per = Math.max(2, Math.floor(side / tile));
  return per * per;
}

/** Writes the streamed sheets of n rows into out/sprite-cells/ and out/sprite-index.npy.
 *  xy: the 2-D layout (n x 2); tileOf(i) → Uint8Array RGBA tile x tile px of row i; encode
 *  (optional, (tiles, count, tile) → {cols, bytes: Promise}) replaces PNG (JPEG sheets).
 *  Resolves sprite.cells for config.json: {layout, index, sheets: [{file, cols, count, box}]}. */
export async function writeCellSheets(out, xy, n, tileOf, { tile, layout, ext = 'png', encode }) {
  const groups = cellGroups(xy, n, cellsPerSheet(tile));
  const dir = path.join(out, CELLS_DIR);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const sheets = [];
  const pending = new Set();
  const r = (v) => Number(v.toFixed(5));
  for (let k = 0; k < groups.length; k++) {
    const rows = groups[k];
    const tiles = new Uint8Array(rows.length * tile * tile * 4);
    let x0 = Infinity,
      y0 = Infinity,
      x1 = -Infinity,
      y1 = -Infinity;
    rows.forEach((i, c) => {
      tiles.set(tileOf(i), c * tile * tile * 4);
      const x = xy[2 * i],
        y = xy[2 * i + 1];
      if (Number.isFinite(x) && Number.isFinite(y)) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    });
    const sheet = (encode ?? encodeTileSheet)(tiles, rows.length, tile);
    const file = `${CELLS_DIR}/${k}.${ext}`;
    sheets.push({
      file,
      cols: sheet.cols,
      count: rows.length,
      ...(x0 <= x1 ? { box: [r(x0), r(y0), r(x1), r(y1)] } : {}),
    });
    const p = Promise.resolve(sheet.bytes).then((b) => fs.writeFileSync(path.join(out, file), b));
    pending.add(p);
    p.finally(() => pending.delete(p)).catch(() => {});
    if (pending.size >= 8) await Promise.race(pending);
  }
  await Promise.all(pending);
  fs.writeFileSync(path.join(out, CELLS_INDEX), npyEncode(cellIndex(groups, n), [n, 2]));
  return { layout, index: CELLS_INDEX, sheets };
}
