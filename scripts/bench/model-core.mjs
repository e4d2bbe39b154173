// model-core.mjs — the body of `make bench-model`, shared by Node (scripts/bench-model.mjs) and
// Chromium (scripts/bench/model-browser.mjs): patches per second of the shipped student
// (models/sonomap-s.smnn) and of full YAMNet (its architecture with the random weights of
// bench-nn, f32, the same compute as the imported .tflite) in the same engine instance, one
// thread, batch 1 and 16, in interleaved rounds; the ratio student / YAMNet is taken within each
// round and the table shows medians over rounds. Timing-based: never part of `make test`.
import { loadEngine } from '../../web/core/engine.js';
import { BATCHES, H, smnnBytes, W, yamnetLayers } from './nn-core.mjs';

async function timeIt(fn, seconds) {
  fn();
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < seconds * 1000 || calls < 2) {
    fn();
    calls++;
    t = performance.now();
  }
  return calls / ((t - t0) / 1000);
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y),
    m = s.length >> 1;
  return s.length & 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** env: { bytes(path) -> Promise<Uint8Array>, label, model (path of the student) }. */
export async function runBenchModel(env, { rounds = 7, time = 0.5 } = {}, log = console.log) {
  const eng = await loadEngine(await env.bytes('dist/sonomap.wasm'));
  const x = eng.x;
  const load = (bytes, name) => {
    const err = eng.alloc(256),
      p = eng.copyIn(bytes);
    const m = x.sm_model_load(p, bytes.length, err, 256);
    eng.free(p);
    if (!m) throw new Error(`${name}: ${eng.str(err)}`);
    return m;
  };
  const maxN = Math.max(...BATCHES);
  let seed = 99;
  const input = new Float32Array(maxN * H * W).map(() => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed / 4294967296) * 8 - 7;
  });
  const pin = eng.copyIn(input),
    pe = eng.alloc(maxN * 1024 * 4),
    ps = eng.alloc(maxN * 521 * 4);
  const models = [
    { name: 'sonomap-s', h: load(await env.bytes(env.model), env.model) },
    { name: 'YAMNet', h: load(smnnBytes(yamnetLayers().L), 'YAMNet architecture') },
  ];
  for (const m of models) {
    m.macs = x.sm_model_macs(m.h);
    m.run = (n) => {
      if (x.sm_model_embed(m.h, pin, n, pe, ps) !== 0)
        throw new Error(`${m.name}: sm_model_embed failed`);
    };
  }
  log(
    `bench-model [${env.label}]: ${models.map((m) => `${m.name} ${(m.macs / 1e6).toFixed(1)} M MACs`).join(', ')} per patch; ` +
      `one engine, one thread, ${rounds} interleaved rounds of ${time} s per model and batch`,
  );
  const rec = {};
  for (let r = 0; r < rounds; r++) {
    const order = r & 1 ? [...models].reverse() : models;
    for (const n of BATCHES)
      for (const m of order)
        (rec[`${m.name}|${n}`] ??= []).push(n * (await timeIt(() => m.run(n), time)));
  }
  const rows = [];
  log(
    '  model        batch  patches/s   (median over rounds)   sonomap-s / YAMNet (median of per-round ratios)',
  );
  for (const n of BATCHES) {
    const s = rec[`sonomap-s|${n}`],
      y = rec[`YAMNet|${n}`];
    const ratio = median(s.map((v, i) => v / y[i]));
    rows.push({ batch: n, student: median(s), yamnet: median(y), ratio });
    log(`  sonomap-s    ${String(n).padStart(5)} ${median(s).toFixed(1).padStart(10)}`);
    log(
      `  YAMNet       ${String(n).padStart(5)} ${median(y).toFixed(1).padStart(10)}   ${ratio.toFixed(2)}x` +
        `  (range ${Math.min(...s.map((v, i) => v / y[i])).toFixed(2)}-${Math.max(...s.map((v, i) => v / y[i])).toFixed(2)})`,
    );
  }
  for (const m of models) x.sm_model_free(m.h);
  return { label: env.label, rows, macs: models.map((m) => m.macs) };
}
