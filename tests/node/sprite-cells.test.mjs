// sprite-cells.test.mjs — streamed sprite sheets of big maps (web/core/sprite-cells.js,
// web/cli/sprite-cells.mjs): every row in exactly one group, groups no larger than a sheet and
// apart on the map (their boxes do not overlap); the sheets written hold each row's own tile at
// the cell the index names (PNGs decoded here); `analyze` writes the old single sheet for a few
// sounds and streamed sheets with --sprite-cells on, which the page's reader takes, and a
// broken index is a problem naming the file, not a refused dataset.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { cellsPerSheet, writeCellSheets } from '../../web/cli/sprite-cells.mjs';
import { filesSource, readDataset } from '../../web/core/dataset-source.js';
import { npyDecode, npyEncode } from '../../web/core/npy.js';
import { cellGroups, cellIndex } from '../../web/core/sprite-cells.js';
import { decodePng } from './png-decode.mjs';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-cells-'));

/** n points in a few blobs, seeded, with some NaN rows. */
function layout(n, nan = []) {
  const xy = new Float32Array(2 * n);
  let s = 99;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = 0; i < n; i++) {
    const b = i % 5;
    xy[2 * i] = b * 3 + rnd() * 2;
    xy[2 * i + 1] = (b % 2) * 4 + rnd() * rnd() * 3;
  }
  for (const i of nan) xy[2 * i] = Number.NaN;
  return xy;
}

test('cellGroups: every row once, at most perSheet a group, groups apart on the map', () => {
  const n = 5000;
  const nan = [3, 777, 4999];
  const xy = layout(n, nan);
  const groups = cellGroups(xy, n, 64);
  const seen = new Int32Array(n);
  for (const g of groups) {
    assert.ok(g.length >= 1 && g.length <= 64, `group of ${g.length}`);
    for (let k = 1; k < g.length; k++) assert.ok(g[k] > g[k - 1], 'rows in increasing order');
    for (const i of g) seen[i]++;
  }
  assert.ok(
    seen.every((c) => c === 1),
    'every row in exactly one group',
  );
  assert.ok(groups.length <= Math.ceil((n - nan.length) / 64) * 2, `${groups.length} groups`);
  // the NaN rows go to a group of their own, at the end
  assert.deepEqual(Array.from(groups.at(-1)), nan);
  const boxes = groups.slice(0, -1).map((g) => {
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    for (const i of g) {
      b[0] = Math.min(b[0], xy[2 * i]);
      b[1] = Math.min(b[1], xy[2 * i + 1]);
      b[2] = Math.max(b[2], xy[2 * i]);
      b[3] = Math.max(b[3], xy[2 * i + 1]);
    }
    return b;
  });
  for (let a = 0; a < boxes.length; a++)
    for (let b = a + 1; b < boxes.length; b++) {
      const [p, q] = [boxes[a], boxes[b]];
      const overlap = p[0] < q[2] && q[0] < p[2] && p[1] < q[3] && q[1] < p[3];
      assert.ok(!overlap, `groups ${a} and ${b} overlap on the map`);
    }
  const index = cellIndex(groups, n);
  for (let i = 0; i < n; i++) assert.equal(groups[index[2 * i]][index[2 * i + 1]], i);
});

test('writeCellSheets: each row’s own tile at the cell the index names, inside its box', async () => {
  const out = tmp();
  const n = 700;
  const tile = 32;
  const xy = layout(n);
  const tileOf = (i) => {
    const t = new Uint8Array(tile * tile * 4);
    for (let p = 0; p < tile * tile; p++) t.set([i & 255, i >> 8, (p * 7 + i) & 255, 255], p * 4);
    return t;
  };
  const cells = await writeCellSheets(out, xy, n, tileOf, { tile, layout: 'umap-2d' });
  assert.equal(cellsPerSheet(tile), 256, '512 px sheets of 32 px tiles');
  assert.equal(cells.index, 'sprite-index.npy');
  assert.equal(
    cells.sheets.reduce((a, s) => a + s.count, 0),
    n,
  );
  const { data, shape } = npyDecode(fs.readFileSync(path.join(out, cells.index)));
  assert.deepEqual(shape, [n, 2]);
  const sheets = cells.sheets.map((s) => decodePng(fs.readFileSync(path.join(out, s.file))));
  const used = new Set();
  for (let i = 0; i < n; i++) {
    const k = data[2 * i],
      c = data[2 * i + 1];
    const sh = cells.sheets[k];
    assert.ok(c < sh.count, `row ${i}: cell ${c} of ${sh.count}`);
    assert.ok(!used.has(`${k}/${c}`), `row ${i} shares its cell`);
    used.add(`${k}/${c}`);
    const [x0, y0, x1, y1] = sh.box;
    const eps = 1e-4;
    assert.ok(
      xy[2 * i] >= x0 - eps && xy[2 * i] <= x1 + eps && xy[2 * i + 1] >= y0 - eps,
      `row ${i} inside its sheet's box`,
    );
    assert.ok(xy[2 * i + 1] <= y1 + eps);
    const png = sheets[k];
    assert.equal(png.w, sh.cols * tile);
    const want = tileOf(i);
    const x = (c % sh.cols) * tile,
      y = Math.floor(c / sh.cols) * tile;
    for (const [dx, dy] of [
      [0, 0],
      [tile - 1, 0],
      [5, 17],
      [tile - 1, tile - 1],
    ]) {
      const at = ((y + dy) * png.w + x + dx) * 4;
      const p = dy * tile + dx;
      assert.deepEqual(
        [...png.px.subarray(at, at + 4)],
        [...want.subarray(p * 4, p * 4 + 4)],
        `row ${i}'s tile in ${sh.file}`,
      );
    }
  }
  fs.rmSync(out, { recursive: true, force: true });
});

