// bench-cli.mjs — the CLI's whole command on real clips with the default model, cold (a fresh
// process, as a person runs it): its analysis against its tail (layouts, quality, clusters, grid,
// sprites, spriteclip, files). Then the tail alone on the same features, in this process, the
// way it ran before (one layout after another in one engine) against the way it runs now (side
// by side on the worker pool while this thread draws the sprites): cold and warm, same bytes.
// Last, the grid on the first n points of the map, n doubling: time per point should stay about
// flat (the quality figures already sample a fixed number of queries, core/policy.js).
//
// --baseline <dist>: the same whole command with another build's CLI (e.g. one built from an
// earlier commit) in the same run, after this one: its tail against this one's.
//
//   node scripts/bench-cli.mjs [--count 1000] [--keep] [--baseline <dist>]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mapItems } from '../web/cli/dataset-writer.mjs';
import { TaskPool } from '../web/cli/map-tasks.mjs';
import { loadEngine } from '../web/core/engine.js';
import { realClips } from './bench/real-clips.mjs';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    keep: { type: 'boolean' },
    baseline: { type: 'string' },
  },
  strict: true,
});
const COUNT = Number(args.count);
const CORES = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
const DIST = path.resolve('dist');
const entryUrl = new URL(`file://${DIST}/sonomap.mjs`);
const wasmUrl = new URL(`file://${DIST}/sonomap.wasm`);

/** The whole command, cold: seconds to the last "analysed" line and to the exit. */
function wholeCommand(files, out, dist = DIST) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let analysed = null;
    let buf = '';
    const p = spawn(process.execPath, [`${dist}/sonomap.mjs`, 'analyze', ...files, '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    p.stderr.on('data', (chunk) => {
      buf += chunk;
      for (let i; (i = buf.search(/[\r\n]/)) >= 0; buf = buf.slice(i + 1)) {
        const line = buf.slice(0, i);
        const m = line.match(/analysed (\d+)\/(\d+) files/);
        if (m && m[1] === m[2] && analysed === null) analysed = (performance.now() - t0) / 1000;
      }
    });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) reject(new Error(`analyze exited with ${code}`));
      else resolve({ total: (performance.now() - t0) / 1000, analysis: analysed ?? 0 });
    });
  });
}

/** The items of a dataset folder: its embeddings (as analysed) and labels. */
function readItems(dir) {
  const buf = fs.readFileSync(path.join(dir, 'embeddings.npy'));
  const hl = buf.readUInt16LE(8);
  const [n, d] = buf
    .subarray(10, 10 + hl)
    .toString()
    .match(/\((\d+), (\d+)\)/)
    .slice(1)
    .map(Number);
  const raw = new Float32Array(
    buf.buffer.slice(buf.byteOffset + 10 + hl, buf.byteOffset + buf.length),
  );
  const labels = fs
    .readFileSync(path.join(dir, 'labels.tsv'), 'utf8')
    .split('\n')
    .slice(1, n + 1)
    .map((l) => l.split('\t')[1] || null);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const items = Array.from({ length: n }, (_, i) => ({
    features: raw.subarray(i * d, (i + 1) * d),
    label: labels[i],
  }));
  return { items, n, feature: config.features ?? config.feature ?? 'embedding' };
}

async function tail(engine, items, feature, jobs) {
  const t0 = performance.now();
  const pool = jobs > 1 ? new TaskPool({ jobs, entryUrl, wasmUrl }) : null;
  const model = await mapItems(engine, items, {
    projection: 'umap',
    dims: 2,
    seed: 42,
    clusters: 'auto',
    feature,
    log: () => {},
    quiet: true,
    pool,
  });
  pool?.close();
  return { seconds: (performance.now() - t0) / 1000, model };
}

const same = (a, b) =>
  Object.keys(a.layouts).every(
    (k) => Buffer.compare(Buffer.from(a.layouts[k].buffer), Buffer.from(b.layouts[k].buffer)) === 0,
  ) && JSON.stringify(a.quality) === JSON.stringify(b.quality);

const files = realClips(COUNT);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-bench-cli-'));
try {
  console.log(`bench-cli: ${files.length} real clips, default model, ${CORES} cores`);
  const whole = await wholeCommand(files, out);
  const t = whole.total - whole.analysis;
  console.log(
    `\nwhole command, cold: ${whole.total.toFixed(1)} s — analysis ${whole.analysis.toFixed(1)} s, ` +
      `tail ${t.toFixed(1)} s (tail / analysis ${(t / whole.analysis).toFixed(2)})`,
  );

  if (args.baseline) {
    const base = await wholeCommand(files, `${out}-baseline`, path.resolve(args.baseline));
    fs.rmSync(`${out}-baseline`, { recursive: true, force: true });
    const bt = base.total - base.analysis;
    console.log(
      `baseline ${args.baseline}, cold: ${base.total.toFixed(1)} s — analysis ${base.analysis.toFixed(1)} s, ` +
        `tail ${bt.toFixed(1)} s (tail / analysis ${(bt / base.analysis).toFixed(2)}); ` +
        `this build's tail is ${(bt / t).toFixed(2)}x faster`,
    );
  }

  const { items, n, feature } = readItems(out);
  const engine = await loadEngine(fs.readFileSync(wasmUrl));
  const runs = [];
  for (const pass of ['cold', 'warm']) {
    const seq = await tail(engine, items, feature, 1);
    const par = await tail(engine, items, feature, CORES);
    runs.push({ pass, seq, par });
  }
  console.log(`\nlayouts, quality, clusters and grid of ${n} points (${feature}), this process:`);
  console.log('| pass | one after another, s | side by side, s | speed-up | same bytes |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const r of runs)
    console.log(
      `| ${r.pass} | ${r.seq.seconds.toFixed(2)} | ${r.par.seconds.toFixed(2)} | ` +
        `${(r.seq.seconds / r.par.seconds).toFixed(2)}x | ${same(r.seq.model, r.par.model) ? 'yes' : 'NO'} |`,
    );

  // The grid on the first m points of the 2-D map: seconds per point as m doubles.
  const flat = runs[0].seq.model.layouts['umap-2d'];
  console.log('\n| points | grid, ms | µs / point |');
  console.log('| ---: | ---: | ---: |');
  for (let m = Math.max(64, n >> 3); m <= n; m = m * 2 > n && m < n ? n : m * 2) {
    const cols = Math.ceil(Math.sqrt(m));
    const t0 = performance.now();
    engine.gridAssign(flat.subarray(0, 2 * m), m, cols, Math.ceil(m / cols));
    const g = performance.now() - t0;
    console.log(`| ${m} | ${g.toFixed(0)} | ${((1000 * g) / m).toFixed(0)} |`);
    if (m === n) break;
  }
} finally {
  if (!args.keep) fs.rmSync(out, { recursive: true, force: true });
  else console.log(`kept ${out}`);
}
