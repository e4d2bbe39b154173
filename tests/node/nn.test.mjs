// The network code built for WebAssembly with -msimd128: the kernel and model-format test
// programs of tests/native compiled to standalone wasm and run under WASI (so the SIMD128
// kernels are held to the scalar reference exactly as the native fallback is), and the imported
// YAMNet through dist/sonomap.wasm against the independent numpy reference.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { WASI } from 'node:wasi';
import { loadEngine } from '../../web/core/engine.js';

const OUT = 'build/wasm-tests';
const MODEL = '../shared/models/yamnet.tflite';
const FIX = 'build/fixtures/nn';

function newest(files) {
  return Math.max(...files.map((f) => fs.statSync(f).mtimeMs));
}

function buildTest(name) {
  const src = [
    `tests/native/${name}.c`,
    ...fs
      .readdirSync('wasm/nn')
      .filter((f) => f.endsWith('.c'))
      .map((f) => `wasm/nn/${f}`),
  ];
  const deps = [
    ...src,
    'tests/native/check.h',
    ...fs
      .readdirSync('wasm/nn')
      .filter((f) => f.endsWith('.h'))
      .map((f) => `wasm/nn/${f}`),
  ];
  const out = path.join(OUT, `${name}.wasm`);
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= newest(deps)) return out;
  fs.mkdirSync(OUT, { recursive: true });
  const r = spawnSync(
    'emcc',
    [
      '-std=c11',
      '-O3',
      '-msimd128',
      '-Wall',
      '-Wextra',
      '-Wno-unused-parameter',
      '-Iwasm',
      '-Itests/native',
      '-sSTANDALONE_WASM',
      '-sALLOW_MEMORY_GROWTH',
      '-sINITIAL_MEMORY=33554432',
      ...src,
      '-o',
      out,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, `emcc failed: ${r.stderr}`);
  return out;
}

async function runWasi(file) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-nn-'));
  const outPath = path.join(tmp, 'out.txt');
  const fd = fs.openSync(outPath, 'w');
  const wasi = new WASI({
    version: 'preview1',
    args: [path.basename(file)],
    env: {},
    stdout: fd,
    stderr: fd,
    returnOnExit: true,
  });
  const mod = await WebAssembly.compile(fs.readFileSync(file));
  const inst = await WebAssembly.instantiate(mod, {
    wasi_snapshot_preview1: wasi.wasiImport,
    env: { emscripten_notify_memory_growth() {} },
  });
  const code = wasi.start(inst);
  fs.closeSync(fd);
  const out = fs.readFileSync(outPath, 'utf8');
  fs.rmSync(tmp, { recursive: true, force: true });
  return { code, out };
}

test('wasm SIMD128 kernels agree with the scalar reference (test_nn_ops in wasm)', async () => {
  const wasm = buildTest('test_nn_ops');
  assert.ok(WebAssembly.validate(fs.readFileSync(wasm)));
  const { code, out } = await runWasi(wasm);
  console.log(
    out
      .trim()
      .split('\n')
      .filter((l) => /network|worst|passed/.test(l))
      .join('\n'),
  );
  assert.equal(code, 0, out);
  assert.match(out, /test_nn_ops: [1-9]\d* passed, 0 failed/);
});

test('wasm build of the model-format validation (test_nn_model)', async () => {
  const { code, out } = await runWasi(buildTest('test_nn_model'));
  assert.equal(code, 0, out);
  assert.match(out, /test_nn_model: [1-9]\d* passed, 0 failed/);
});

function readF32(file) {
  const b = fs.readFileSync(file); // small files share a pooled ArrayBuffer: copy the exact bytes
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

function cosine(a, b) {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

test('YAMNet .tflite through dist/sonomap.wasm matches the numpy reference', async (t) => {
  if (!fs.existsSync(MODEL)) {
    t.skip(`${MODEL} not found`);
    return;
  }
  assert.ok(fs.existsSync(`${FIX}/ref_emb.f32`), 'reference fixtures missing: make fixtures');
  const eng = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));
  const x = eng.x;
  const bytes = fs.readFileSync(MODEL);
  const err = eng.alloc(256);
  const mp = eng.copyIn(bytes);
  const m = x.sm_model_load(mp, bytes.length, err, 256);
  assert.ok(m, eng.str(err));
  assert.equal(x.sm_model_embedding_size(m), 1024);
  assert.equal(x.sm_model_classes(m), 521);
  assert.equal(x.sm_model_input_frames(m) * x.sm_model_input_bands(m), 96 * 64);
  assert.equal(eng.str(x.sm_model_class_name(m, 494)), 'Silence');
  // a truncated copy is refused with a reason
  assert.equal(x.sm_model_load(mp, 100000, err, 256), 0);
  assert.match(eng.str(err), /tflite/);
  eng.free(mp);

  const patch = readF32(`${FIX}/ref_patch.f32`);
  const ref = readF32(`${FIX}/ref_emb.f32`);
  const refScores = readF32(`${FIX}/ref_scores.f32`);
  const n = 3; // the same patch three times: batching must not change it
  const pin = eng.alloc(n * patch.length * 4);
  for (let i = 0; i < n; i++)
    new Float32Array(eng.memory.buffer, pin + i * patch.length * 4, patch.length).set(patch);
  const pe = eng.alloc(n * 1024 * 4),
    ps = eng.alloc(n * 521 * 4);
  assert.equal(x.sm_model_embed(m, pin, n, pe, ps), 0);
  const emb = eng.f32(pe, n * 1024),
    sc = eng.f32(ps, n * 521);
  for (let i = 0; i < n; i++) {
    const c = cosine(emb.subarray(i * 1024, (i + 1) * 1024), ref);
    const cs = cosine(sc.subarray(i * 521, (i + 1) * 521), refScores);
    if (i === 0)
      console.log(
        `wasm YAMNet embedding vs numpy reference: cosine ${c.toFixed(6)}, scores ${cs.toFixed(6)}`,
      );
    assert.ok(c >= 0.999, `cosine ${c}`);
    assert.ok(cs >= 0.999, `score cosine ${cs}`);
  }
  [pin, pe, ps, err].forEach((p) => eng.free(p));
  x.sm_model_free(m);
});

// Not a benchmark (nothing is timed or compared): the bench script must run end to end, so a
// broken `make bench-nn` shows up here. Tiny counts, Node only, no peers.
test('bench-nn runs end to end (smoke: 1 round, 10 ms, no peers, no browser)', () => {
  const r = spawnSync(
    process.execPath,
    ['scripts/bench-nn.mjs', '--rounds', '1', '--time', '0.01', '--no-peers', '--no-browser'],
    { encoding: 'utf8', timeout: 120000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /69\.2 M multiply-adds per patch \(sm_model_macs\)/);
  assert.match(r.stdout, /wasm SIMD128 peak .* GFLOP\/s/);
  assert.match(r.stdout, /sonomap wasm +1 +[\d.]+ +[\d.]+ +[\d.]+%/);
  assert.match(r.stdout, /sonomap wasm +16 +[\d.]+ +[\d.]+ +[\d.]+%/);
});
