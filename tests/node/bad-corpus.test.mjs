// The bad-input corpus (tests/fixtures/bad_corpus.py, `make fixtures`) through the CLI: every
// file of build/fixtures/bad/expected.tsv is analysed, or reported in config.json's "failed"
// with a reason matching the expected expression, as the table says; the rest of the folder
// goes on. Then the one-hour file (long mode) and 10,000 tiny files in one run each (the
// native test leaves those two to this one).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const CLI = path.resolve('dist/sonomap.mjs');
const FX = path.resolve('build/fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-bad-'));

function analyze(input, name, extra = []) {
  const out = path.join(tmp, name);
  const r = spawnSync(
    process.execPath,
    [CLI, 'analyze', input, '--out', out, '--features', 'descriptors', '--quiet', ...extra],
    { encoding: 'utf8', timeout: 600000, maxBuffer: 1 << 26 },
  );
  assert.equal(r.status, 0, r.stderr);
  const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  const files = fs.readFileSync(path.join(out, 'files.txt'), 'utf8').split('\n').filter(Boolean);
  return { cfg, files, stderr: r.stderr };
}

test('bad corpus: each file analysed or reported with its expected reason', () => {
  const rows = fs
    .readFileSync(path.join(FX, 'bad/expected.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t'));
  assert.ok(rows.length > 150, `${rows.length} cases`);
  const { cfg, files } = analyze(path.join(FX, 'bad'), 'bad', ['--mode', 'clips']);
  const base = (f) => path.basename(f);
  const ok = new Set(files.map(base));
  const failed = new Map(cfg.failed.map((f) => [base(f.file), f.reason]));
  const counts = { analysed: 0, reported: 0, either: 0 };
  for (const [file, outcome, reason] of rows) {
    if (file === 'expected.tsv') continue;
    counts[outcome]++;
    const why = failed.get(file);
    assert.ok(ok.has(file) !== failed.has(file), `${file}: listed once (analysed or failed)`);
    if (outcome === 'analysed')
      assert.ok(ok.has(file), `${file}: expected an analysis, got '${why}'`);
    else if (outcome === 'reported') {
      assert.ok(why, `${file}: expected a reason, got an analysis`);
      assert.match(why, new RegExp(reason), `${file}: reason`);
    } else assert.ok(ok.has(file) || why.length > 3, `${file}: neither`);
  }
  assert.ok(counts.analysed > 30 && counts.reported > 100, JSON.stringify(counts));
});

// The two big runs take about a minute each on two cores; SM_BAD_BIG=0 skips them.
const big = { skip: process.env.SM_BAD_BIG === '0' && 'SM_BAD_BIG=0' };

test('one hour of audio in long mode: 7,500 points', big, () => {
  const t0 = performance.now();
  const { cfg, files } = analyze(path.join(FX, 'bad-hour/hour.wav'), 'hour', [
    '--mode',
    'long',
    '--projection',
    'pca',
  ]);
  assert.deepEqual(cfg.failed, []);
  assert.equal(new Set(files).size, 1, 'one source file');
  assert.equal(files.length, cfg.count, 'a files.txt line per point');
  assert.ok(Math.abs(cfg.count - 7500) <= 2, `${cfg.count} points`);
  console.log(`# one hour, long mode: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

test('10,000 tiny files in one folder: every one analysed', big, () => {
  const t0 = performance.now();
  const { cfg, files } = analyze(path.join(FX, 'bad-many'), 'many', ['--projection', 'pca']);
  assert.deepEqual(cfg.failed, []);
  assert.equal(files.length, 10000);
  assert.equal(cfg.count, 10000);
  console.log(`# 10,000 tiny files: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});
