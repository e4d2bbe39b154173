// Maps fitted on a sample, the other rows placed (engine map.place, web/cli/fit-sample.mjs,
// `project --fit-sample`): placed rows land in their own cluster about as often as in a full
// fit, the places do not depend on the blocks, n >= rows is the full fit, bad values are
// usage errors.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mapItems } from '../../web/cli/dataset-writer.mjs';
import { arrayRows, fitSampleLayout, sampleRows } from '../../web/cli/fit-sample.mjs';
import { loadEngine } from '../../web/core/engine.js';
import { npyDecode, npyEncode } from '../../web/core/npy.js';

const engine = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));
const CLI = path.resolve('dist/sonomap.mjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-fit-sample-'));

function run(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** c overlapping Gaussian clusters in d dims (centres N(0, sep^2), points centre + N(0, 1)),
 *  seeded; labels i % c. */
function clusters(n, d, c, sep, seed) {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const normal = () => Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
  const C = Array.from({ length: c * d }, () => sep * normal());
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) X[i * d + j] = C[(i % c) * d + j] + normal();
  return X;
}

/** Share of the rows `rows` whose nearest row of `ref` in the layout Y shares their label. */
function accuracy(Y, rows, ref, c) {
  let hit = 0;
  for (const i of rows) {
    let best = Infinity;
    let bl = -1;
    for (const j of ref) {
      const dx = Y[2 * i] - Y[2 * j];
      const dy = Y[2 * i + 1] - Y[2 * j + 1];
      if (dx * dx + dy * dy < best) [best, bl] = [dx * dx + dy * dy, j % c];
    }
    hit += bl === i % c;
  }
  return hit / rows.length;
}

test('sampleRows: seeded, ascending, without repeats, every row likely', () => {
  const a = sampleRows(1000, 100, 7);
  assert.deepEqual(a, sampleRows(1000, 100, 7));
  assert.notDeepEqual(a, sampleRows(1000, 100, 8));
  assert.equal(a.length, 100);
  assert.ok(a.every((v, i) => i === 0 || v > a[i - 1]));
  assert.ok(a[0] < 100 && a[99] > 900, `spread over the rows: ${a[0]}..${a[99]}`);
  assert.equal(sampleRows(10, 50, 1).length, 10);
});

for (const projection of ['umap', 'tsne']) {
  test(`${projection}: placed rows find their cluster about as often as in a full fit`, () => {
    const n = 2400;
    const d = 64;
    const c = 8;
    const X = clusters(n, d, c, 0.5, 3);
    const opts = { projection, dims: 2, seed: 5 };
    let loo;
    const r = fitSampleLayout(engine, arrayRows(X, n, d), 600, {
      ...opts,
      onMap: (sm, sample) => {
        loo = sm.labelAccuracy(Int32Array.from(sample, (i) => i % c));
      },
    });
    assert.equal(r.sample.length, 600);
    assert.equal(r.excluded.length, 0);
    assert.ok(r.layout.every(Number.isFinite));
    const inSample = new Set(r.sample);
    const placed = [];
    for (let i = 0; i < n; i++) if (!inSample.has(i)) placed.push(i);
    const m = engine.createMap(X, n, d, opts);
    let full;
    try {
      while (m.step(100) > 0);
      full = m.layout();
    } finally {
      m.free();
    }
    const some = placed.filter((_, i) => i % 3 === 0);
    const accPlaced = accuracy(r.layout, some, r.sample, c);
    const accFull = accuracy(full, some, r.sample, c);
    const figures = `placed ${accPlaced.toFixed(3)}, full fit ${accFull.toFixed(3)}, the sample's own map ${loo.toFixed(3)}`;
    console.log(`${projection}: ${figures}`);
    // a map of a quarter of the rows is itself less sharp than the full one, and a placed row
    // sees only its 15 nearest fitted rows: held to within 0.1 of the sample's own map (1-NN
    // among its fitted rows, leave one out) and 0.12 of the full fit (0.08 and 0.09 measured
    // for UMAP here, 0.01 and 0.03 for t-SNE)
    assert.ok(accPlaced > 0.6, `placed rows in their cluster: ${figures}`);
    assert.ok(accPlaced >= loo - 0.1 && accPlaced >= accFull - 0.12, figures);
    // the same again, and the same placed in other blocks
    const again = fitSampleLayout(engine, arrayRows(X, n, d), 600, opts);
    assert.deepEqual(again.layout, r.layout);
  });
}

