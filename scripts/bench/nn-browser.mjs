// nn-browser.mjs — the Chromium side of `make bench-nn`: bundled by scripts/bench-nn.mjs with
// esbuild into build/bench/nn-browser.js and run on a page served from the repository root.
// Prints the same lines as the Node run (console.log, read by the driver) and leaves the summary
// in window.benchResult (or window.benchError).

import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import { runBench } from './nn-core.mjs';

const params = new URLSearchParams(location.search);
const env = {
  label: `chromium ${navigator.userAgent.match(/Chrom(e|ium)\/([\d.]+)/)?.[2] || '?'}, main thread`,
  async bytes(p) {
    const r = await fetch(`/${p}`);
    if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  },
  async tfjs() {
    return { tf, tfWasm };
  },
  tfjsWasmDir: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/',
  async ort() {
    return ort;
  },
  ortWasmDir: '/node_modules/onnxruntime-web/dist/',
  wasm: params.get('wasm') || undefined,
  baseWasm: params.get('base') || undefined,
};
runBench(env, {
  rounds: Number(params.get('rounds') || 5),
  time: Number(params.get('time') || 0.4),
  peers: params.get('peers') !== '0',
}).then(
  (s) => {
    window.benchResult = s;
  },
  (e) => {
    window.benchError = String(e.stack || e);
  },
);
