// map-browser.mjs — the Chromium side of `make bench-map`: bundled by scripts/bench-map.mjs with
// esbuild into build/bench/map-browser.js and run on a page served from the repository root.
// Logs the same lines as the Node run (console.log, read by the driver) and leaves the rows in
// window.benchResult (or the failure in window.benchError). tsne-js comes from its prebuilt
// standalone bundle (node_modules/tsne-js/build/tsne.min.js, a global TSNE) loaded by the page.

import { TSNE as Keckelt } from '@keckelt/tsne';
import { UMAP } from 'umap-js';
import { runMapBench } from './map-core.mjs';

const params = new URLSearchParams(location.search);
const flag = (k) => params.get(k) === '1';
runMapBench(
  {
    label: `chromium ${navigator.userAgent.match(/Chrom(e|ium)\/([\d.]+)/)?.[2] || '?'}, main thread`,
    wasm: async () => '/dist/sonomap.wasm',
    now: () => performance.now(),
    umap: async () => UMAP,
    keckelt: async () => Keckelt,
    tsnejs: async () => globalThis.TSNE || null,
    log: (s) => console.log(s),
  },
  {
    quick: flag('quick'),
    tsnejs: flag('tsnejs'),
    peers: !flag('nopeers'),
    peers50k: flag('peers50k'),
    big: flag('big'),
    only: params.get('only') || '',
  },
).then(
  (r) => {
    window.benchResult = r;
  },
  (e) => {
    window.benchError = String(e.stack || e);
  },
);
