// fit-sample.mjs — maps of many rows: the projection fitted on a seeded sample of the rows, every
// other row then placed in that layout block by block (engine map.place: its nearest fitted
// rows, a weighted-mean start, a few epochs of refinement that move only it). The rows come
// from a reader, so a matrix larger than wasm memory (a million rows x 1024 is 4 GB) is never
// held whole: only the sample and one block are.

import { intOpt } from './args.mjs';

const BLOCK = 4096; // rows placed per call

/** The help line of --fit-sample, shared by project, analyze and merge. */
export const FIT_SAMPLE_USAGE = `  --fit-sample <n>            fit UMAP / t-SNE on n rows drawn with the seed, then place every
                              other row by its nearest fitted rows and a few epochs of
                              refinement (maps of 10^5 to 10^6 rows); n >= rows: the full fit
`;

/** --fit-sample checked: null when not given, else a whole number >= 1 (UsageError). */
export function fitSampleOpt(values) {
  const v = values['fit-sample'];
  return v === undefined ? null : intOpt('fit-sample', v, 1, 2 ** 31 - 1);
}

/** A seeded stream of 32-bit integers (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** `size` of the rows 0..n-1 drawn with the seed (selection sampling: ascending, every subset
 *  equally likely) → Int32Array. */
export function sampleRows(n, size, seed) {
  const next = rng((seed ^ 0x5f1e) >>> 0);
  const out = new Int32Array(Math.min(size, n));
  let k = 0;
  for (let r = 0; r < n && k < out.length; r++)
    if ((next() / 4294967296) * (n - r) < out.length - k) out[k++] = r;
  return out;
}

/** Rows of an in-memory n x d Float32Array as a reader. */
export function arrayRows(X, n, d) {
  return { n, d, read: (start, count) => X.subarray(start * d, (start + count) * d) };
}

/**
 * The layout of every row of `src` ({n, d, read(start, count) → Float32Array}) by a map fitted
 * on `size` sampled rows. opts: the createMap options (projection, dims, seed...), epochs
 * (refinement, -1: the engine's), onStage(text) for progress, onMap(map, sample) called with the
 * fitted map before the rest is placed (its quality, its clusters). → {layout (n x dims, NaN rows for
 * non-finite ones), sample (Int32Array), excluded (row numbers), fitSeconds, placeSeconds}.
 */
export function fitSampleLayout(engine, src, size, opts = {}) {
  const { n, d } = src;
  const dims = opts.dims ?? 2;
  const seed = opts.seed ?? 42;
  const say = opts.onStage ?? (() => {});
  const sample = sampleRows(n, size, seed);
  const ns = sample.length;
  const Xs = new Float32Array(ns * d);
  for (let s = 0, b = 0; b < n && s < ns; b += BLOCK) {
    const cnt = Math.min(BLOCK, n - b);
    const blk = src.read(b, cnt);
    for (; s < ns && sample[s] < b + cnt; s++)
      Xs.set(blk.subarray((sample[s] - b) * d, (sample[s] - b + 1) * d), s * d);
  }
  const t0 = performance.now();
  say(`fitting ${opts.projection ?? 'umap'} on ${ns} sampled rows of ${n}`);
  const m = engine.createMap(Xs, ns, d, opts);
  const layout = new Float32Array(n * dims).fill(Number.NaN);
  let fitSeconds;
  const t1 = { t: 0 };
  try {
    let left = m.totalSteps;
    while (left > 0) left = m.step(Math.max(1, Math.ceil(m.totalSteps / 20)));
    const Ys = m.layout();
    for (let s = 0; s < ns; s++)
      layout.set(Ys.subarray(s * dims, (s + 1) * dims), sample[s] * dims);
    fitSeconds = (performance.now() - t0) / 1000;
    opts.onMap?.(m, sample);
    t1.t = performance.now();
    say(`placing the other ${n - ns} rows`);
    // every row not in the sample, block by block, numbered 0.. in row order (their seeds)
    let s = 0;
    let placed = 0;
    const rowsOf = new Int32Array(BLOCK);
    const buf = new Float32Array(BLOCK * d);
    for (let b = 0; b < n; b += BLOCK) {
      const cnt = Math.min(BLOCK, n - b);
      const blk = src.read(b, cnt);
      let q = 0;
      for (let r = b; r < b + cnt; r++) {
        if (s < ns && sample[s] === r) {
          s++;
          continue;
        }
        buf.set(blk.subarray((r - b) * d, (r - b + 1) * d), q * d);
        rowsOf[q++] = r;
      }
      if (!q) continue;
      const P = m.place(buf.subarray(0, q * d), q, placed, opts.epochs ?? -1);
      for (let i = 0; i < q; i++)
        layout.set(P.subarray(i * dims, (i + 1) * dims), rowsOf[i] * dims);
      placed += q;
    }
  } finally {
    m.free();
  }
  const excluded = [];
  for (let i = 0; i < n; i++) if (Number.isNaN(layout[i * dims])) excluded.push(i);
  return {
    layout,
    sample,
    excluded,
    fitSeconds,
    placeSeconds: (performance.now() - t1.t) / 1000,
  };
}
