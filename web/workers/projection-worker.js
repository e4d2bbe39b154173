// projection-worker.js — lays out feature rows on a map, off the main thread, progressively.
// Messages in:
//   {type: 'init', module}                         compiled sonomap.wasm
//   {type: 'map', id, X: Float32Array, n, d, blocks, projection, dims, seed, labels?, quality?}
//        blocks: [{start, end, weight, scale: 'column'|'global'}] how columns are standardised
//        (default: every column to zero mean, unit variance). A new 'map' supersedes the last.
//        labels: Int32Array(n) (< 0 unlabelled) for the 1-NN label accuracy; quality: false
//        skips the quality figures; iterations: UMAP epochs / t-SNE iterations (default: the
//        engine's).
//   {type: 'cancel', id}
//   {type: 'cluster', id, k, spherical}   k-means on the last finished map's preprocessed rows
//   {type: 'grid', id, xy: Float32Array(n*2), n, cols, rows}   grid assignment (sm_grid_assign)
// Messages out:
//   {type: 'ready'} | {type: 'init-error', error}
//   {type: 'layout', id, layout: Float32Array(n*dims), done, total, stage}   while it settles;
//        stage 'neighbours' / 'graph' (the setup, done/total of its chunks, the layout is the
//        PCA one) or 'layout' (done/total iterations)
//   {type: 'done', id, layout, excluded: number[], projection, note}   note: why a fallback ran
//   {type: 'quality', id, quality: {trustworthiness, continuity, k, queries, labelAccuracy, ms}}
//        after 'done' (labelAccuracy NaN without labels)
//   {type: 'clusters', id, clusters: Int32Array(n)} · {type: 'grid', id, cells: Int32Array(n)}
//   {type: 'error', id, error}
// Rows the engine leaves out (excluded) come back as NaN. The last finished map is kept (for
// clusters) until the next 'map' starts.
import { loadEngine } from '../core/engine.js';
import { standardize } from '../core/features.js';
import { QUALITY_K, QUALITY_QUERIES } from '../core/policy.js';

let engine = null;
let current = 0;
let kept = null; // the last finished map: {map, n}

function dropKept() {
  kept?.map.free();
  kept = null;
}

const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldNow = () =>
  new Promise((r) => {
    waiting.push(r);
    channel.port2.postMessage(0);
  });

function expand(layout, n, dims, excluded) {
  if (excluded.length === 0 || layout.length === n * dims) return layout;
  const skip = new Set(excluded);
  const out = new Float32Array(n * dims).fill(NaN);
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (skip.has(i)) continue;
    for (let k = 0; k < dims; k++) out[i * dims + k] = layout[r * dims + k];
    r++;
  }
  return out;
}

async function runMap(m) {
  const { id, n, d, dims = 2, seed = 42 } = m;
  let projection = m.projection || 'umap';
  dropKept();
  const X = standardize(m.X, n, d, m.blocks);
  let map = null;
  let note = '';
  // The engine maps any number of rows (one or two included); PCA is the fallback when the
  // projection asked for cannot be made.
  for (const p of [projection, 'pca']) {
    try {
      map = engine.createMap(X, n, d, {
        projection: p,
        dims,
        seed,
        standardize: false,
        iterations: m.iterations,
      });
      // the PCA layout at once, then the neighbour search and the graph in chunks
      const excluded = map.excluded || [];
      let left = map.prepareTotal;
      let first = true;
      while (left > 0) {
        const layout = first ? expand(map.layout(), n, dims, excluded) : null;
        self.postMessage(
          {
            type: 'layout',
            id,
            layout,
            done: map.prepareTotal - left,
            total: map.prepareTotal,
            stage: map.stage(),
          },
          layout ? [layout.buffer] : [],
        );
        first = false;
        await yieldNow();
        if (id !== current) {
          map.free();
          return;
        }
        left = map.prepare();
      }
      if (p !== projection) {
        note = `${projection.toUpperCase()} could not be made (${note}); showing PCA`;
        projection = p;
      }
      break;
    } catch (err) {
      note = String(err?.message || err);
      map?.free();
      map = null;
    }
  }
  if (!map) throw new Error(note || 'the map could not be made');
  let keep = false;
  try {
    const total = Math.max(1, map.totalSteps);
    const excluded = map.excluded || [];
    let remaining = total;
    let chunk = 1;
    let lastPost = 0;
    while (remaining > 0) {
      await yieldNow();
      if (id !== current) return;
      const t0 = performance.now();
      remaining = map.step(chunk);
      const dt = performance.now() - t0;
      chunk = Math.max(1, Math.min(10000, Math.round(chunk * (30 / Math.max(dt, 0.5)))));
      const now = performance.now();
      if (remaining > 0 && now - lastPost > 60) {
        lastPost = now;
        const layout = expand(map.layout(), n, dims, excluded);
        self.postMessage(
          { type: 'layout', id, layout, done: total - remaining, total, stage: 'layout' },
          [layout.buffer],
        );
      }
    }
    const layout = expand(map.layout(), n, dims, excluded);
    self.postMessage({ type: 'done', id, layout, excluded, projection, note }, [layout.buffer]);
    kept = { map, n };
    keep = true;
    if (m.quality !== false) {
      // Trustworthiness and continuity of this layout (sampled rows for large maps), and how
      // often a point's nearest neighbour in the map has its label.
      await yieldNow();
      if (id !== current) return;
      const t0 = performance.now();
      const queries = n > QUALITY_QUERIES ? QUALITY_QUERIES : 0;
      const q = map.quality(QUALITY_K, queries);
      let labelAccuracy = NaN;
      if (m.labels && m.labels.length === n && m.labels.some((l) => l >= 0))
        labelAccuracy = map.labelAccuracy(m.labels, queries);
      self.postMessage({
        type: 'quality',
        id,
        quality: { ...q, queries: queries || n, labelAccuracy, ms: performance.now() - t0 },
      });
    }
  } finally {
    if (!keep) map.free();
  }
}

function cluster(m) {
  if (!kept) throw new Error('there is no map to cluster yet');
  const k = Math.max(1, Math.min(kept.n, m.k | 0));
  const clusters = kept.map.cluster(k, !!m.spherical);
  self.postMessage({ type: 'clusters', id: m.id, clusters, k }, [clusters.buffer]);
}

function grid(m) {
  const cells = engine.gridAssign(m.xy, m.n, m.cols, m.rows);
  self.postMessage({ type: 'grid', id: m.id, cells }, [cells.buffer]);
}

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'init') {
    try {
      engine = await loadEngine(m.module);
      self.postMessage({ type: 'ready' });
    } catch (err) {
      self.postMessage({ type: 'init-error', error: String(err?.message || err) });
    }
    return;
  }
  if (m.type === 'cancel') {
    if (m.id === current) current = 0;
    return;
  }
  if (m.type === 'cluster' || m.type === 'grid') {
    try {
      if (!engine) throw new Error('the projection engine is not ready');
      (m.type === 'cluster' ? cluster : grid)(m);
    } catch (err) {
      self.postMessage({ type: 'error', id: m.id, error: String(err?.message || err) });
    }
    return;
  }
  if (m.type !== 'map') return;
  current = m.id;
  try {
    await runMap(m);
  } catch (err) {
    self.postMessage({ type: 'error', id: m.id, error: String(err?.message || err) });
  }
};
