#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// bench-nn.mjs — patches per second of sonomap's wasm network (dist/sonomap.wasm, one thread) at
// batch 1 and 16, against @tensorflow/tfjs-backend-wasm (XNNPACK inside, SIMD, 1 thread) and
// onnxruntime-web (wasm, SIMD, 1 thread) running the same YAMNet architecture with the same
// random weights; and the achieved GFLOP/s as a share of the wasm SIMD128 peak measured by a
// microbenchmark (scripts/bench/simd-peak.c) next to every run. First under Node, then in
// headless Chromium (Debian's /usr/bin/chromium through playwright-core), same table for both.
// The measurement itself is scripts/bench/nn-core.mjs. Timing-based: never part of `make test`.
//   node scripts/bench-nn.mjs [--rounds 5] [--time 0.4] [--no-peers] [--no-node] [--no-browser]
//                             [--wasm other.wasm] [--base earlier.wasm]
// --wasm measures another build of the engine instead of dist/sonomap.wasm; --base adds an earlier
// build as one more runner in the same interleaved rounds (before/after as same-run ratios).
// Both are paths under the repository root (the browser fetches them from there).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInChromium } from './bench/chromium.mjs';
import { runBench } from './bench/nn-core.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);
const args = process.argv.slice(2);
const opt = (k, d) => {
  const i = args.indexOf(k);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const ROUNDS = opt('--rounds', 5),
  TIME = opt('--time', 0.4);
const PEERS = !args.includes('--no-peers');
const WASM = args.includes('--wasm') ? args[args.indexOf('--wasm') + 1] : undefined;
const BASE = args.includes('--base') ? args[args.indexOf('--base') + 1] : undefined;

function buildPeak() {
  const out = 'build/bench/simd-peak.wasm',
    src = 'scripts/bench/simd-peak.c';
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) return;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const r = spawnSync(
    'emcc',
    [
      '-O3',
      '-msimd128',
      '--no-entry',
      '-sSTANDALONE_WASM',
      '-sEXPORTED_FUNCTIONS=_peak_chains,_peak_streams,_peak_buffer',
      src,
      '-o',
      out,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`emcc simd-peak: ${r.stderr}`);
}

async function nodeRun() {
  const env = {
    label: `node ${process.version}`,
    wasm: WASM,
    baseWasm: BASE,
    async bytes(p) {
      return fs.readFileSync(p);
    },
    async tfjs() {
      return {
        tf: await import('@tensorflow/tfjs-core'),
        tfWasm: await import('@tensorflow/tfjs-backend-wasm'),
      };
    },
    tfjsWasmDir: `${path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`,
    async ort() {
      return await import('onnxruntime-web');
    },
  };
  return runBench(env, { rounds: ROUNDS, time: TIME, peers: PEERS });
}

async function browserRun() {
  const extra =
    (WASM ? `&wasm=${encodeURIComponent(WASM)}` : '') +
    (BASE ? `&base=${encodeURIComponent(BASE)}` : '');
  return runInChromium({
    root: ROOT,
    name: 'nn',
    entry: 'scripts/bench/nn-browser.mjs',
    polling: 500,
    query: `rounds=${ROUNDS}&time=${TIME}&peers=${PEERS ? 1 : 0}${extra}`,
    build: {
      external: ['fs', 'path', 'os', 'worker_threads', 'perf_hooks', 'crypto', 'url', 'module'],
    },
  });
}

async function main() {
  if (!fs.existsSync('dist/sonomap.wasm')) throw new Error('dist/sonomap.wasm missing: run make');
  buildPeak();
  const results = [];
  if (!args.includes('--no-node')) results.push(await nodeRun());
  if (!args.includes('--no-browser')) {
    console.log('');
    results.push(await browserRun());
  }
  if (results.length > 1 && (PEERS || BASE)) {
    console.log(
      `\nsummary (medians): sonomap share of the same-run peak, and sonomap / tfjs-wasm, sonomap / onnxruntime-web${BASE ? ", sonomap / base (and the base's share)" : ''}`,
    );
    for (const r of results)
      for (const n of [1, 16]) {
        const rows = r.rows.filter((x) => x.batch === n),
          ours = rows[0];
        const vs = (name) => {
          const x = rows.find((y) => y.runner === name);
          return x ? `${x.ratio.toFixed(2)}x` : 'n/a';
        };
        console.log(
          `  ${r.label.padEnd(34)} batch ${String(n).padStart(2)}: ${(100 * ours.share).toFixed(1).padStart(5)}% of peak, ` +
            `${vs('tfjs-backend-wasm')} tfjs, ${vs('onnxruntime-web')} ort` +
            (BASE
              ? `, ${vs('sonomap base')} base (${(100 * rows.find((y) => y.runner === 'sonomap base').share).toFixed(1)}%)`
              : ''),
        );
      }
  }
}

main().catch((e) => {
  console.error(`bench-nn: ${e.stack || e.message}`);
  process.exit(1);
});
