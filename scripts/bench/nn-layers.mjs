#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// nn-layers.mjs — where the time of one YAMNet forward goes, layer by layer, in wasm under Node:
// builds wasm/nn/*.c with -DNN_PROFILE (net.c then calls an imported nn_prof_mark after
// every layer), runs the bench's YAMNet (random weights) at batch 1 and 16, and prints each
// layer's share of the time and its GFLOP/s next to the same-run SIMD peak. With several
// --defs variants (separated by ';') it builds one module per variant and interleaves them call
// by call, for A/B tests of the kernels' tuning constants on a machine whose speed drifts.
// Per layer it keeps the fastest of the calls (robust to preemption). A development aid, not part
// of `make bench` or `make test`.
//   node scripts/bench/nn-layers.mjs [--reps 20] [--batch 1,16] [--defs 'A=1,B=2;A=3;SRC=/tmp/old'] [--quiet]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { H, smnnBytes, W, yamnetLayers } from './nn-core.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(ROOT);
const args = process.argv.slice(2);
const arg = (k, d) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : d;
};
const REPS = Number(arg('--reps', 20)),
  BATCHES = arg('--batch', '1,16').split(',').map(Number);
const VARIANTS = arg('--defs', '').split(';');
if (!fs.existsSync('build/bench/simd-peak.wasm')) {
  console.error('run `make bench-nn` once first (simd-peak.wasm)');
  process.exit(1);
}

const { L } = yamnetLayers();
fs.mkdirSync('build/bench', { recursive: true });
const maxN = Math.max(...BATCHES);
const acc = new Float64Array(L.length);
let last = 0;

async function variant(defs) {
  const out = `build/bench/nn-prof${process.pid}.wasm`;
  // SRC=<dir> builds <dir>/nn/*.c (with -I<dir>) instead of wasm/: a saved copy of an older tree
  const src =
    defs
      .split(',')
      .find((d) => d.startsWith('SRC='))
      ?.slice(4) || 'wasm';
  const D = defs
    .split(',')
    .filter((d) => d && !d.startsWith('SRC='))
    .map((d) => `-D${d}`);
  const files = fs
    .readdirSync(`${src}/nn`)
    .filter((f) => f.endsWith('.c'))
    .map((f) => `${src}/nn/${f}`);
  const cc = spawnSync(
    'emcc',
    [
      '-std=c11',
      '-O3',
      '-msimd128',
      '-DNDEBUG',
      '-DNN_PROFILE',
      ...D,
      `-I${src}`,
      ...files,
      '--no-entry',
      '-sSTANDALONE_WASM',
      '-sALLOW_MEMORY_GROWTH',
      '-sERROR_ON_UNDEFINED_SYMBOLS=0',
      '-sEXPORTED_FUNCTIONS=_malloc,_free,_sm_model_load,_sm_model_embed,_sm_model_macs',
      '-o',
      out,
    ],
    { encoding: 'utf8' },
  );
  if (cc.status !== 0) {
    console.error(cc.stderr);
    process.exit(1);
  }
  const mod = await WebAssembly.compile(fs.readFileSync(out));
  fs.rmSync(out);
  const imports = {};
  for (const i of WebAssembly.Module.imports(mod)) (imports[i.module] ??= {})[i.name] = () => 0;
  imports.env.nn_prof_mark = (i) => {
    const t = performance.now();
    acc[i] += t - last;
    last = t;
  };
  const x = (await WebAssembly.instantiate(mod, imports)).exports;
  const bytes = smnnBytes(L);
  const mp = x.malloc(bytes.length);
  new Uint8Array(x.memory.buffer).set(bytes, mp);
  const m = x.sm_model_load(mp, bytes.length, x.malloc(256), 256);
  if (!m) throw new Error('sm_model_load failed');
  const pin = x.malloc(maxN * H * W * 4),
    pe = x.malloc(maxN * 1024 * 4),
    ps = x.malloc(maxN * 521 * 4);
  const inp = new Float32Array(x.memory.buffer, pin, maxN * H * W);
  let seed = 99;
  for (let i = 0; i < inp.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    inp[i] = (seed / 4294967296) * 8 - 7;
  }
  return { defs: defs || '(default)', run: (n) => x.sm_model_embed(m, pin, n, pe, ps) };
}
const vs = [];
for (const d of VARIANTS) vs.push(await variant(d));

