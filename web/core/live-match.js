// live-match.js — placing a sound that was not on the map: the map's feature rows scaled as the
// projection scales them (features.js featureBlocks / standardize), the same scaling applied to
// a new row, its k nearest rows, and where it goes on the screen (the weighted mean of its
// nearest points' positions). Used by the live input (workers/live-worker.js, page/live.js).
import { featureBlocks } from './features.js';

/** Column means and sds of X (n x d) by blocks, as standardize() computes them →
 *  {rows: the scaled copy of X, scale(v): a new row scaled the same way}. Rows with NaN/Inf
 *  are left out of the statistics (and stay unscaled in rows, where they match nothing). */
export function scaledRows(X, n, d, kind) {
  const blocks = featureBlocks(d, kind);
  const mean = new Float64Array(d),
    mul = new Float64Array(d);
  const finite = new Uint8Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    let ok = 1;
    for (let j = 0; j < d; j++) if (!Number.isFinite(X[i * d + j])) ok = 0;
    finite[i] = ok;
    m += ok;
  }
  for (const b of blocks) {
    const len = b.end - b.start;
    const vari = new Float64Array(len);
    for (let i = 0; i < n; i++)
      if (finite[i]) for (let j = 0; j < len; j++) mean[b.start + j] += X[i * d + b.start + j];
    for (let j = 0; j < len; j++) mean[b.start + j] /= Math.max(1, m);
    for (let i = 0; i < n; i++)
      if (finite[i])
        for (let j = 0; j < len; j++) {
          const v = X[i * d + b.start + j] - mean[b.start + j];
          vari[j] += v * v;
        }
    let global = 0;
    for (let j = 0; j < len; j++) global += vari[j] / Math.max(1, m);
    global = Math.sqrt(global / Math.max(1, len));
    for (let j = 0; j < len; j++) {
      const sd = b.scale === 'global' ? global : Math.sqrt(vari[j] / Math.max(1, m));
      mul[b.start + j] = sd > 1e-12 ? (b.weight ?? 1) / sd : 0;
    }
  }
  const scale = (v, out = new Float32Array(d)) => {
    for (let j = 0; j < d; j++) out[j] = (v[j] - mean[j]) * mul[j];
    return out;
  };
  const rows = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    if (finite[i]) scale(X.subarray(i * d, (i + 1) * d), rows.subarray(i * d, (i + 1) * d));
    else rows.fill(NaN, i * d, (i + 1) * d);
  }
  return { rows, scale };
}

/** The k rows of `rows` (n x d) nearest to q (Euclidean) → [{index, distance}], nearest first. */
export function nearestRows(rows, n, d, q, k = 8) {
  const best = []; // sorted, at most k
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0, o = i * d; j < d; j++) {
      const v = rows[o + j] - q[j];
      s += v * v;
    }
    if (!(s >= 0)) continue; // NaN rows
    if (best.length === k && s >= best[k - 1].distance) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].distance > s) at--;
    best.splice(at, 0, { index: i, distance: s });
    if (best.length > k) best.pop();
  }
  for (const b of best) b.distance = Math.sqrt(b.distance);
  return best;
}

/** Where a new row goes among its nearest points: the mean of their positions weighted by
 *  1 / (distance + a fifth of the nearest distance) (the nearest weighs most, never alone
 *  unless it is exact). points: [{x, y, distance}] → {x, y} or null. */
export function placeAmong(points) {
  const ok = points.filter((p) => p && Number.isFinite(p.x) && Number.isFinite(p.y));
  if (!ok.length) return null;
  const soft = 0.2 * ok[0].distance + 1e-6;
  let sx = 0,
    sy = 0,
    sw = 0;
  for (const p of ok) {
    const w = 1 / (p.distance + soft);
    sx += w * p.x;
    sy += w * p.y;
    sw += w;
  }
  return { x: sx / sw, y: sy / sw };
}
