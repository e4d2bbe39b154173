// nn-core.mjs — the body of `make bench-nn`, shared by Node (scripts/bench-nn.mjs) and Chromium
// (scripts/bench/nn-browser.mjs): the YAMNet architecture with random weights, one runner per
// implementation (sonomap's wasm, tfjs-backend-wasm, onnxruntime-web, all one thread), the wasm
// SIMD128 peak microbenchmark, and the interleaved measurement.
//
// Honest figures on a machine whose speed drifts: every round measures, for each runner and
// batch size, the peak right before and right after the runner; the runner's share of the peak
// uses the larger of the two. Ratios between runners are taken within a round (adjacent runs);
// the table shows medians over rounds. FLOPs are 2 x the multiply-adds that sm_model_macs reports.
import { loadEngine } from '../../web/core/engine.js';
import { onnxModel } from './onnx-writer.mjs';

export const H = 96,
  W = 64,
  BATCHES = [1, 16];

// ---- the architecture (YAMNet) and its random weights, shared by every runner ----
export function yamnetLayers() {
  const L = [{ op: 'conv', stride: 2, cout: 32 }];
  const blocks = [
    [1, 64],
    [2, 128],
    [1, 128],
    [2, 256],
    [1, 256],
    [2, 512],
    [1, 512],
    [1, 512],
    [1, 512],
    [1, 512],
    [1, 512],
    [2, 1024],
    [1, 1024],
  ];
  for (const [s, c] of blocks) {
    L.push({ op: 'dw', stride: s });
    L.push({ op: 'pw', stride: 1, cout: c });
  }
  L.push({ op: 'gap' }, { op: 'dense', cout: 521 });
  let cin = 1,
    h = H,
    w = W;
  let seed = 1234567;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2147483648 - 1;
  };
  let macs = 0;
  for (const l of L) {
    l.cin = cin;
    if (l.op === 'dw' || l.op === 'gap') l.cout = cin;
    const nw =
      l.op === 'conv'
        ? l.cout * 9 * cin
        : l.op === 'dw'
          ? 9 * cin
          : l.op === 'gap'
            ? 0
            : l.cout * cin;
    const fan = l.op === 'conv' ? 9 * cin : l.op === 'dw' ? 9 : cin;
    l.w = new Float32Array(nw).map(() => rnd() * Math.sqrt(3 / fan));
    l.b = new Float32Array(l.op === 'gap' ? 0 : l.cout).map(() => rnd() * 0.1);
    if (l.op === 'conv' || l.op === 'dw') {
      h = Math.ceil(h / l.stride);
      w = Math.ceil(w / l.stride);
    }
    if (l.op === 'gap') {
      h = 1;
      w = 1;
    }
    macs += h * w * nw;
    cin = l.cout;
  }
  return { L, macs };
}

