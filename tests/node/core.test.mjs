// The pure modules the page and the CLI share: web/core/policy.js (the decisions both make
// alike), cosine distances (core/features.js), the CLI's strict option reading (cli/args.mjs)
// and the 3-D layout helpers of the view (view/spread.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest, intOpt, numOpt, oneOf, readArgs, UsageError } from '../../web/cli/args.mjs';
import { cosineDistances, featureBlocks, standardize } from '../../web/core/features.js';
import {
  analysisBatch,
  autoClusterCount,
  clusterCount,
  GRID_MAX,
  gridAllowed,
  mapAspect,
  QUALITY_QUERIES,
  qualityQueries,
  tagName,
} from '../../web/core/policy.js';
import { normalize3, take2d } from '../../web/view/spread.js';

test('files per analysis job: batches only with a model outside long mode, two jobs per worker', () => {
  assert.equal(analysisBatch(100, 4), 1, 'no model: one file per job');
  assert.equal(
    analysisBatch(100, 4, { model: true, mode: 'long' }),
    1,
    'long mode: one file per job',
  );
  assert.equal(analysisBatch(100, 4, { model: true }), 8, 'capped at 8');
  assert.equal(analysisBatch(24, 4, { model: true }), 3, 'at least two jobs per worker');
  assert.equal(analysisBatch(3, 4, { model: true, mode: 'whole' }), 1);
  assert.equal(analysisBatch(10, 0, { model: true }), 5, 'no worker count counts as one');
});

test('automatic cluster count: one per label, else about sqrt(n / 2) up to 12', () => {
  assert.equal(autoClusterCount(100, 5), 5);
  assert.equal(autoClusterCount(100, 500), 64, 'labels capped');
  assert.equal(autoClusterCount(50), 5);
  assert.equal(autoClusterCount(100000), 12);
  assert.equal(autoClusterCount(100, 1), 7, 'one label is no labels');
  assert.equal(clusterCount('auto', 100, 5), 5);
  assert.equal(clusterCount('auto', 3, 0), 0, 'tiny maps get none');
  assert.equal(clusterCount(0, 100, 5), 0);
  assert.equal(clusterCount(100, 100, 0), 0, 'never as many clusters as points');
  assert.equal(clusterCount(7, 100, 0), 7);
});

test('quality sample, grid limit, aspect and tag names', () => {
  assert.equal(qualityQueries(10), 10);
  assert.equal(qualityQueries(1e6), QUALITY_QUERIES);
  assert.ok(gridAllowed(2) && gridAllowed(GRID_MAX));
  assert.ok(!gridAllowed(1) && !gridAllowed(GRID_MAX + 1));
  assert.equal(mapAspect(848, 400), 2);
  assert.equal(mapAspect(10000, 100), 3, 'at most 3:1');
  assert.equal(mapAspect(100, 1000), 0.5, 'at least 1:2');
  assert.equal(mapAspect(500, 0), 3, 'no height: no division by zero');
  assert.equal(tagName({ name: 'Speech', score: 0.9 }), 'Speech');
  assert.equal(tagName('Music'), 'Music');
  assert.equal(tagName(undefined), '');
});

test('cosine distances from one row', () => {
  const X = Float32Array.from([1, 0, 0, 1, 2, 0, 0, 0, -1, 0]);
  const d = cosineDistances(X, 5, 2, 0);
  assert.deepEqual(
    Array.from(d, (v) => Math.round(v * 1e6) / 1e6),
    [0, 1, 0, 1, 2],
  );
  const z = cosineDistances(X, 5, 2, 3); // from a row of zeros
  assert.deepEqual(Array.from(z), [1, 1, 1, 0, 1]);
});

test('3-D layouts: x and y taken, every axis stretched to [-1, 1], NaN rows kept', () => {
  const L = Float32Array.from([0, 10, 5, 2, 20, 5, NaN, NaN, NaN, 4, 30, 5]);
  assert.deepEqual(Array.from(take2d(L, 4)), [0, 10, 2, 20, NaN, NaN, 4, 30]);
  const N = normalize3(L, 4);
  assert.deepEqual(Array.from(N.subarray(0, 6)), [-1, -1, 0, 0, 0, 0]);
  assert.ok(N.subarray(6, 9).every(Number.isNaN));
  assert.deepEqual(Array.from(N.subarray(9)), [1, 1, 0]);
});

