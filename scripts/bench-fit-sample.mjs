#!/usr/bin/env node
// bench-fit-sample.mjs — maps of many rows: UMAP fitted on all rows (the full fit) against UMAP
// fitted on a sample with every other row placed (web/cli/fit-sample.mjs, sm_map_place), on
// clustered synthetic rows (16 Gaussian clusters in D = 1024) made block by block from a seed,
// so a million rows never exist at once. Each case runs in its own Node process; it reports the
// time (making the rows not counted), the peak resident memory (maxRSS) and the wasm memory,
// and, on the same 5,000 seeded rows for every case, the trustworthiness at k = 10 (raw rows
// against the layout, sonomap's sm_layout_quality, 1,000 query rows) and the 1-NN label
// accuracy in the layout. Timing-based: never part of `make test`.
//   node scripts/bench-fit-sample.mjs [--rows 100000] [--cols 1024] [--sample 10000]
//                                     [--no-full] [--million]
//   --no-full: skip the full fit (it holds the rows twice: once in JS, once in wasm).
//   --million: also fit-sample at 10^6 rows (the full fit of 10^6 x 1024 cannot be made in
//   wasm32: 4 GB of rows alone).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitSampleLayout, sampleRows } from '../web/cli/fit-sample.mjs';
import { loadEngine } from '../web/core/engine.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);
const args = process.argv.slice(2);
const arg = (k, v) => (args.includes(k) ? Number(args[args.indexOf(k) + 1]) : v);
const CLUSTERS = 16;
const EVAL_ROWS = 5000;

/** Row i of the synthetic data: its cluster's centre (N(0, 0.3^2) per value) + N(0, 1) noise,
 *  every value from seeds (the row's own stream), so any block can be made alone. */
function makeSource(n, d) {
  const centres = new Float32Array(CLUSTERS * d);
  const normals = (seed, out, scale, add) => {
    let s = seed >>> 0;
    const u = () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = Math.imul(s ^ (s >>> 15), s | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
    };
    for (let j = 0; j < out.length; j += 2) {
      const r = Math.sqrt(-2 * Math.log(u()));
      const a = 2 * Math.PI * u();
      out[j] = (add ? add[j] : 0) + scale * r * Math.cos(a);
      if (j + 1 < out.length) out[j + 1] = (add ? add[j + 1] : 0) + scale * r * Math.sin(a);
    }
  };
  for (let c = 0; c < CLUSTERS; c++)
    normals(0x51ed + c * 7919, centres.subarray(c * d, (c + 1) * d), 0.3, null);
  const src = { n, d, genSeconds: 0 };
  src.row = (i, out) => {
    const l = i % CLUSTERS;
    normals(Math.imul(i + 1, 0x9e3779b1), out, 1, centres.subarray(l * d, (l + 1) * d));
  };
  src.read = (start, count) => {
    const t0 = performance.now();
    const out = new Float32Array(count * d);
    for (let i = 0; i < count; i++) src.row(start + i, out.subarray(i * d, (i + 1) * d));
    src.genSeconds += (performance.now() - t0) / 1000;
    return out;
  };
  return src;
}

/** Trustworthiness (k = 10) and 1-NN label accuracy of the layout on EVAL_ROWS seeded rows. */
function evaluate(engine, src, layout, dims) {
  const rows = sampleRows(src.n, EVAL_ROWS, 99);
  const S = rows.length;
  const d = src.d;
  const X = new Float32Array(S * d);
  const Y = new Float32Array(S * dims);
  rows.forEach((r, i) => {
    src.row(r, X.subarray(i * d, (i + 1) * d));
    Y.set(layout.subarray(r * dims, (r + 1) * dims), i * dims);
  });
  const px = engine.copyIn(X);
  const py = engine.copyIn(Y);
  const pr = engine.alloc(16);
  let trust = Number.NaN;
  try {
    if (engine.x.sm_layout_quality(px, S, d, py, dims, 10, 1000, 7, pr, pr + 8) === 0)
      trust = new Float64Array(engine.memory.buffer, pr, 1)[0];
  } finally {
    engine.free(px);
    engine.free(py);
    engine.free(pr);
  }
  let hit = 0;
  for (let i = 0; i < S; i++) {
    let best = Number.POSITIVE_INFINITY;
    let bj = -1;
    for (let j = 0; j < S; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < dims; c++) s += (Y[i * dims + c] - Y[j * dims + c]) ** 2;
      if (s < best) [best, bj] = [s, j];
    }
    hit += rows[bj] % CLUSTERS === rows[i] % CLUSTERS;
  }
  return { trust, acc: hit / S };
}

