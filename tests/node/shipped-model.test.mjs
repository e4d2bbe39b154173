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