const cli = (args) => {
  const r = spawnSync(process.execPath, ['dist/sonomap.mjs', ...args], {
    encoding: 'utf8',
    timeout: 300000,
  });
  assert.equal(r.status, 0, r.stderr);
};
const dirSource = (dir) => {
  const files = new Map();
  const walk = (d, pre) => {
    for (const f of fs.readdirSync(d, { withFileTypes: true }))
      if (f.isDirectory()) walk(path.join(d, f.name), `${pre}${f.name}/`);
      else files.set(`${pre}${f.name}`, new Blob([fs.readFileSync(path.join(d, f.name))]));
  };
  walk(dir, '');
  return filesSource(files, dir);
};

test('analyze: one sheet for a few sounds; --sprite-cells on: sheets by position the page reads', async () => {
  const base = tmp();
  const inputs = ['tones', 'sweeps', 'plucks'].map((d) => `build/fixtures/browser/${d}`);
  const common = ['analyze', ...inputs, '--features', 'fingerprint', '--quiet'];
  cli([...common, '--out', path.join(base, 'one'), '--tile', '128']);
  const one = JSON.parse(fs.readFileSync(path.join(base, 'one/config.json'), 'utf8'));
  assert.equal(one.sprite.file, 'sprite.png');
  assert.equal(one.sprite.cells, undefined, 'a map of few rows: the single-sheet form');
  assert.ok(!fs.existsSync(path.join(base, 'one/sprite-cells')));

  const dir = path.join(base, 'cells');
  cli([...common, '--out', dir, '--tile', '128', '--sprite-cells', 'on']);
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  assert.equal(cfg.sprite.file, undefined, 'no single sheet');
  assert.equal(cfg.sprite.tile, 128);
  // 512 px sheets of 128 px tiles hold 16: 24 sounds take two sheets of 12
  assert.deepEqual(
    cfg.sprite.cells.sheets.map((s) => [s.file, s.count]),
    [
      ['sprite-cells/0.png', 12],
      ['sprite-cells/1.png', 12],
    ],
  );
  const proj = JSON.parse(fs.readFileSync(path.join(dir, 'projections.json'), 'utf8'));
  assert.equal(proj.metadata.sprite_sheet, undefined);
  const xy = proj.layouts[cfg.sprite.cells.layout];
  const { data } = npyDecode(fs.readFileSync(path.join(dir, 'sprite-index.npy')));
  // the two sheets are the two halves of the map along one axis
  const sides = cfg.sprite.cells.sheets.map((s) => s.box);
  xy.forEach(([x, y], i) => {
    const [x0, y0, x1, y1] = sides[data[2 * i]];
    assert.ok(x >= x0 - 1e-4 && x <= x1 + 1e-4 && y >= y0 - 1e-4 && y <= y1 + 1e-4, `row ${i}`);
  });
  for (const s of cfg.sprite.cells.sheets) {
    const png = decodePng(fs.readFileSync(path.join(dir, s.file)));
    assert.equal(png.w, s.cols * 128);
  }
  const ds = await readDataset(dirSource(dir));
  assert.ok(ds.model.sprite.cells, 'the reader sees the streamed sheets');
  assert.deepEqual(ds.model.sprite.files, [], 'and looks for no single sheet');
  assert.equal(ds.cells.problem, '');
  assert.deepEqual(Array.from(ds.cells.index), Array.from(data));

  // a broken index: a problem naming the file (the map still opens, as points)
  const bad = Float32Array.from(data);
  bad[2 * 5 + 1] = 40;
  fs.writeFileSync(path.join(dir, 'sprite-index.npy'), npyEncode(bad, [24, 2]));
  const ds2 = await readDataset(dirSource(dir));
  assert.match(
    ds2.cells.problem,
    /sprite-index\.npy: row 5 names cell 40 of sprite-cells\/\d\.png/,
  );
  fs.rmSync(path.join(dir, 'sprite-index.npy'));
  const ds3 = await readDataset(dirSource(dir));
  assert.match(ds3.cells.problem, /sprite-index\.npy is missing/);
  // a sheet named off the folder refuses the dataset, as any other file would
  cfg.sprite.cells.sheets[1].file = '../elsewhere.png';
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
  await assert.rejects(readDataset(dirSource(dir)), /outside the dataset folder/);
  fs.rmSync(base, { recursive: true, force: true });
});
