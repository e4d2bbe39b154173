// spread.js — how a layout is drawn: the projection's coordinates stretched to the window's
// shape (a similarity map has no meaningful aspect ratio) and nudged apart where tiles would
// cover each other, so every sound can be seen and hovered. Neighbourhoods are kept: points
// only move as far as needed to stop overlapping. The projection's own layout is what exports
// and the dataset folder keep; this is for the screen.

/** src: Float32Array(n*2) (NaN rows stay NaN). aspect: width / height of the view.
 *  Returns a new Float32Array(n*2) in units where y spans [-1, 1] before the nudging. */
export function spread(src, n, aspect = 1.6, { fill = 0.75, maxIter = 40 } = {}) {
  const out = new Float32Array(n * 2);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, m = 0;
  for (let i = 0; i < n; i++) {
    const x = src[2 * i], y = src[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    m++;
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  const sx = maxX > minX ? (2 * aspect) / (maxX - minX) : 0;
  const sy = maxY > minY ? 2 / (maxY - minY) : 0;
  for (let i = 0; i < n; i++) {
    const x = src[2 * i], y = src[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) { out[2 * i] = out[2 * i + 1] = NaN; continue; }
    out[2 * i] = (x - minX) * sx - (sx ? aspect : 0);
    out[2 * i + 1] = (y - minY) * sy - (sy ? 1 : 0);
  }
  if (m < 2) return out;
  // A tile's edge, in these units, when the map fills the view (see MapView.baseSize).
  const minDist = fill * Math.sqrt((4 * aspect) / m);
  const iters = m > 20000 ? 0 : m > 5000 ? Math.min(maxIter, 8) : maxIter;
  const cell = minDist;
  const keyOf = (x, y) => `${Math.floor(x / cell)},${Math.floor(y / cell)}`;
  for (let it = 0; it < iters; it++) {
    const grid = new Map();
    for (let i = 0; i < n; i++) {
      const x = out[2 * i];
      if (!Number.isFinite(x)) continue;
      const k = keyOf(x, out[2 * i + 1]);
      let list = grid.get(k);
      if (!list) grid.set(k, (list = []));
      list.push(i);
    }
    let overlaps = 0;
    for (let i = 0; i < n; i++) {
      const xi = out[2 * i];
      if (!Number.isFinite(xi)) continue;
      const cx = Math.floor(xi / cell), cy = Math.floor(out[2 * i + 1] / cell);
      for (let gx = cx - 1; gx <= cx + 1; gx++) {
        for (let gy = cy - 1; gy <= cy + 1; gy++) {
          const list = grid.get(`${gx},${gy}`);
          if (!list) continue;
          for (const j of list) {
            if (j <= i) continue;
            let dx = out[2 * j] - out[2 * i], dy = out[2 * j + 1] - out[2 * i + 1];
            let d = Math.hypot(dx, dy);
            if (d >= minDist) continue;
            overlaps++;
            if (d < 1e-9) {   // the same place: part them along a direction fixed by the pair
              const a = ((i * 7919 + j * 104729) % 360) * (Math.PI / 180);
              dx = Math.cos(a); dy = Math.sin(a); d = 1;
              const push = minDist * 0.25;
              out[2 * i] -= dx * push; out[2 * i + 1] -= dy * push;
              out[2 * j] += dx * push; out[2 * j + 1] += dy * push;
              continue;
            }
            const push = ((minDist - d) / d) * 0.25;
            out[2 * i] -= dx * push; out[2 * i + 1] -= dy * push;
            out[2 * j] += dx * push; out[2 * j + 1] += dy * push;
          }
        }
      }
    }
    if (overlaps === 0) break;
  }
  return out;
}
