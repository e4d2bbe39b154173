// The shipped student model, models/sonomap-s.smnn, through dist/sonomap.wasm: it loads, has the
// stated shape (96 x 64 input, 1024-d embedding, 521 named classes), and gives the outputs that
// tests/node/sonomap-s.json records for three fixed waveforms (written by scripts/model/export.py
// from torch running the same file): top tags and their scores, the largest embedding values and the first few, norms, and the
// cosines between the three embeddings.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { loadEngine, Model } from '../../web/core/engine.js';

const FILE = 'models/sonomap-s.smnn';
const REF = JSON.parse(fs.readFileSync('tests/node/sonomap-s.json', 'utf8'));

function waveform(name) {
  // the same 15600 samples as export.py
  const n = 15600,
    x = new Float32Array(n);
  if (name === 'sine440')
    for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000);
  else if (name === 'noise') {
    let s = 7;
    for (let i = 0; i < n; i++) {
      s = Number((BigInt(s) * 1103515245n + 12345n) % 4294967296n);
      x[i] = ((s / 4294967296) * 2 - 1) * 0.5;
    }
  } else assert.equal(name, 'silence');
  return x;
}
const norm = (v) => Math.sqrt(v.reduce((s, a) => s + a * a, 0));
const cosine = (a, b) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return d / (norm(a) * norm(b));
};

test('models/sonomap-s.smnn loads with the stated shape and gives the recorded outputs', async () => {
  const eng = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));
  const bytes = fs.readFileSync(FILE);
  assert.equal(bytes.length, REF.bytes, 'the file is the one the references were written for');
  assert.ok(bytes.length <= 4 * 1024 * 1024);
  const err = eng.alloc(256),
    p = eng.copyIn(bytes);
  const h = eng.x.sm_model_load(p, bytes.length, err, 256);
  eng.free(p);
  assert.ok(h, `sm_model_load: ${eng.str(err)}`);
  const m = new Model(eng, h);
  assert.equal(m.kind, 'smnn');
  assert.deepEqual(
    [m.frames, m.bands, m.size, m.classes],
    [...REF.input, REF.embedding, REF.classes],
  );
  assert.equal(m.names[0], REF.class_names[0]);
  assert.equal(m.names[m.classes - 1], REF.class_names[1]);
  assert.equal(eng.x.sm_model_macs(h), REF.macs);
  const names = Object.keys(REF.inputs);
  const emb = {};
  for (const k of names) {
    const a = eng.analyzePcm([waveform(k)], 16000, { mode: 'long' });
    assert.equal(a.segments.length, 1);
    const { embeddings, scores } = m.embed(a.segments[0].logmel, 1);
    const r = REF.inputs[k];
    emb[k] = embeddings;
    assert.ok(embeddings.every(Number.isFinite) && scores.every((s) => s >= 0 && s <= 1));
    const top = m.top(scores, 0, 3);
    assert.equal(top[0].name, r.top[0].name, `${k}: top tag`);
    for (const t of r.top)
      assert.ok(
        Math.abs(scores[t.index] - t.score) < 0.01,
        `${k}: score of ${t.name} ${scores[t.index]} vs ${t.score}`,
      );
    for (let i = 0; i < r.embedding_head.length; i++)
      assert.ok(
        Math.abs(embeddings[i] - r.embedding_head[i]) < 0.01 + 0.01 * Math.abs(r.embedding_head[i]),
        `${k}: embedding[${i}] ${embeddings[i]} vs ${r.embedding_head[i]}`,
      );
    for (const { index, value } of r.embedding_largest)
      assert.ok(
        Math.abs(embeddings[index] - value) < 0.01 + 0.01 * value,
        `${k}: embedding[${index}] ${embeddings[index]} vs ${value}`,
      );
    assert.ok(
      Math.abs(norm(embeddings) - r.embedding_norm) < 0.01 * r.embedding_norm + 1e-3,
      `${k}: norm`,
    );
  }
  for (const [pair, c] of Object.entries(REF.cosines)) {
    const [a, b] = pair.split('|');
    assert.ok(
      Math.abs(cosine(emb[a], emb[b]) - c) < 2e-3,
      `cosine ${pair}: ${cosine(emb[a], emb[b])} vs ${c}`,
    );
  }
  m.free();
});
