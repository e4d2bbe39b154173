// cold-page.mjs — one cold run of the cold benchmark in Chromium (scripts/bench/cold.mjs opens
// it in a fresh profile each time): the time from the navigation's start to a finished layout
// of the .npy, in a worker. side=ours: as the page does it (sonomap.wasm compiled while the
// rows are fetched, dist/projection-worker.js through web/workers/projection.js); side=peer:
// build/bench/cold-peer-worker.js (umap-js or @keckelt/tsne). Leaves {ms, n} in
// window.benchResult (ms from performance's time origin: the navigation's start).
import { npyDecode } from '../../web/core/npy.js';
import { Projector } from '../../web/workers/projection.js';

const q = new URLSearchParams(location.search);
const algo = q.get('algo'),
  npy = q.get('npy'),
  iters = Number(q.get('iters')),
  seed = Number(q.get('seed'));

async function ours() {
  const module = fetch('/dist/sonomap.wasm').then((r) => WebAssembly.compileStreaming(r));
  const rows = fetch(npy)
    .then((r) => r.arrayBuffer())
    .then((b) => npyDecode(new Uint8Array(b), npy));
  const p = new Projector('/dist/projection-worker.js', await module);
  const { data, shape } = await rows;
  const [n, d] = shape;
  const r = await p.run({
    X: data,
    n,
    d,
    projection: algo,
    dims: 2,
    seed,
    iterations: iters,
    quality: false,
  });
  return { n, layout: r.layout };
}

function peer() {
  const w = new Worker('/build/bench/cold-peer-worker.js', { type: 'module' });
  return new Promise((resolve, reject) => {
    w.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data));
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage({ algo, npy, iters, seed });
  });
}

(q.get('side') === 'ours' ? ours() : peer()).then(
  (r) => {
    const ms = performance.now();
    let finite = 0;
    for (const v of r.layout) if (Number.isFinite(v)) finite++;
    window.benchResult = { ms, n: r.layout.length / 2, finite };
  },
  (e) => {
    window.benchError = String(e.stack || e);
  },
);