export function smnnBytes(L) {
  const parts = [];
  const hdr = new DataView(new ArrayBuffer(32));
  [...'SMNN'].forEach((ch, i) => hdr.setUint8(i, ch.charCodeAt(0)));
  [1, H, W, 1, L.length, 0, 0].forEach((v, i) => hdr.setUint32(4 + 4 * i, v, true));
  parts.push(new Uint8Array(hdr.buffer));
  const code = { conv: 1, dw: 2, pw: 3, gap: 4, dense: 5 };
  for (const l of L) {
    const lh = new DataView(new ArrayBuffer(8));
    lh.setUint8(0, code[l.op]);
    lh.setUint8(1, l.op === 'dense' ? 3 : l.op === 'gap' ? 0 : 2);
    lh.setUint8(2, l.stride || 1);
    lh.setUint8(3, 0);
    lh.setUint32(4, l.cout, true);
    parts.push(new Uint8Array(lh.buffer), new Uint8Array(l.w.buffer), new Uint8Array(l.b.buffer));
  }
  const n = parts.reduce((s, p) => s + p.length, 0),
    out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---- runners: each has run(n) -> scores of the first patch (Float32Array) ----
async function oursRunner(
  env,
  L,
  input,
  file = env.wasm || 'dist/sonomap.wasm',
  name = 'sonomap wasm',
) {
  const eng = await loadEngine(await env.bytes(file));
  const x = eng.x;
  const bytes = smnnBytes(L);
  const err = eng.alloc(256),
    mp = eng.copyIn(bytes);
  const m = x.sm_model_load(mp, bytes.length, err, 256);
  eng.free(mp);
  if (!m) throw new Error(`sm_model_load: ${eng.str(err)}`);
  const maxN = Math.max(...BATCHES);
  const pin = eng.copyIn(input),
    pe = eng.alloc(maxN * 1024 * 4),
    ps = eng.alloc(maxN * 521 * 4);
  return {
    name,
    note: file,
    macs: x.sm_model_macs(m),
    run(n) {
      if (x.sm_model_embed(m, pin, n, pe, ps) !== 0) throw new Error('sm_model_embed failed');
      return eng.f32(ps, 521);
    },
  };
}

async function tfjsRunner(env, L, input) {
  const { tf, tfWasm: wasm } = await env.tfjs();
  wasm.setWasmPaths(env.tfjsWasmDir);
  if (wasm.setThreadsCount) wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount ? wasm.getThreadsCount() : 1;
  const P = L.map((l) => {
    if (l.op === 'conv') {
      // ours [co][ky][kx][ci] -> [ky][kx][ci][co]
      const f = new Float32Array(l.w.length);
      for (let co = 0; co < l.cout; co++)
        for (let k = 0; k < 9; k++)
          for (let ci = 0; ci < l.cin; ci++)
            f[(k * l.cin + ci) * l.cout + co] = l.w[(co * 9 + k) * l.cin + ci];
      return { f: tf.tensor4d(f, [3, 3, l.cin, l.cout]), b: tf.tensor1d(l.b) };
    }
    if (l.op === 'dw') return { f: tf.tensor4d(l.w, [3, 3, l.cin, 1]), b: tf.tensor1d(l.b) };
    if (l.op === 'pw' || l.op === 'dense') {
      // [co][ci] -> [ci][co]
      const f = new Float32Array(l.w.length);
      for (let co = 0; co < l.cout; co++)
        for (let ci = 0; ci < l.cin; ci++) f[ci * l.cout + co] = l.w[co * l.cin + ci];
      return l.op === 'pw'
        ? { f: tf.tensor4d(f, [1, 1, l.cin, l.cout]), b: tf.tensor1d(l.b) }
        : { f: tf.tensor2d(f, [l.cin, l.cout]), b: tf.tensor1d(l.b) };
    }
    return {};
  });
  const inputs = {};
  for (const n of BATCHES) inputs[n] = tf.tensor4d(input.subarray(0, n * H * W), [n, H, W, 1]);
  return {
    name: 'tfjs-backend-wasm',
    note: `SIMD ${simd ? 'on' : 'off'}, ${threads} thread${threads > 1 ? 's' : ''}`,
    run(n) {
      const out = tf.tidy(() => {
        let x = inputs[n];
        L.forEach((l, i) => {
          const p = P[i];
          if (l.op === 'conv' || l.op === 'pw')
            x = tf.fused.conv2d({
              x,
              filter: p.f,
              strides: l.op === 'conv' ? l.stride : 1,
              pad: 'same',
              bias: p.b,
              activation: 'relu6',
            });
          else if (l.op === 'dw')
            x = tf.fused.depthwiseConv2d({
              x,
              filter: p.f,
              strides: l.stride,
              pad: 'same',
              bias: p.b,
              activation: 'relu6',
            });
          else if (l.op === 'gap') x = tf.mean(x, [1, 2]);
          else x = tf.sigmoid(tf.fused.matMul({ a: x, b: p.f, bias: p.b }));
        });
        return x;
      });
      const d = out.dataSync().slice(0, 521);
      out.dispose();
      return d;
    },
  };
}

async function ortRunner(env, L, input) {
  const ort = await env.ort();
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  if (env.ortWasmDir) ort.env.wasm.wasmPaths = env.ortWasmDir;
  const inits = [],
    nodes = [];
  let cur = 'x',
    h = H,
    w = W;
  L.forEach((l, i) => {
    const wn = `w${i}`,
      bn = `b${i}`,
      out = `t${i}`;
    if (l.op === 'conv' || l.op === 'dw' || l.op === 'pw') {
      let f,
        dims,
        group = 1,
        k = 3;
      if (l.op === 'conv') {
        // [co][ky][kx][ci] -> [co][ci][ky][kx]
        f = new Float32Array(l.w.length);
        for (let co = 0; co < l.cout; co++)
          for (let kk = 0; kk < 9; kk++)
            for (let ci = 0; ci < l.cin; ci++)
              f[(co * l.cin + ci) * 9 + kk] = l.w[(co * 9 + kk) * l.cin + ci];
        dims = [l.cout, l.cin, 3, 3];
      } else if (l.op === 'dw') {
        // [ky][kx][c] -> [c][1][ky][kx]
        f = new Float32Array(l.w.length);
        for (let kk = 0; kk < 9; kk++)
          for (let c = 0; c < l.cin; c++) f[c * 9 + kk] = l.w[kk * l.cin + c];
        dims = [l.cin, 1, 3, 3];
        group = l.cin;
      } else {
        f = l.w;
        dims = [l.cout, l.cin, 1, 1];
        k = 1;
      }
      const s = l.stride || 1;
      const oh = Math.ceil(h / s),
        ow = Math.ceil(w / s);
      const ph = Math.max((oh - 1) * s + k - h, 0),
        pw = Math.max((ow - 1) * s + k - w, 0);
      const pads = [ph >> 1, pw >> 1, ph - (ph >> 1), pw - (pw >> 1)];
      inits.push({ name: wn, dims, data: f }, { name: bn, dims: [l.cout], data: l.b });
      nodes.push({
        op: 'Conv',
        inputs: [cur, wn, bn],
        outputs: [`${out}c`],
        attrs: { kernel_shape: [k, k], strides: [s, s], pads, group },
      });
      nodes.push({ op: 'Clip', inputs: [`${out}c`, 'zero', 'six'], outputs: [out] });
      h = oh;
      w = ow;
    } else if (l.op === 'gap') {
      nodes.push({ op: 'GlobalAveragePool', inputs: [cur], outputs: [`${out}p`] });
      nodes.push({ op: 'Flatten', inputs: [`${out}p`], outputs: [out], attrs: { axis: 1 } });
    } else {
      inits.push(
        { name: wn, dims: [l.cout, l.cin], data: l.w },
        { name: bn, dims: [l.cout], data: l.b },
      );
      nodes.push({ op: 'Gemm', inputs: [cur, wn, bn], outputs: [`${out}g`], attrs: { transB: 1 } });
      nodes.push({ op: 'Sigmoid', inputs: [`${out}g`], outputs: ['scores'] });
    }
    cur = out;
  });
  inits.push(
    { name: 'zero', dims: [], data: new Float32Array([0]) },
    { name: 'six', dims: [], data: new Float32Array([6]) },
  );
  const sessions = {},
    feeds = {};
  for (const n of BATCHES) {
    const bytes = onnxModel({
      nodes,
      inits,
      inputs: [{ name: 'x', dims: [n, 1, H, W] }],
      outputs: [{ name: 'scores', dims: [n, 521] }],
    });
    sessions[n] = await ort.InferenceSession.create(bytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    feeds[n] = { x: new ort.Tensor('float32', input.slice(0, n * H * W), [n, 1, H, W]) }; // C = 1: NCHW == NHWC
  }
  return {
    name: 'onnxruntime-web',
    note: `wasm, ${ort.env.wasm.numThreads} thread`,
    async run(n) {
      const r = await sessions[n].run(feeds[n]);
      return r.scores.data.slice(0, 521);
    },
  };
}

// The peak: the best of two loops (see simd-peak.c), each called with a fresh count every time
// from JavaScript, so nothing can be hoisted or folded away; its result is checked to be finite.
async function peakRunner(env) {
  const mod = await WebAssembly.compile(await env.bytes('build/bench/simd-peak.wasm'));
  const imports = {};
  for (const i of WebAssembly.Module.imports(mod)) (imports[i.module] ??= {})[i.name] = () => 0;
  const inst = await WebAssembly.instantiate(mod, imports);
  const { peak_chains: chains, peak_streams: streams, memory } = inst.exports;
  const buf = inst.exports.peak_buffer();
  new Float32Array(memory.buffer, buf, 64).set(
    Float32Array.from({ length: 64 }, (_, i) => 1e-3 * (i + 1)),
  );
  const ITERS = 1 << 17,
    FLOPS = 96; // 12 f32x4 mul + 12 f32x4 add per iteration
  let sink = 0;
  const one = (fn) => {
    const t0 = performance.now();
    let calls = 0,
      t;
    do {
      sink += fn(ITERS + (calls & 1), buf);
      calls++;
      t = performance.now();
    } while (t - t0 < 25);
    if (!Number.isFinite(sink)) throw new Error('peak loop result not finite');
    return (calls * ITERS * FLOPS) / ((t - t0) / 1000) / 1e9;
  };
  // warm both up so that V8 has tiered them up to its optimizing compiler
  for (let i = 0; i < 4; i++) {
    one(chains);
    one(streams);
  }
  return {
    measure(seconds) {
      // best over short slices of both loops
      let best = { gflops: 0, which: '' };
      const t0 = performance.now();
      while (performance.now() - t0 < seconds * 1000) {
        const a = one(chains),
          b = one(streams);
        if (a > best.gflops) best = { gflops: a, which: 'chains' };
        if (b > best.gflops) best = { gflops: b, which: 'streams' };
      }
      return best;
    },
  };
}

async function timeIt(fn, seconds) {
  await fn();
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < seconds * 1000 || calls < 2) {
    await fn();
    calls++;
    t = performance.now();
  }
  return calls / ((t - t0) / 1000);
}

function maxAbs(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
function median(a) {
  const s = [...a].sort((x, y) => x - y),
    m = s.length >> 1;
  return s.length & 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** env: { bytes(path) -> Promise<Uint8Array>, tfjs() -> {tf, tfWasm}, tfjsWasmDir, ort() -> ort,
 *  ortWasmDir, label, wasm (the engine to measure; dist/sonomap.wasm when absent), baseWasm (an
 *  earlier engine build to compare with, optional) }. opts: { rounds, time, peers }. log: line printer. Returns the summary. */
export async function runBench(
  env,
  { rounds = 5, time = 0.4, peers = true } = {},
  log = console.log,
) {
  const { L, macs: jsMacs } = yamnetLayers();
  const maxN = Math.max(...BATCHES);
  let seed = 99;
  const input = new Float32Array(maxN * H * W).map(() => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed / 4294967296) * 8 - 7;
  });
  const ours = await oursRunner(env, L, input);
  if (Math.abs(ours.macs - jsMacs) > 0.5)
    throw new Error(`sm_model_macs ${ours.macs} != architecture's ${jsMacs}`);
  const runners = [ours];
  // an earlier build of the engine (--base), measured in the same rounds: before/after ratios
  if (env.baseWasm) runners.push(await oursRunner(env, L, input, env.baseWasm, 'sonomap base'));
  if (peers) {
    for (const [name, mk] of [
      ['tfjs-backend-wasm', tfjsRunner],
      ['onnxruntime-web', ortRunner],
    ]) {
      try {
        runners.push(await mk(env, L, input));
      } catch (e) {
        log(`  (${name} unavailable: ${String(e.message || e).split('\n')[0]})`);
      }
    }
  }
  const peak = await peakRunner(env);
  const flopsPatch = 2 * ours.macs;
  log(
    `bench-nn [${env.label}]: YAMNet architecture, ${(ours.macs / 1e6).toFixed(1)} M multiply-adds per patch ` +
      `(sm_model_macs), random weights; ${rounds} interleaved rounds of ${time} s per runner and batch`,
  );
  const ref = ours.run(1);
  for (const r of runners.slice(1)) {
    const d = maxAbs(await r.run(1), ref);
    log(
      `  check: ${r.name}${r.note ? ` (${r.note})` : ''} scores vs sonomap: max |diff| ${d.toExponential(2)}`,
    );
    if (!(d < 1e-3)) throw new Error(`${r.name} does not compute the same network`);
  }
  // rec[key] = [{pps, share, peak}] per round
  const rec = {},
    peaks = [],
    wins = { chains: 0, streams: 0 };
  const ptime = Math.max(0.05, time / 4);
  for (let round = 0; round < rounds; round++) {
    // alternate the order of the runners from round to round
    const order = round & 1 ? [...runners].reverse() : runners;
    for (const r of order) {
      for (const n of BATCHES) {
        const p0 = peak.measure(ptime);
        const pps = (await timeIt(() => r.run(n), time)) * n;
        const p1 = peak.measure(ptime);
        const p = p0.gflops > p1.gflops ? p0 : p1;
        wins[p.which]++;
        peaks.push(p.gflops);
        (rec[`${r.name}|${n}`] ??= []).push({ pps, share: (pps * flopsPatch) / 1e9 / p.gflops });
      }
    }
  }
  log(
    `  wasm SIMD128 peak (best of 12 f32x4 mul->add chains / 12 mul+add streams; best loop: ` +
      `chains ${wins.chains}x, streams ${wins.streams}x): median ${median(peaks).toFixed(1)} GFLOP/s, ` +
      `range ${Math.min(...peaks).toFixed(1)}-${Math.max(...peaks).toFixed(1)}`,
  );
  log(
    '  runner                 batch  patches/s   GFLOP/s  % of peak  sonomap / runner   (medians over rounds)',
  );
  const summary = { label: env.label, peak: median(peaks), rows: [] };
  for (const n of BATCHES) {
    const o = rec[`${ours.name}|${n}`];
    for (const r of runners) {
      const v = rec[`${r.name}|${n}`];
      const pps = median(v.map((e) => e.pps)),
        share = median(v.map((e) => e.share));
      const ratio = median(v.map((e, i) => o[i].pps / e.pps));
      summary.rows.push({ runner: r.name, batch: n, pps, share, ratio });
      log(
        `  ${r.name.padEnd(22)} ${String(n).padStart(5)} ${pps.toFixed(1).padStart(10)} ${((pps * flopsPatch) / 1e9).toFixed(2).padStart(9)} ` +
          `${(100 * share).toFixed(1).padStart(9)}%  ${ratio.toFixed(2).padStart(8)}x`,
      );
    }
  }
  return summary;
}
