// The shipped model (models/sonomap-s.smnn, copied to dist/models/) through the CLI: used when
// no --model is given, in place of a --model file that does not load, and skipped for the
// features that need no model.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { npyDecode } from '../../web/core/npy.js';

const CLI = path.resolve('dist/sonomap.mjs');
const FIX = path.resolve('build/fixtures/cli');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-shipped-'));
const run = (args) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300000 });
const config = (out) => JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));

/** Checks a map made with sonomap-s: 1024-d embeddings, 521 classes, tags in labels.tsv. */
function assertShipped(out, n) {
  const cfg = config(out);
  assert.equal(cfg.features, 'embedding');
  assert.equal(cfg.model.name, 'sonomap-s');
  assert.equal(cfg.model.file, 'sonomap-s.smnn');
  assert.equal(cfg.model.embedding, 1024);
  assert.equal(cfg.model.classes, 521);
  const emb = npyDecode(fs.readFileSync(path.join(out, 'embeddings.npy')));
  assert.deepEqual(emb.shape, [n, 1024]);
  const tsv = fs.readFileSync(path.join(out, 'labels.tsv'), 'utf8').trim().split('\n');
  const col = tsv[0].split('\t').indexOf('tags');
  assert.ok(col >= 0, `labels.tsv has a tags column: ${tsv[0]}`);
  for (const row of tsv.slice(1)) assert.match(row.split('\t')[col], /\S/, 'every row has tags');
}

test('analyze without --model maps by the shipped sonomap-s, with tags', () => {
  const out = path.join(tmp, 'default');
  const r = run(['analyze', path.join(FIX, 'tones'), '--out', out, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assertShipped(out, 20);
  // sine tones: the tag names come from the model's classes
  const tsv = fs.readFileSync(path.join(out, 'labels.tsv'), 'utf8');
  assert.match(tsv, /Sine wave/);
});

test('a --model file that does not load is named with the reason; the shipped model is used', () => {
  const cut = path.join(tmp, 'cut.smnn');
  fs.writeFileSync(cut, fs.readFileSync('models/sonomap-s.smnn').subarray(0, 100000));
  const text = path.join(tmp, 'notes.tflite');
  fs.writeFileSync(text, 'these are my notes, not a model\n'.repeat(20));
  for (const bad of [cut, text]) {
    const out = path.join(tmp, `fallback-${path.basename(bad)}`);
    const r = run(['analyze', path.join(FIX, 'tones'), '--out', out, '--model', bad, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const name = path.basename(bad).replace('.', '\\.');
    assert.match(
      r.stderr,
      new RegExp(`${name}: \\S.* — using the shipped model sonomap-s instead`),
      r.stderr,
    );
    assertShipped(out, 20);
  }
});

test('--features fingerprint and --model none load no model', () => {
  for (const args of [
    ['--features', 'fingerprint'],
    ['--model', 'none'],
  ]) {
    const out = path.join(tmp, `none-${args[1]}`);
    const r = run(['analyze', path.join(FIX, 'tones'), '--out', out, ...args, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const cfg = config(out);
    assert.equal(cfg.features, 'fingerprint');
    assert.equal(cfg.model, null);
  }
});

test('a copy of the CLI without models/ maps by fingerprints, saying why', () => {
  const bare = path.join(tmp, 'bare');
  fs.mkdirSync(bare);
  for (const f of ['sonomap.mjs', 'sonomap.wasm'])
    fs.copyFileSync(path.join('dist', f), path.join(bare, f));
  const out = path.join(tmp, 'bare-out');
  const r = spawnSync(
    process.execPath,
    [path.join(bare, 'sonomap.mjs'), 'analyze', path.join(FIX, 'tones'), '--out', out, '--quiet'],
    { encoding: 'utf8', timeout: 300000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /sonomap-s\.smnn \(the shipped model\): no such file — mapping by fingerprint/,
  );
  assert.equal(config(out).features, 'fingerprint');
});

test('--features timbre and embedding+timbre: 40 and 1024 + 40 values per sound', () => {
  for (const [kind, d, model] of [
    ['timbre', 40, null],
    ['embedding+timbre', 1064, 'sonomap-s'],
  ]) {
    const out = path.join(tmp, `feat-${kind}`);
    const r = run([
      'analyze',
      path.join(FIX, 'tones'),
      '--out',
      out,
      '--features',
      kind,
      '--quiet',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const cfg = config(out);
    assert.equal(cfg.features, kind);
    assert.equal(cfg.mode, 'whole', 'whole is the default window');
    assert.equal(cfg.model?.name ?? null, model);
    const emb = npyDecode(fs.readFileSync(path.join(out, 'embeddings.npy')));
    assert.deepEqual(emb.shape, [20, d]);
    assert.ok(emb.data.every(Number.isFinite));
  }
});

test('--mode onset and blend: other windows than the peak and the whole clip', () => {
  // 1 s of silence, then a tone rising linearly for 4 s: the onset (within 20 dB of the
  // loudest) about 0.4 s after it starts, the peak at the end
  const f = path.join(tmp, 'late.wav');
  const s = spawnSync('sox', [
    '-q',
    '-n',
    '-r',
    '16000',
    '-c',
    '1',
    '-b',
    '16',
    f,
    'synth',
    '4',
    'sine',
    '300',
    'fade',
    't',
    '4',
    '4',
    '0',
    'pad',
    '1',
    '0',
    'gain',
    '-20',
  ]);
  assert.equal(s.status, 0, String(s.stderr));
  const rows = {};
  const starts = {};
  for (const mode of ['clips', 'onset', 'whole', 'blend']) {
    const out = path.join(tmp, `mode-${mode}`);
    const r = run([
      'analyze',
      f,
      path.join(FIX, 'tones', 'tone-0.wav'),
      '--mode',
      mode,
      '--out',
      out,
      '--projection',
      'pca',
      '--quiet',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(config(out).mode, mode === 'clips' ? 'clip' : mode);
    const proj = JSON.parse(fs.readFileSync(path.join(out, 'projections.json'), 'utf8'));
    const i = proj.metadata.filenames.findIndex((name) => path.basename(name) === 'late.wav');
    starts[mode] = proj.metadata.start[i];
    const emb = npyDecode(fs.readFileSync(path.join(out, 'embeddings.npy')));
    rows[mode] = emb.data.slice(i * emb.shape[1], (i + 1) * emb.shape[1]);
  }
  assert.ok(starts.clips > 3.5, `the peak window starts at ${starts.clips} s`);
  assert.ok(
    starts.onset > 0.9 && starts.onset < 1.7,
    `the onset window starts at ${starts.onset} s`,
  );
  const diff = (a, b) => Math.max(...a.map((v, k) => Math.abs(v - b[k])));
  for (const [a, b] of [
    ['onset', 'clips'],
    ['blend', 'clips'],
    ['blend', 'onset'],
    ['blend', 'whole'],
  ])
    assert.ok(diff(rows[a], rows[b]) > 1e-3, `${a} and ${b} give different embeddings`);
});