const pmod = await WebAssembly.compile(fs.readFileSync('build/bench/simd-peak.wasm'));
const pimp = {};
for (const i of WebAssembly.Module.imports(pmod)) (pimp[i.module] ??= {})[i.name] = () => 0;
const pk = (await WebAssembly.instantiate(pmod, pimp)).exports;
const pbuf = pk.peak_buffer();
new Float32Array(pk.memory.buffer, pbuf, 64).fill(1e-3);
function peak() {
  let best = 0;
  for (let r = 0; r < 20; r++)
    for (const fn of [pk.peak_chains, pk.peak_streams]) {
      const t0 = performance.now();
      fn(1 << 16, pbuf);
      const dt = performance.now() - t0;
      best = Math.max(best, ((1 << 16) * 96) / dt / 1e6);
    }
  return best;
}

// per-layer multiply-adds per patch (the pooling's adds count as half a multiply-add each)
let h = H,
  w = W;
const lm = L.map((l) => {
  if (l.op === 'conv' || l.op === 'dw') {
    h = Math.ceil(h / l.stride);
    w = Math.ceil(w / l.stride);
  }
  if (l.op === 'gap') {
    const r = h * w * l.cin;
    h = 1;
    w = 1;
    return r / 2;
  }
  return h * w * l.w.length;
});
const tot = lm.reduce((a, b) => a + b, 0);

for (const n of BATCHES) {
  for (const v of vs) for (let r = 0; r < 2; r++) v.run(n);
  const best = vs.map(() => new Float64Array(L.length).fill(Infinity)),
    bestTotal = vs.map(() => Infinity);
  let p = peak();
  for (let r = 0; r < REPS; r++) {
    vs.forEach((v, k) => {
      acc.fill(0);
      const t0 = performance.now();
      last = t0;
      v.run(n);
      bestTotal[k] = Math.min(bestTotal[k], performance.now() - t0);
      for (let i = 0; i < L.length; i++) best[k][i] = Math.min(best[k][i], acc[i]);
    });
    if (r % 5 === 4) p = Math.max(p, peak());
  }
  console.log(
    `batch ${n}: fastest of ${REPS} calls per variant, interleaved; peak ${p.toFixed(1)} GFLOP/s`,
  );
  vs.forEach((v, k) => {
    const sum = best[k].reduce((a, b) => a + b, 0),
      gf = (ms) => (2 * tot * n) / ms / 1e6;
    console.log(
      `  ${v.defs}: call ${bestTotal[k].toFixed(2)} ms (${gf(bestTotal[k]).toFixed(1)} GFLOP/s, ${((100 * gf(bestTotal[k])) / p).toFixed(1)}%), ` +
        `sum of per-layer minima ${sum.toFixed(2)} ms (${((100 * gf(sum)) / p).toFixed(1)}%)`,
    );
    if (!args.includes('--quiet'))
      L.forEach((l, i) => {
        const g = (2 * lm[i] * n) / best[k][i] / 1e6;
        console.log(
          `    ${String(i).padStart(2)} ${l.op.padEnd(5)} s${l.stride || 1} ${String(l.cin).padStart(4)}->${String(l.cout).padStart(4)}` +
            `  ${((100 * best[k][i]) / sum).toFixed(1).padStart(5)}% time  ${((100 * lm[i]) / tot).toFixed(1).padStart(5)}% flops  ${g.toFixed(1).padStart(6)} GFLOP/s`,
        );
      });
  });
}