test('CLI options: strict reading names what is wrong', () => {
  const spec = { out: { type: 'string' }, dims: { type: 'string' }, quiet: { type: 'boolean' } };
  const ok = readArgs(['a.wav', '--out', 'x', '--quiet'], spec, 'analyze');
  assert.deepEqual(ok.positionals, ['a.wav']);
  assert.equal(ok.values.out, 'x');
  const fails = (argv, re) =>
    assert.throws(
      () => readArgs(argv, spec, 'analyze'),
      (e) => e instanceof UsageError && re.test(e.message),
    );
  fails(['--otu', 'x'], /^unknown option --otu \(did you mean --out\?\)$/);
  fails(['--zzzzzzz'], /^unknown option --zzzzzzz$/);
  fails(['--dims'], /^--dims needs a value$/);
  fails(['--out', '--dims', '3'], /^--out needs a value \(--dims is an option\)$/);
  fails(['--quiet=yes'], /^--quiet takes no value$/);
  assert.equal(readArgs(['-h'], spec).values.help, true);
  assert.equal(closest('projectoin', ['projection', 'dims']), 'projection');
  assert.equal(intOpt('dims', '3', 2, 3), 3);
  assert.throws(
    () => intOpt('dims', '2.5', 2, 3),
    /--dims must be a whole number from 2 to 3, not '2.5'/,
  );
  assert.throws(() => intOpt('jobs', '', 1, 8), /--jobs/);
  assert.equal(numOpt('clip-seconds', '0.5', 0.5, 600), 0.5);
  assert.throws(
    () => numOpt('clip-seconds', 'NaN', 0.5, 600),
    /--clip-seconds must be a number from 0.5 to 600/,
  );
  assert.throws(
    () => oneOf('sprite', 'gif', ['png', 'jpg']),
    /--sprite must be one of png, jpg, not 'gif'/,
  );
});

test('featureBlocks: timbre per column; embedding+timbre as two blocks of total variance 1', () => {
  assert.deepEqual(featureBlocks(40, 'timbre'), [
    { start: 0, end: 40, weight: 1, scale: 'column' },
  ]);
  const E = 1024,
    d = E + 40;
  assert.deepEqual(featureBlocks(d, 'embedding+timbre'), [
    { start: 0, end: E, weight: 1 / Math.sqrt(E), scale: 'global' },
    { start: E, end: d, weight: 1 / Math.sqrt(40), scale: 'column' },
  ]);
  // rows of very different scales in the two blocks and within the timbre block
  const n = 200;
  const X = new Float32Array(n * d);
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < E; j++) X[i * d + j] = 0.01 * rnd() * (1 + (j % 7));
    for (let j = E; j < d; j++) X[i * d + j] = 100 * rnd() * (1 + (j - E));
  }
  const Z = standardize(X, n, d, featureBlocks(d, 'embedding+timbre'));
  const blockVariance = (a, b) => {
    let v = 0;
    for (let j = a; j < b; j++) {
      let m = 0,
        q = 0;
      for (let i = 0; i < n; i++) m += Z[i * d + j];
      m /= n;
      for (let i = 0; i < n; i++) q += (Z[i * d + j] - m) ** 2;
      v += q / n;
    }
    return v;
  };
  assert.ok(Math.abs(blockVariance(0, E) - 1) < 1e-3, `embedding block ${blockVariance(0, E)}`);
  assert.ok(Math.abs(blockVariance(E, d) - 1) < 1e-3, `timbre block ${blockVariance(E, d)}`);
});

test('audioSprites: long-recording segments and repeated names get names of their own', async () => {
  const { audioSprites } = await import('../../web/core/dataset.js');
  const items = [
    { file: 'a/rec.wav', start: 0, clipStart: 0, clipDuration: 0.96 },
    { file: 'a/rec.wav', start: 0.48, clipStart: 1, clipDuration: 0.96 },
    { file: 'b.wav', start: 0, clipStart: 2, clipDuration: 0.5 },
    { file: 'b.wav', start: 0, clipStart: 2.5, clipDuration: 0.5 },
  ];
  const sp = audioSprites(items, 'audio.flac');
  assert.deepEqual(Object.keys(sp.spritemap), ['a/rec.wav', 'a/rec.wav@0.48', 'b.wav', 'b.wav#2']);
  assert.deepEqual(sp.sprite['b.wav#2'], [2500, 500]);
  assert.deepEqual(sp.spritemap['a/rec.wav@0.48'], { start: 1, end: 1.96, loop: false });
});
