// cold-peer-worker.mjs — the peers' side of the cold benchmark in Chromium, bundled by
// scripts/bench/cold.mjs into build/bench/cold-peer-worker.js: a worker that fetches the .npy,
// lays it out with umap-js or @keckelt/tsne (cold-peer-layout.mjs) and posts the layout back,
// as sonomap's projection worker does for the page.
import { TSNE } from '@keckelt/tsne';
import { UMAP } from 'umap-js';
import { npyDecode } from '../../web/core/npy.js';
import { peerLayout } from './cold-peer-layout.mjs';

self.onmessage = async (e) => {
  const { algo, npy, iters, seed } = e.data;
  try {
    const { data, shape } = npyDecode(new Uint8Array(await (await fetch(npy)).arrayBuffer()), npy);
    const lib = algo === 'umap' ? { UMAP } : { TSNE };
    const Y = peerLayout(lib, algo, data, shape[0], shape[1], iters, seed);
    self.postMessage({ layout: Y }, [Y.buffer]);
  } catch (err) {
    self.postMessage({ error: String(err?.stack || err) });
  }
};
