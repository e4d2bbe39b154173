#!/usr/bin/env node
// bench-map.mjs — sonomap's projection (dist/sonomap.wasm: UMAP, t-SNE) against umap-js 1.4.0,
// tsne-js 1.0.3 and @keckelt/tsne 1.0.2 on the same clustered synthetic data (N = 2k, 10k, 50k;
// D = 128, 1024), first under Node, then in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core), each side in the same runtime. Prints time ratios with trustworthiness
// beside them (both layouts rated by sonomap's engine on the same rows), and the 100k x 1024 ->
// 2-D UMAP time in Chromium. The measurement is scripts/bench/map-core.mjs. These in-process
// figures are warm (an untimed map first, so V8 has optimised the code); then the cold, whole
// command (scripts/bench/cold.mjs): a fresh process or browser profile per run, from its start to
// the written layout, with the peer scripted the same way; the summary gives both ratios side by
// side. Timing-based: never part of `make test`.
//   node scripts/bench-map.mjs [--quick] [--no-node] [--no-browser] [--no-peers] [--peers-50k]
//                              [--no-big] [--tsne-js] [--only umap|tsne] [--no-cold] [--cold-runs N]
//   --quick: N = 2k and 10k at D = 128, t-SNE 200 iterations, no 100k run.
//   --only umap / --only tsne: one of the two projections (the 100k run is UMAP).
//   --peers-50k: also run umap-js at N = 50k (several minutes per run on a 2-core machine).
//   --tsne-js: also tsne-js 1.0.3 at N = 2k, a 30-iteration run on both sides (about 17 s per
//   tsne-js iteration here); @keckelt/tsne is the t-SNE peer otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInChromium } from './bench/chromium.mjs';
import { runColdBench } from './bench/cold.mjs';
import { runMapBench } from './bench/map-core.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);
const args = process.argv.slice(2);
const has = (k) => args.includes(k);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
if (only && only !== 'umap' && only !== 'tsne')
  throw new Error(`--only takes umap or tsne, not '${only}'`);
const opts = {
  quick: has('--quick'),
  peers: !has('--no-peers'),
  peers50k: has('--peers-50k'),
  tsnejs: has('--tsne-js'),
  only,
};

async function nodeRun() {
  const { UMAP } = await import('umap-js');
  return runMapBench(
    {
      label: `node ${process.version}`,
      wasm: async () => fs.readFileSync('dist/sonomap.wasm'),
      now: () => performance.now(),
      umap: async () => UMAP,
      keckelt: async () => (await import('@keckelt/tsne')).TSNE,
      tsnejs: async () => (await import('tsne-js')).default,
      log: (s) => console.log(s),
    },
    { ...opts, big: false },
  );
}

async function browserRun(big) {
  const q = new URLSearchParams({
    tsnejs: opts.tsnejs ? 1 : 0,
    quick: opts.quick ? 1 : 0,
    nopeers: opts.peers ? 0 : 1,
    peers50k: opts.peers50k ? 1 : 0,
    big: big ? 1 : 0,
    only: opts.only,
  });
  return runInChromium({
    root: ROOT,
    name: 'map',
    entry: 'scripts/bench/map-browser.mjs',
    query: q.toString(),
    head: '<script src="/node_modules/tsne-js/build/tsne.min.js"></script>',
  });
}

function summary(results, cold) {
  console.log(
    `\nsummary (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, ${os.cpus()[0]?.model || '?'}):`,
  );
  if (cold.length) {
    console.log(
      '  peer time / sonomap time, warm (in-process, after a warm-up) and cold (whole command):',
    );
    for (const c of cold) {
      const warm = results
        .find((r) => r.label.startsWith(c.runtime))
        ?.rows.find((x) => x.algo === c.algo && x.n === c.n && x.d === c.d && x.peer === c.peer);
      console.log(
        `  ${c.runtime.padEnd(9)} ${c.algo.padEnd(4)} ${String(c.n).padStart(6)} x ${String(c.d).padEnd(4)} vs ${c.peer.padEnd(13)}` +
          ` warm ${warm ? `${warm.ratio.toFixed(1)}x` : '  -  '}  cold ${c.ratio.toFixed(1)}x` +
          ` (${c.ours.toFixed(2)} s vs ${c.peerTime.toFixed(2)} s)`,
      );
    }
  }
  for (const r of results)
    for (const x of r.rows) {
      const head = `  ${r.label.padEnd(30)} ${x.algo.padEnd(4)} ${String(x.n).padStart(6)} x ${String(x.d).padEnd(4)}`;
      if (x.peer)
        console.log(
          `${head} ${x.ratio.toFixed(1).padStart(6)}x vs ${x.peer.padEnd(13)} T ${x.tOurs.toFixed(4)} vs ${x.tPeer.toFixed(4)}`,
        );
      else if (x.n >= 100000)
        console.log(
          `${head} ${x.ours.toFixed(1).padStart(6)} s (target < 60 s) T ${x.tOurs.toFixed(4)}`,
        );
    }
}

async function main() {
  if (!fs.existsSync('dist/sonomap.wasm')) throw new Error('dist/sonomap.wasm missing: run make');
  const results = [];
  if (!has('--no-node')) results.push(await nodeRun());
  if (!has('--no-browser'))
    results.push(await browserRun(!opts.quick && !has('--no-big') && opts.only !== 'tsne'));
  const cold =
    has('--no-cold') || !opts.peers
      ? []
      : await runColdBench({
          root: ROOT,
          runs: args.includes('--cold-runs') ? Number(args[args.indexOf('--cold-runs') + 1]) : 3,
          node: !has('--no-node'),
          chromium: !has('--no-browser'),
          only: opts.only,
        });
  summary(results, cold);
}

main().catch((e) => {
  console.error(`bench-map: ${e.stack || e.message}`);
  process.exit(1);
});
