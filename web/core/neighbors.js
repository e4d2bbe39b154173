// neighbors.js — nearest sounds in the feature space (cosine distance between the feature rows,
// the rows as embeddings.npy holds them), and labels predicted from the labelled sounds by a
// vote of their nearest labelled neighbours. Shared by the page (similar panel, the
// label-prediction worker) and the CLI (`sonomap similar`).
import { cosineDistances } from './features.js';

/** The k rows nearest to row `from` by cosine distance, nearest first (ties by index), without
 *  `from` itself and without rows that hold NaN: [{index, distance}]. */
export function nearestTo(X, n, d, from, k = 10) {
  return nearestIn(cosineDistances(X, n, d, from), from, k);
}

/** nearestTo from distances already computed (dist[i]: row i's distance to row `from`). A
 *  few (k <= 64) are picked in one pass, more by sorting them all. */
export function nearestIn(dist, from, k = 10) {
  const n = dist.length;
  const before = (a, b) => dist[a] < dist[b] || (dist[a] === dist[b] && a < b);
  let order = [];
  if (k <= 64) {
    for (let i = 0; i < n; i++) {
      if (i === from || !Number.isFinite(dist[i])) continue;
      if (order.length === k && !before(i, order[k - 1])) continue;
      let at = order.length;
      while (at > 0 && before(i, order[at - 1])) at--;
      order.splice(at, 0, i);
      if (order.length > k) order.pop();
    }
  } else {
    for (let i = 0; i < n; i++) if (i !== from && Number.isFinite(dist[i])) order.push(i);
    order.sort((a, b) => dist[a] - dist[b] || a - b);
    order = order.slice(0, Math.max(0, k));
  }
  return order.map((i) => ({ index: i, distance: dist[i] }));
}

/** Copy of X (n x d) with every row scaled to unit length (rows of zeros, or holding NaN, stay
 *  as they are: their dot products are 0 or NaN). */
export function unitRows(X, n, d) {
  const U = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += X[o + j] * X[o + j];
    const f = s > 0 ? 1 / Math.sqrt(s) : 1;
    for (let j = 0; j < d; j++) U[o + j] = X[o + j] * f;
  }
  return U;
}

/** How many labelled neighbours vote for a prediction, and the temperature of their weights:
 *  a neighbour's vote is exp((s - s1) / PREDICT_TAU), s its cosine similarity, s1 the nearest
 *  one's (a neighbour 0.02 less similar than the nearest counts 1/e as much). On the demo's
 *  Sonic Pi labels (165 sounds, 14 labels) leave-one-out accuracy is 0.588 against 0.418 for
 *  plain similarity weights and 0.594 for the single nearest sound, which gives no confidence. */
export const PREDICT_K = 10;
export const PREDICT_TAU = 0.02;

/** A small seeded generator (mulberry32) for the samples below: same seed, same sample. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` of the items of `list` (all when fewer), a seeded sample in their original order. */
export function sampleOf(list, count, seed) {
  if (list.length <= count) return list.slice();
  const a = list.slice();
  const rnd = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rnd() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, count).sort((x, y) => x - y);
}

/** The vote of row q's k nearest rows among `refs` (row indices, q itself left out) on unit
 *  rows U (n x d): each neighbour votes for its code with weight exp((s - s1) / PREDICT_TAU).
 *  Returns {code, confidence: the winner's share of the votes} or null without refs. */
export function knnVote(U, d, q, refs, codes, k = PREDICT_K) {
  const best = []; // [similarity, ref], most similar first, at most k
  const o = q * d;
  for (let r = 0; r < refs.length; r++) {
    const i = refs[r];
    if (i === q) continue;
    const p = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += U[o + j] * U[p + j];
    if (!Number.isFinite(s)) continue;
    if (best.length === k && s <= best[k - 1][0]) continue;
    let at = best.length;
    while (at > 0 && best[at - 1][0] < s) at--;
    best.splice(at, 0, [s, i]);
    if (best.length > k) best.pop();
  }
  if (!best.length) return null;
  const votes = new Map();
  let total = 0;
  for (const [s, i] of best) {
    const w = Math.exp((s - best[0][0]) / PREDICT_TAU);
    votes.set(codes[i], (votes.get(codes[i]) ?? 0) + w);
    total += w;
  }
  let code = -1,
    top = -1;
  for (const [c, w] of votes) if (w > top || (w === top && c < code)) [code, top] = [c, w];
  return { code, confidence: top / total };
}
