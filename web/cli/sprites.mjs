// sprites.mjs — the CLI's sprite sheets: every clip's log-mel tile at one size, in as many sheets
// as the browser's texture limit needs (each sheet at most --sheet-size px a side) rather than
// smaller tiles; and, on request, a grid sprite sheet: the tiles laid out by the map's grid
// assignment, one tile per cell (as AudioNotebooks' grid sheets), for use elsewhere. PNG sheets
// are deflated in Node's thread pool (png-node.mjs), JPEG ones by the engine.
import { encodeTileSheet } from './png-node.mjs';

/** {cols, bytes: Promise<Uint8Array>} of a sheet of n tiles. */
function encodeSheet(engine, tiles, n, tile, ext) {
  if (ext === 'png') return encodeTileSheet(tiles, n, tile);
  const sheet = engine.spriteEncode(tiles, n, tile, 90);
  return { cols: sheet.cols, bytes: Promise.resolve(sheet.bytes) };
}

/** The default tile: as large as fits one sheet of `side` px, between 32 and 128 px (past
 *  that, sheets are split instead of tiles shrunk). */
export function defaultTile(n, side) {
  return Math.max(32, Math.min(128, Math.floor(side / Math.ceil(Math.sqrt(Math.max(1, n))))));
}

/** Encodes the items' tiles into sheets of at most `side` px a side. Resolves {tile, sheets:
 *  [{file, cols, count, bytes}], sheetOf: Int32Array, cellOf: Int32Array} (point i is cell
 *  cellOf[i] of sheet sheetOf[i], row by row). Tiles are made one sheet at a time, on this
 *  thread before the call returns; the PNG compression goes on after it. */
export async function encodeSheets(engine, items, { tile, side, format }) {
  const ext = format === 'jpg' ? 'jpg' : 'png';
  const perRow = Math.max(1, Math.floor(side / tile));
  const perSheet = perRow * perRow;
  const n = items.length;
  const count = Math.ceil(n / perSheet);
  const sheets = [];
  const sheetOf = new Int32Array(n);
  const cellOf = new Int32Array(n);
  for (let s = 0; s < count; s++) {
    const a = s * perSheet;
    const b = Math.min(n, a + perSheet);
    const tiles = new Uint8Array((b - a) * tile * tile * 4);
    for (let i = a; i < b; i++) {
      tiles.set(engine.logmelTile(items[i].logmel, tile), (i - a) * tile * tile * 4);
      sheetOf[i] = s;
      cellOf[i] = i - a;
    }
    const sheet = encodeSheet(engine, tiles, b - a, tile, ext);
    sheets.push({
      file: count === 1 ? `sprite.${ext}` : `sprite-${s}.${ext}`,
      cols: sheet.cols,
      count: b - a,
      bytes: sheet.bytes,
    });
  }
  for (const sh of sheets) sh.bytes = await sh.bytes;
  return { tile, sheets, sheetOf, cellOf };
}

/** The grid sprite sheet: grid = Float32Array(2n) of integer (col, row) cells of a cols x rows
 *  grid (the grid-2d layout); empty cells stay transparent. Tiles shrink only as far as the
 *  sheet must to stay within `side` px. Resolves {file, tile, cols, rows, bytes}. */
export async function encodeGridSheet(engine, items, grid, { tile, side, format }) {
  const n = items.length;
  let cols = 0;
  let rows = 0;
  for (let i = 0; i < n; i++) {
    cols = Math.max(cols, grid[2 * i] + 1);
    rows = Math.max(rows, grid[2 * i + 1] + 1);
  }
  // spriteEncode lays a sheet out ceil(sqrt(count)) tiles wide: cols x rows cells when that is
  // cols (a square grid's rows are cols or cols - 1), else a cols x cols canvas
  const t = Math.max(8, Math.min(tile, Math.floor(side / cols)));
  const cells = Math.ceil(Math.sqrt(cols * rows)) === cols ? cols * rows : cols * cols;
  const tiles = new Uint8Array(cells * t * t * 4);
  for (let i = 0; i < n; i++) {
    const c = grid[2 * i + 1] * cols + grid[2 * i];
    tiles.set(engine.logmelTile(items[i].logmel, t), c * t * t * 4);
  }
  const ext = format === 'jpg' ? 'jpg' : 'png';
  const sheet = encodeSheet(engine, tiles, cells, t, ext);
  return { file: `grid-sprite.${ext}`, tile: t, cols, rows, bytes: await sheet.bytes };
}