/** One case, in this process: prints its figures as JSON on the last line. */
async function runCase(kind, n, d, sample) {
  const engine = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));
  const src = makeSource(n, d);
  const opts = { projection: 'umap', dims: 2, seed: 42 };
  let layout;
  let seconds;
  let detail = {};
  if (kind === 'full') {
    const X = src.read(0, n);
    const t0 = performance.now();
    const m = engine.createMap(X, n, d, opts);
    try {
      let left = m.totalSteps;
      while (left > 0) left = m.step(Math.max(1, Math.ceil(m.totalSteps / 20)));
      layout = m.layout();
    } finally {
      m.free();
    }
    seconds = (performance.now() - t0) / 1000;
  } else {
    const t0 = performance.now();
    let genBefore = 0; // making the rows read before the placing started
    const r = fitSampleLayout(engine, src, sample, {
      ...opts,
      onMap: () => {
        genBefore = src.genSeconds;
      },
    });
    seconds = (performance.now() - t0) / 1000 - src.genSeconds;
    layout = r.layout;
    detail = { fit: r.fitSeconds, place: r.placeSeconds - (src.genSeconds - genBefore) };
  }
  const maxRSS = process.resourceUsage().maxRSS * 1024;
  const wasm = engine.memory.buffer.byteLength;
  const q = evaluate(engine, src, layout, 2);
  console.log(JSON.stringify({ kind, n, d, sample, seconds, ...detail, maxRSS, wasm, ...q }));
}

function child(kind, n, d, sample) {
  const r = spawnSync(
    process.execPath,
    [
      '--max-old-space-size=16384',
      fileURLToPath(import.meta.url),
      '--case',
      kind,
      '--rows',
      n,
      '--cols',
      d,
      '--sample',
      sample,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const last = r.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(last);
  } catch {
    return {
      kind,
      n,
      d,
      sample,
      error: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' '),
    };
  }
}

const mb = (b) => `${Math.round(b / 2 ** 20)} MB`;
function report(r, peer) {
  const name = r.kind === 'full' ? 'full fit' : `fit-sample ${r.sample}`;
  if (r.error) return console.log(`${r.n} x ${r.d}  ${name}: failed (${r.error})`);
  const split =
    r.fit !== undefined ? ` (fit ${r.fit.toFixed(1)} s, place ${r.place.toFixed(1)} s)` : '';
  const ratio =
    peer && !peer.error
      ? `  ${(peer.seconds / r.seconds).toFixed(1)}x faster than the full fit`
      : '';
  console.log(
    `${r.n} x ${r.d}  ${name}: ${r.seconds.toFixed(1)} s${split}, peak RSS ${mb(r.maxRSS)}, ` +
      `wasm ${mb(r.wasm)}, trustworthiness ${r.trust.toFixed(3)}, 1-NN label accuracy ` +
      `${r.acc.toFixed(3)}${ratio}`,
  );
}

if (args.includes('--case')) {
  await runCase(args[args.indexOf('--case') + 1], arg('--rows'), arg('--cols'), arg('--sample'));
} else {
  const n = arg('--rows', 100000);
  const d = arg('--cols', 1024);
  const sample = arg('--sample', 10000);
  console.log(
    `UMAP 2-D, ${CLUSTERS} clusters, D = ${d}; trustworthiness (k = 10) and 1-NN accuracy on ` +
      `${EVAL_ROWS} seeded rows; times without making the rows`,
  );
  const full = args.includes('--no-full') ? null : child('full', n, d, n);
  if (full) report(full);
  report(child('sample', n, d, sample), full);
  if (args.includes('--million')) report(child('sample', 1000000, d, sample));
}