test('place: blocks of any size give the same places; NaN rows are NaN', () => {
  const n = 500;
  const d = 20;
  const X = clusters(n, d, 4, 2, 9);
  const m = engine.createMap(X.subarray(0, 200 * d), 200, d, { seed: 3, iterations: 60 });
  try {
    while (m.step(20) > 0);
    const rest = X.slice(200 * d);
    rest[5 * d + 3] = Number.NaN;
    const all = m.place(rest, 300, 0);
    const parts = new Float32Array(600);
    parts.set(m.place(rest.subarray(0, 13 * d), 13, 0), 0);
    parts.set(m.place(rest.subarray(13 * d), 287, 13), 26);
    assert.deepEqual(parts, all);
    assert.ok(Number.isNaN(all[10]) && Number.isNaN(all[11]));
    assert.ok(Number.isFinite(all[0]) && Number.isFinite(all[599]));
    assert.throws(() => m.place(rest.subarray(0, 19), 1, 0), /19 values for 1 rows of 20/);
  } finally {
    m.free();
  }
});

test('project --fit-sample: a sample fit, the rest placed; n >= rows is the full fit', () => {
  const n = 900;
  const d = 24;
  const npy = path.join(tmp, 'x.npy');
  fs.writeFileSync(npy, npyEncode(clusters(n, d, 5, 2, 1), [n, d]));
  const names = path.join(tmp, 'names.txt');
  fs.writeFileSync(names, `${Array.from({ length: n }, (_, i) => `r${i}.wav`).join('\n')}\n`);
  const layout = (dir) => npyDecode(fs.readFileSync(path.join(tmp, dir, 'layout.npy'))).data;
  let r = run([
    'project',
    npy,
    '--out',
    path.join(tmp, 's'),
    '--fit-sample',
    '300',
    '--files',
    names,
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /fitted on 300 rows .* placed 600/);
  const s = layout('s');
  assert.equal(s.length, 2 * n);
  assert.ok(s.every(Number.isFinite));
  const cfg = JSON.parse(fs.readFileSync(path.join(tmp, 's', 'config.json'), 'utf8'));
  assert.deepEqual(cfg.fit, { method: 'sample', rows: n, sample: 300, placed: 600 });
  r = run(['project', npy, '--out', path.join(tmp, 's2'), '--fit-sample', '300', '--quiet']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(layout('s2'), s, 'deterministic');
  r = run(['project', npy, '--out', path.join(tmp, 'full'), '--quiet']);
  assert.equal(r.code, 0, r.err);
  r = run(['project', npy, '--out', path.join(tmp, 'big'), '--fit-sample', '5000', '--quiet']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(layout('big'), layout('full'), 'n >= rows: the full fit');
  for (const bad of ['0', '-3', '2.5', 'many', ''])
    for (const cmd of [
      ['project', npy, '--out', path.join(tmp, 'bad')],
      ['analyze', tmp, '--out', path.join(tmp, 'bad')],
      ['merge', tmp, '--out', path.join(tmp, 'bad')],
    ]) {
      r = run([...cmd, `--fit-sample=${bad}`]);
      assert.equal(r.code, 2, `--fit-sample ${bad}`);
      assert.match(r.err, /--fit-sample must be a whole number/);
    }
  assert.ok(!fs.existsSync(path.join(tmp, 'bad')));
});

test('analyze / merge mapping with fitSample: projections placed, PCA and clusters on all rows', async () => {
  const n = 700;
  const d = 32;
  const X = clusters(n, d, 4, 2, 12);
  const items = Array.from({ length: n }, (_, i) => ({
    features: X.subarray(i * d, (i + 1) * d),
    label: `c${i % 4}`,
  }));
  const logs = [];
  const opts = { projection: 'umap', dims: 2, seed: 4, clusters: 'auto', feature: 'embedding' };
  const r = await mapItems(engine, items, { ...opts, fitSample: 200, log: (t) => logs.push(t) });
  assert.deepEqual(r.fit, { method: 'sample', rows: n, sample: 200, placed: 500 });
  for (const key of ['umap-2d', 'umap-3d', 'pca-2d', 'pca-3d'])
    assert.ok(r.layouts[key].every(Number.isFinite), key);
  assert.equal(r.quality.fittedSample, 200);
  assert.ok(r.quality.labelAccuracy > 0.9, `sample's label accuracy ${r.quality.labelAccuracy}`);
  assert.ok(
    items.every((it) => it.cluster >= 0 && it.cluster < 4),
    'every row clustered',
  );
  assert.ok(logs.some((t) => /fitted on 200 of 700 points/.test(t)));
  const full = await mapItems(engine, items, { ...opts, fitSample: 700, log: () => {} });
  assert.equal(full.fit, null, 'n >= rows: the full fit');
  assert.equal(full.quality.fittedSample, undefined);
});
