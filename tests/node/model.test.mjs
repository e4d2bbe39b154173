// YAMNet through the CLI: embeddings lay out the map, each clip gets its top tags, and a bad
// model file is reported and replaced by the shipped model. Reads ../shared/models.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { npyDecode } from '../../web/core/npy.js';

const CLI = path.resolve('dist/sonomap.mjs');
const MODEL = path.resolve('../shared/models/yamnet.tflite');
const FIX = path.resolve('build/fixtures/cli');
const have = fs.existsSync(MODEL);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-model-'));
const run = (args) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300000 });

test('--model yamnet.tflite: embedding map with tags per clip', {
  skip: !have && `${MODEL} is absent`,
}, () => {
  const out = path.join(tmp, 'emb');
  const r = run([
    'analyze',
    path.join(FIX, 'tones'),
    path.join(FIX, 'noise'),
    path.join(FIX, 'pulses'),
    '--out',
    out,
    '--model',
    MODEL,
    '--labels',
    'folder',
    '--quiet',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(cfg.features, 'embedding');
  assert.equal(cfg.model.classes, 521);
  const emb = npyDecode(fs.readFileSync(path.join(out, 'embeddings.npy')));
  assert.deepEqual(emb.shape, [60, 1024]);
  assert.ok(emb.data.every(Number.isFinite) && emb.data.some((v) => v > 0));
  const proj = JSON.parse(fs.readFileSync(path.join(out, 'projections.json'), 'utf8'));
  const md = proj.metadata;
  assert.ok(
    md.tags.every(
      (t) =>
        t.length === 5 &&
        t.every((x) => typeof x.name === 'string' && x.score >= 0 && x.score <= 1),
    ),
  );
  const tagged = (folder, re) =>
    md.filenames.filter((f, i) => f.startsWith(folder) && md.tags[i].some((t) => re.test(t.name)))
      .length;
  assert.ok(
    tagged('tones/', /Sine wave|Tuning fork|Beep|Dial tone|Busy signal/) >= 15,
    'tones are tagged as tones',
  );
  assert.ok(tagged('noise/', /noise|Static|Hiss|Noise/i) >= 12, 'noise is tagged as noise');
  // the embedding map keeps the three kinds apart
  const L = proj.layouts['umap-2d'];
  let same = 0;
  for (let i = 0; i < L.length; i++) {
    let best = -1,
      bd = Infinity;
    for (let j = 0; j < L.length; j++)
      if (j !== i) {
        const d = (L[i][0] - L[j][0]) ** 2 + (L[i][1] - L[j][1]) ** 2;
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
    if (md.labels[best] === md.labels[i]) same++;
  }
  assert.ok(same >= 0.85 * L.length, `1-NN label agreement ${same}/${L.length}`);
  const tsv = fs.readFileSync(path.join(out, 'labels.tsv'), 'utf8').split('\n');
  assert.match(tsv[1], /\t.+;.+/, 'labels.tsv carries the tags');
});

test('a broken model is reported and the map falls back to the shipped model', {
  skip: !have && `${MODEL} is absent`,
}, () => {
  const bad = path.join(tmp, 'cut.tflite');
  fs.writeFileSync(bad, fs.readFileSync(MODEL).subarray(0, 300000));
  const out = path.join(tmp, 'fallback');
  const r = run(['analyze', path.join(FIX, 'tones'), '--out', out, '--model', bad, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /cut\.tflite: .+ — using the shipped model sonomap-s instead/);
  const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(cfg.features, 'embedding');
  assert.equal(cfg.model.name, 'sonomap-s');
  assert.equal(cfg.count, 20);
});

test('--features embedding with --model none is refused', () => {
  const r = run([
    'analyze',
    path.join(FIX, 'tones'),
    '--out',
    path.join(tmp, 'x'),
    '--model',
    'none',
    '--features',
    'embedding',
  ]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /needs a model/);
});
