// The projection engine in wasm against its native build: the same rows and options give the
// same layout, bit for bit (seeded RNG, fixed summation orders, fastmath.h instead of libm in
// the loops). Native side: build/opt/tools/map-dump.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadEngine } from '../../web/core/engine.js';

const engine = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));
const DUMP = 'build/opt/tools/map-dump';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-map-'));

/** c Gaussian clusters in d dims (centres N(0, 2), points centre + N(0, 1)), seeded. */
function clusters(n, d, c, seed) {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const normal = () => Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
  const C = Array.from({ length: c * d }, () => 2 * normal());
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) X[i * d + j] = C[(i % c) * d + j] + normal();
  return X;
}

const cases = [
  {
    name: 'UMAP 2-D, exact kNN, PCA preprocessing',
    n: 1500,
    d: 80,
    projection: 'umap',
    dims: 2,
    iterations: 60,
  },
  { name: 'UMAP 3-D', n: 900, d: 24, projection: 'umap', dims: 3, iterations: 40 },
  {
    name: 'UMAP 2-D, NN-descent',
    n: 3000,
    d: 16,
    projection: 'umap',
    dims: 2,
    iterations: 30,
    knn: 'approx',
  },
  { name: 't-SNE 2-D', n: 800, d: 24, projection: 'tsne', dims: 2, iterations: 60 },
  { name: 't-SNE 3-D', n: 500, d: 12, projection: 'tsne', dims: 3, iterations: 30 },
  { name: 'PCA 2-D, randomised axes', n: 700, d: 300, projection: 'pca', dims: 2, iterations: 0 },
];

for (const c of cases)
  test(`wasm and native give the same layout: ${c.name}`, () => {
    const X = clusters(c.n, c.d, 6, c.n + c.d);
    const rows = path.join(tmp, 'rows.f32'),
      out = path.join(tmp, 'layout.f32');
    fs.writeFileSync(rows, Buffer.from(X.buffer));
    const args = [rows, c.n, c.d, c.projection, c.dims, 5, c.iterations, out, c.knn || 'auto'].map(
      String,
    );
    const r = spawnSync(DUMP, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const nat = new Float32Array(fs.readFileSync(out).buffer.slice(0));
    const map = engine.createMap(X, c.n, c.d, {
      projection: c.projection,
      dims: c.dims,
      seed: 5,
      iterations: c.iterations,
      knn: c.knn,
    });
    let left = map.totalSteps;
    assert.equal(String(left), r.stdout.trim(), 'same step count');
    while (left > 0) left = map.step(7);
    const was = map.layout();
    map.free();
    assert.equal(was.length, nat.length);
    let diff = 0,
      first = -1;
    for (let i = 0; i < was.length; i++)
      if (!Object.is(was[i], nat[i])) {
        diff++;
        if (first < 0) first = i;
      }
    assert.equal(
      diff,
      0,
      `${diff} of ${was.length} coordinates differ (first at ${first}: wasm ${was[first]}, native ${nat[first]})`,
    );
    let spread = 0;
    for (let i = 0; i < was.length; i++) spread = Math.max(spread, Math.abs(was[i]));
    assert.ok(Number.isFinite(spread) && spread > 0, 'a layout, not zeros');
  });
