// The built wasm against the native build of the same C: same inputs, same results.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadEngine } from '../../web/core/engine.js';

const engine = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));
const DUMP = 'build/opt/tools/analysis-dump';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-engine-'));
const FIX = 'build/fixtures/cli';
const files = [
  'tones/tone-0.wav',
  'tones/tone-1.wav',
  'noise/noise-1.flac',
  'plucks/pluck-1.ogg',
  'sweeps/sweep-1.aiff',
  'pulses/pulse-3.flac',
].map((f) => path.join(FIX, f));

function native(file, mode) {
  const out = path.join(tmp, 'dump.f32');
  const r = spawnSync(DUMP, [file, mode, out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const meta = JSON.parse(r.stdout);
  const data = meta.error ? null : new Float32Array(fs.readFileSync(out).buffer.slice(0));
  return { meta, data };
}

function maxRelDiff(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i]), Math.abs(b[i]));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

for (const mode of ['clip', 'long']) {
  test(`wasm and native analyses agree (${mode} mode)`, () => {
    for (const file of files) {
      const n = native(file, mode);
      const w = engine.analyzeFile(fs.readFileSync(file), { mode });
      assert.equal(w.error, null, `${file}: ${w.error}`);
      assert.equal(w.format, n.meta.format, file);
      assert.equal(w.sourceRate, n.meta.rate, file);
      assert.equal(w.channels, n.meta.channels, file);
      assert.equal(w.audio.length, n.meta.audio, file);
      assert.equal(w.segments.length, n.meta.segments, file);
      const per = 2 + 96 * 64 + 1024 + 6;
      w.segments.forEach((s, i) => {
        const base = i * per;
        assert.ok(Math.abs(s.start - n.data[base]) < 1e-5, `${file} segment ${i} start`);
        const lm = maxRelDiff(s.logmel, n.data.subarray(base + 2, base + 2 + 6144));
        const fp = maxRelDiff(
          s.fingerprint,
          n.data.subarray(base + 2 + 6144, base + 2 + 6144 + 1024),
        );
        const de = maxRelDiff(s.descriptors, n.data.subarray(base + 2 + 7168, base + per));
        assert.ok(
          lm < 1e-4 && fp < 1e-4 && de < 1e-4,
          `${file} segment ${i}: log-mel ${lm}, fingerprint ${fp}, descriptors ${de}`,
        );
      });
    }
  });
}

test('bad files give the same reasons in wasm and native', () => {
  for (const f of [
    'build/fixtures/cli-broken/cut.flac',
    'build/fixtures/cli-broken/readme.wav',
    'build/fixtures/cli-broken/empty.aiff',
  ]) {
    const n = native(f, 'clip');
    const w = engine.analyzeFile(fs.readFileSync(f));
    assert.ok(w.error && w.error.length > 5, `${f} gives a reason`);
    assert.equal(w.error, n.meta.error, f);
  }
});

test('WAV encoding round-trips through the engine decoder', () => {
  const x = new Float32Array(16000);
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000);
  const wav = engine.wavEncode(x, 16000);
  const r = engine.analyzeFile(wav);
  assert.equal(r.error, null);
  assert.equal(r.audio.length, 16000);
  let err = 0;
  for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(r.audio[i] - x[i]));
  assert.ok(err < 1 / 32767 + 1e-6, `16-bit quantisation error ${err}`);
});

test('a PCM path gives the same features as the file path', () => {
  const file = path.join(FIX, 'tones/tone-0.wav');
  const a = engine.analyzeFile(fs.readFileSync(file));
  const b = engine.analyzePcm([a.audio], 16000);
  assert.equal(b.error, null);
  assert.ok(maxRelDiff(a.segments[0].logmel, b.segments[0].logmel) < 1e-5);
});
