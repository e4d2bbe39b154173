// spread.js — how a layout is drawn: the projection's coordinates stretched to the window's
// shape (a similarity map has no meaningful aspect ratio) and nudged apart where tiles would
// cover each other, so every sound can be seen and hovered. Neighbourhoods are kept: points
// only move as far as needed to stop overlapping. The projection's own layout is what exports
// and the dataset folder keep; this is for the screen.

/** src: Float32Array(n*2) (NaN rows stay NaN). aspect: width / height of the view.
 *  Returns a new Float32Array(n*2) in units where y spans [-1, 1] before the nudging. */
const CROWD = 16; // points of one cell looked at per neighbour

export function spread(src, n, aspect = 1.6, { fill = 0.75, maxIter = 40 } = {}) {
  const out = new Float32Array(n * 2);
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity,
    m = 0;
  for (let i = 0; i < n; i++) {
    const x = src[2 * i],
      y = src[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    m++;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const sx = maxX > minX ? (2 * aspect) / (maxX - minX) : 0;
  const sy = maxY > minY ? 2 / (maxY - minY) : 0;
  for (let i = 0; i < n; i++) {
    const x = src[2 * i],
      y = src[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      out[2 * i] = out[2 * i + 1] = NaN;
      continue;
    }
    out[2 * i] = (x - minX) * sx - (sx ? aspect : 0);
    out[2 * i + 1] = (y - minY) * sy - (sy ? 1 : 0);
  }
  if (m < 2) return out;
  // A tile's edge, in these units, when the map fills the view (see MapView.baseSize).
  const minDist = fill * Math.sqrt((4 * aspect) / m);
  const iters = m > 50000 ? 0 : m > 5000 ? Math.min(maxIter, 8) : maxIter;
  if (!iters) return out;
  // A uniform grid of cells minDist wide over the points (counting sort into typed arrays):
  // each pass looks only at the 3 × 3 cells around a point, so a pass is O(n).
  const cell = minDist;
  const cellOf = new Int32Array(n);
  const items = new Int32Array(m);
  let start = new Int32Array(1);
  for (let it = 0; it < iters; it++) {
    let x0 = Infinity,
      y0 = Infinity,
      x1 = -Infinity,
      y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = out[2 * i],
        y = out[2 * i + 1];
      if (!Number.isFinite(x)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    const cols = Math.min(4096, Math.floor((x1 - x0) / cell) + 1),
      rows = Math.min(4096, Math.floor((y1 - y0) / cell) + 1);
    const cw = Math.max(cell, (x1 - x0) / cols + 1e-12),
      ch = Math.max(cell, (y1 - y0) / rows + 1e-12);
    if (start.length !== cols * rows + 1) start = new Int32Array(cols * rows + 1);
    else start.fill(0);
    for (let i = 0; i < n; i++) {
      const x = out[2 * i];
      if (!Number.isFinite(x)) {
        cellOf[i] = -1;
        continue;
      }
      const c =
        Math.min(cols - 1, Math.floor((x - x0) / cw)) +
        Math.min(rows - 1, Math.floor((out[2 * i + 1] - y0) / ch)) * cols;
      cellOf[i] = c;
      start[c + 1]++;
    }
    for (let c = 0; c < cols * rows; c++) start[c + 1] += start[c];
    const fillAt = start.slice(0, cols * rows);
    for (let i = 0; i < n; i++) if (cellOf[i] >= 0) items[fillAt[cellOf[i]]++] = i;
    let overlaps = 0;
    for (let i = 0; i < n; i++) {
      const c0 = cellOf[i];
      if (c0 < 0) continue;
      const cx = c0 % cols,
        cy = (c0 - cx) / cols;
      for (let gy = Math.max(0, cy - 1); gy <= Math.min(rows - 1, cy + 1); gy++) {
        for (let gx = Math.max(0, cx - 1); gx <= Math.min(cols - 1, cx + 1); gx++) {
          const c = gx + gy * cols;
          // a crowded cell (many points at one place) is sampled: bounded work per point, each
          // point looking at its own window of the cell
          const s0 = start[c],
            count = start[c + 1] - s0;
          const off = count > CROWD ? (Math.imul(i + it, 0x9e3779b1) >>> 0) % count : 0;
          for (let t = 0, end = Math.min(count, CROWD); t < end; t++) {
            const j = items[s0 + ((off + t) % count)];
            if (count > CROWD ? j === i : j <= i) continue;
            let dx = out[2 * j] - out[2 * i],
              dy = out[2 * j + 1] - out[2 * i + 1];
            let d = Math.sqrt(dx * dx + dy * dy);
            if (d >= minDist) continue;
            overlaps++;
            if (d < 1e-9) {
              // the same place: part them along a direction fixed by the pair
              const a =
                ((Math.imul(i, 0x9e3779b1) ^ Math.imul(j, 0x85ebca77)) >>> 0) *
                ((2 * Math.PI) / 4294967296);
              dx = Math.cos(a);
              dy = Math.sin(a);
              d = 1;
              const push = minDist * 0.25;
              out[2 * i] -= dx * push;
              out[2 * i + 1] -= dy * push;
              out[2 * j] += dx * push;
              out[2 * j + 1] += dy * push;
              continue;
            }
            const push = ((minDist - d) / d) * 0.25;
            out[2 * i] -= dx * push;
            out[2 * i + 1] -= dy * push;
            out[2 * j] += dx * push;
            out[2 * j + 1] += dy * push;
          }
        }
      }
    }
    if (overlaps === 0) break;
  }
  return out;
}

/** The x and y of a 3-D layout (n x 3) as a 2-D one. */
export function take2d(layout3, n) {
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = layout3[3 * i];
    out[2 * i + 1] = layout3[3 * i + 1];
  }
  return out;
}

/** A 3-D layout centred and stretched to [-1, 1] on each axis (NaN rows stay NaN). */
export function normalize3(src, n) {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const v = src[3 * i + k];
      if (Number.isFinite(v)) {
        if (v < lo[k]) lo[k] = v;
        if (v > hi[k]) hi[k] = v;
      }
    }
  }
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const v = src[3 * i + k];
      const span = hi[k] - lo[k];
      out[3 * i + k] = !Number.isFinite(v) ? NaN : span > 0 ? ((v - lo[k]) / span) * 2 - 1 : 0;
    }
  }
  return out;
}
