// sprite-cells.js — streamed sprite sheets of big maps (README "Maps of many rows"): the tiles
// grouped by where their points lie on the 2-D map, each group in one small sheet, so that a
// page zoomed in on part of a map of a million sounds fetches only the sheets of what is on
// screen. The writer groups with cellGroups; config.json's sprite.cells lists the sheets
// ({layout, index, sheets: [{file, cols, count, box}]}) and the index (a float32 .npy, N x 2:
// sheet, cell) says where each row's tile is. Shared by the CLI's writer and the page.

/** The most px a streamed sheet has a side (its tiles are at most (side / tile)² ). */
export const CELL_SHEET_SIDE = 512;

/** Rows of a 2-D layout (xy: n x 2, NaN rows allowed) grouped by position: the map split in two
 *  along its longer side, again and again (a k-d tree), until each group has at most `perSheet`
 *  rows; groups are about equal. Rows without a finite position go to groups of their own at
 *  the end. → Array of Int32Array (each group's rows in increasing order). */
export function cellGroups(xy, n, perSheet) {
  if (!(perSheet >= 1)) throw new Error('cellGroups: perSheet must be at least 1');
  const finite = [];
  const lost = [];
  for (let i = 0; i < n; i++)
    (Number.isFinite(xy[2 * i]) && Number.isFinite(xy[2 * i + 1]) ? finite : lost).push(i);
  const idx = Int32Array.from(finite);
  const groups = [];
  const split = (lo, hi) => {
    const m = hi - lo;
    if (m <= perSheet) {
      if (m > 0) groups.push(idx.slice(lo, hi).sort());
      return;
    }
    let x0 = Infinity,
      x1 = -Infinity,
      y0 = Infinity,
      y1 = -Infinity;
    for (let k = lo; k < hi; k++) {
      const x = xy[2 * idx[k]],
        y = xy[2 * idx[k] + 1];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    const axis = x1 - x0 >= y1 - y0 ? 0 : 1;
    // ties broken by row, so the groups do not depend on the sort's stability
    idx.subarray(lo, hi).sort((a, b) => xy[2 * a + axis] - xy[2 * b + axis] || a - b);
    const leaves = Math.ceil(m / perSheet);
    const mid = lo + Math.round((m * Math.floor(leaves / 2)) / leaves);
    split(lo, mid);
    split(mid, hi);
  };
  split(0, idx.length);
  for (let k = 0; k < lost.length; k += perSheet)
    groups.push(Int32Array.from(lost.slice(k, k + perSheet)));
  return groups;
}

/** The index of groups: Float32Array(n x 2), row i → (its group, its place in the group). */
export function cellIndex(groups, n) {
  const index = new Float32Array(2 * n).fill(-1);
  groups.forEach((rows, k) => {
    rows.forEach((i, c) => {
      index[2 * i] = k;
      index[2 * i + 1] = c;
    });
  });
  return index;
}

/** A well-formed entry of a list of sprite sheets: {file: a name, cols > 0, count >= 0}. */
export function isSheet(sh) {
  return (
    !!sh &&
    typeof sh.file === 'string' &&
    Number.isInteger(sh.cols) &&
    sh.cols > 0 &&
    Number.isInteger(sh.count) &&
    sh.count >= 0
  );
}

/** config.json's sprite.cells when well formed ({index: a name, sheets: [{file, cols > 0,
 *  count >= 0}, ...]}), else null. */
export function cellsConfig(cells) {
  if (!cells || typeof cells !== 'object' || typeof cells.index !== 'string') return null;
  const sheets = cells.sheets;
  if (!Array.isArray(sheets) || !sheets.length) return null;
  return sheets.every(isSheet)
    ? { index: cells.index, layout: typeof cells.layout === 'string' ? cells.layout : null, sheets }
    : null;
}

/** Checks a decoded index (data: Float32Array, shape) against the sheets and n rows; → the
 *  index as Int32Array(2n), or throws naming the file and the first bad row. */
export function checkCellIndex(data, shape, sheets, n, name) {
  if (shape.length !== 2 || shape[0] !== n || shape[1] !== 2)
    throw new Error(`${name} is ${shape.join(' x ')}, expected ${n} x 2 (sheet, cell per row)`);
  const out = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const k = data[2 * i],
      c = data[2 * i + 1];
    if (!Number.isInteger(k) || k < 0 || k >= sheets.length || !Number.isInteger(c))
      throw new Error(`${name}: row ${i} names sprite sheet ${k}, which is not listed`);
    if (c < 0 || c >= sheets[k].count)
      throw new Error(
        `${name}: row ${i} names cell ${c} of ${sheets[k].file}, which has ${sheets[k].count}`,
      );
    out[2 * i] = k;
    out[2 * i + 1] = c;
  }
  return out;
}
