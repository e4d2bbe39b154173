// dataset-compact.test.mjs — the compact form of big maps' dataset folders
// (web/core/dataset-columns.js): the same model written in both forms reads back the same
// (items and layouts, to float32), `project --files` writes it from 50,000 rows on and the
// JSON form below, and a layout file that is missing or of the wrong length is an error naming
// the file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { checkDataset } from '../../web/cli/site.mjs';
import { buildDataset } from '../../web/core/dataset.js';
import { BIG_MAP_ROWS } from '../../web/core/dataset-columns.js';
import { filesSource, readDataset } from '../../web/core/dataset-source.js';
import { npyEncode } from '../../web/core/npy.js';

function model(n) {
  const items = [];
  const lay2 = new Float32Array(2 * n);
  const lay3 = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    items.push({
      file: `dir ${i % 7}/sound ${i}.wav`,
      label: i % 3 ? `class ${i % 4}` : '',
      tags: i % 11 === 0 ? [{ name: 'loud', score: 0.5 }] : [],
      cluster: i % 5,
      start: i * 0.48,
      length: 0.96,
      clipStart: i * 1.25,
      clipDuration: 0.96,
      descriptors: [1000 + i, 2000 + i / 3, 300, 0.01 * (i % 9), 0.2, 1 + (i % 4)],
    });
    lay2.set([Math.sin(i) * 3, Math.cos(i * 1.7)], 2 * i);
    lay3.set([i / n, Math.sin(i), -1], 3 * i);
  }
  return { name: 'm', items, layouts: { 'umap-2d': lay2, 'umap-3d': lay3 }, mainLayout: 'umap-2d' };
}

/** The folder buildDataset describes, as a source the page's reader takes. */
function source(ds) {
  const files = new Map([
    ['config.json', new Blob([JSON.stringify(ds.config)])],
    ['projections.json', new Blob([JSON.stringify(ds.projections)])],
    ['files.txt', new Blob([ds.filesTxt])],
  ]);
  for (const [f, a] of Object.entries(ds.binary))
    files.set(f, new Blob([npyEncode(a.data, a.shape)]));
  return { files, source: filesSource(files) };
}

test('the compact form reads back as the JSON form does', async () => {
  const m = model(500);
  const json = buildDataset({ ...m, compact: false });
  const compact = buildDataset({ ...m, compact: true });
  assert.deepEqual(json.binary, {});
  assert.deepEqual(Object.keys(compact.binary).sort(), [
    'columns.npy',
    'layout-umap-2d.npy',
    'layout-umap-3d.npy',
  ]);
  assert.equal(compact.projections.projections, undefined, 'no per-row JSON');
  assert.ok(
    JSON.stringify(compact.projections).length < JSON.stringify(json.projections).length / 5,
  );
  const a = (await readDataset(source(json).source)).model;
  const b = (await readDataset(source(compact).source)).model;
  assert.equal(b.items.length, 500);
  assert.equal(b.mainLayout, 'umap-2d');
  for (const k of ['umap-2d', 'umap-3d']) {
    assert.equal(b.layouts[k].length, a.layouts[k].length);
    b.layouts[k].forEach((v, i) => assert.ok(Math.abs(v - a.layouts[k][i]) < 1e-4, `${k}[${i}]`));
  }
  const close = (x, y, what) => assert.ok(Math.abs(x - y) <= 1e-3 * Math.max(1, Math.abs(y)), what);
  a.items.forEach((it, i) => {
    const jt = b.items[i];
    assert.equal(jt.file, it.file);
    assert.equal(jt.label, it.label);
    assert.deepEqual(jt.tags, it.tags);
    assert.equal(jt.cluster, it.cluster);
    for (const f of ['start', 'length', 'clipStart', 'clipDuration'])
      close(jt[f], it[f], `${f} ${i}`);
    jt.descriptors.forEach((v, k) => close(v, it.descriptors[k], `descriptor ${k} of ${i}`));
  });
});

test('a compact folder: a missing or short layout file is named', async () => {
  const ds = buildDataset({ ...model(40), compact: true });
  const { files, source: src } = source(ds);
  files.set('layout-umap-3d.npy', new Blob([npyEncode(new Float32Array(39 * 3), [39, 3])]));
  await assert.rejects(
    readDataset(src),
    /layout-umap-3d\.npy has 39 rows but the other layouts have 40|layout-umap-2d\.npy has 40 rows/,
  );
  files.delete('layout-umap-2d.npy');
  await assert.rejects(readDataset(src), /layout-umap-2d\.npy is missing/);
  const ds2 = buildDataset({ ...model(40), compact: true });
  const s2 = source(ds2);
  s2.files.set('files.txt', new Blob(['a\nb\n']));
  await assert.rejects(
    readDataset(s2.source),
    /files\.txt lists 2 files but the layouts have 40 rows/,
  );
});

test(`project --files: the compact form from ${BIG_MAP_ROWS} rows on, JSON below`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-compact-'));
  for (const n of [BIG_MAP_ROWS - 1, BIG_MAP_ROWS]) {
    const X = new Float32Array(n * 3);
    for (let i = 0; i < X.length; i++) X[i] = Math.sin(i * 0.37) + (i % 3);
    fs.writeFileSync(path.join(dir, 'rows.npy'), npyEncode(X, [n, 3]));
    fs.writeFileSync(
      path.join(dir, 'files.txt'),
      `${Array.from({ length: n }, (_, i) => `f${i}.wav`).join('\n')}\n`,
    );
    const out = path.join(dir, `out-${n}`);
    const r = spawnSync(
      process.execPath,
      [
        'dist/sonomap.mjs',
        'project',
        path.join(dir, 'rows.npy'),
        '--out',
        out,
        '--projection',
        'pca',
        '--files',
        path.join(dir, 'files.txt'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    const big = n >= BIG_MAP_ROWS;
    assert.equal(!!cfg.layoutFiles, big, `${n} rows: compact ${big}`);
    const names = fs.readdirSync(out);
    const read = new Map(names.map((f) => [f, new Blob([fs.readFileSync(path.join(out, f))])]));
    const ds = await readDataset(filesSource(read));
    assert.equal(ds.model.items.length, n);
    assert.equal(ds.model.items[n - 1].file, `f${n - 1}.wav`);
    assert.equal(ds.model.layouts['pca-2d'].length, 2 * n);
    // `site` takes the folder in either form
    assert.deepEqual(checkDataset(out), { name: `out-${n}`, count: n });
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
