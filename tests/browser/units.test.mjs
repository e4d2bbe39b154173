// units.test.mjs — the page's pure pieces, in Node (no browser): the status wording, picking,
// the on-screen spreading of layouts, the atlas grid, labels from paths, file filtering.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAudioName, pathLabels } from '../../web/page/files.js';
import { analyzingText, formatEta, mappedText, mappingText } from '../../web/page/progress.js';
import { atlasGrid } from '../../web/view/atlas.js';
import { GridIndex } from '../../web/view/pick.js';
import { spread } from '../../web/view/spread.js';

// A small deterministic generator (xorshift) for test layouts.
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

test('status wording follows the contract', () => {
  assert.equal(
    analyzingText({ done: 12, total: 50, failed: 1, eta: 21 }),
    'Analysing 12 of 50 files · 1 failed · about 20 s left',
  );
  assert.equal(analyzingText({ done: 0, total: 1, failed: 0, eta: NaN }), 'Analysing 0 of 1 file');
  assert.equal(mappedText({ points: 48, unit: 'sound', failed: 2 }), 'Mapped 48 sounds · 2 failed');
  assert.equal(mappedText({ points: 1, unit: 'sound', failed: 0 }), 'Mapped 1 sound');
  assert.equal(
    mappedText({ points: 120, unit: 'moment', failed: 0, extra: 'loaded from demo/' }),
    'Mapped 120 moments · loaded from demo/',
  );
  assert.equal(
    mappingText({ points: 48, unit: 'sound', done: 50, total: 200, projection: 'umap' }),
    'Mapping 48 sounds with UMAP… 25 %',
  );
  assert.equal(
    mappingText({
      points: 48,
      unit: 'sound',
      done: 1,
      total: 2,
      projection: 'umap',
      stage: 'neighbours',
    }),
    'Mapping 48 sounds with UMAP: finding neighbours…',
  );
  assert.equal(
    mappingText({
      points: 48,
      unit: 'sound',
      done: 1,
      total: 2,
      projection: 'tsne',
      stage: 'graph',
    }),
    'Mapping 48 sounds with t-SNE: building the graph…',
  );
  assert.equal(formatEta(3), 'a few seconds left');
  assert.equal(formatEta(95), 'about 2 min left');
  assert.equal(formatEta(-1), '');
});

test('the grid index finds the same nearest point as a full scan', () => {
  const r = rng(7);
  const n = 2000;
  const pos = new Float32Array(n * 2).map(() => (r() - 0.5) * 10);
  pos[10] = NaN; // unmapped points are never picked
  const grid = new GridIndex().build(pos, n);
  for (let q = 0; q < 500; q++) {
    const x = (r() - 0.5) * 12,
      y = (r() - 0.5) * 12,
      max = r() * 0.5;
    let best = -1,
      bestD = max * max;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(pos[2 * i])) continue;
      const d = (pos[2 * i] - x) ** 2 + (pos[2 * i + 1] - y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = i;
      }
    }
    const got = grid.nearest(x, y, max);
    if (got !== best) {
      // ties are fine; a different answer must be exactly as near
      assert.ok(got >= 0 && best >= 0, `query ${q}: ${got} vs ${best}`);
      const dg = (pos[2 * got] - x) ** 2 + (pos[2 * got + 1] - y) ** 2;
      assert.ok(Math.abs(dg - bestD) < 1e-9, `query ${q}: ${got} is not the nearest (${best})`);
    }
  }
  assert.equal(new GridIndex().build(new Float32Array(0), 0).nearest(0, 0), -1);
});

test('spread stretches a layout to the view and parts overlapping points, keeping neighbours near', () => {
  const r = rng(11);
  const n = 300,
    aspect = 1.6;
  // three tight clusters far apart, the shape a UMAP of three kinds of sound takes
  const src = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    src[2 * i] = [0, 50, 100][c] + r() * 0.5;
    src[2 * i + 1] = [0, 80, 10][c] + r() * 0.5;
  }
  const out = spread(src, n, aspect);
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, out[2 * i]);
    maxX = Math.max(maxX, out[2 * i]);
    minY = Math.min(minY, out[2 * i + 1]);
    maxY = Math.max(maxY, out[2 * i + 1]);
  }
  assert.ok(Math.abs((maxX - minX) / (maxY - minY) - aspect) < 0.4, "fills the view's shape");
  const minDist = 0.75 * Math.sqrt((4 * aspect) / n);
  let close = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (Math.hypot(out[2 * i] - out[2 * j], out[2 * i + 1] - out[2 * j + 1]) < 0.5 * minDist)
        close++;
    }
  assert.ok(close < n * 0.02, `few tiles still cover each other (${close})`);
  // every point stays nearer its own cluster's centre than the others'
  const centre = [0, 1, 2].map((c) => {
    let x = 0,
      y = 0,
      k = 0;
    for (let i = c; i < n; i += 3) {
      x += out[2 * i];
      y += out[2 * i + 1];
      k++;
    }
    return [x / k, y / k];
  });
  for (let i = 0; i < n; i++) {
    const d = centre.map(([x, y]) => Math.hypot(out[2 * i] - x, out[2 * i + 1] - y));
    assert.equal(d.indexOf(Math.min(...d)), i % 3, `point ${i} left its cluster`);
  }
  // NaN rows stay unmapped; a single point is fine
  const withNaN = spread(Float32Array.of(0, 0, NaN, NaN, 1, 1), 3, 1);
  assert.ok(Number.isNaN(withNaN[2]) && Number.isFinite(withNaN[4]));
  assert.ok(spread(Float32Array.of(5, 5), 1).every(Number.isFinite));
});

test('atlas grid stays within the texture limit', () => {
  assert.deepEqual(atlasGrid(48, 64), { cols: 7, tile: 64 });
  for (const n of [1, 100, 4096, 5000, 20000, 100000]) {
    const { cols, tile } = atlasGrid(n, 64, 4096);
    assert.ok(cols * cols >= n && cols * tile <= 4096 && tile >= 4, `${n}: ${cols} × ${tile}`);
  }
});

test('labels from paths: dataset schemes, folders, name prefixes', () => {
  assert.deepEqual(pathLabels(['kit/kick/a.wav', 'kit/snare/b.wav', 'kit/snare/deep/c.wav']), [
    'kick',
    'snare',
    'snare',
  ]);
  assert.deepEqual(pathLabels(['1-100032-A-0.wav', '2-100038-A-14.wav']), [
    'dog',
    'chirping_birds',
  ]);
  assert.deepEqual(
    pathLabels([
      'bd_haus.flac',
      'bd_fat.flac',
      'ambi_choir.flac',
      'ambi_drone.flac',
      'loop_amen.flac',
    ]),
    ['bd', 'bd', 'ambi', 'ambi', ''],
  );
  assert.deepEqual(pathLabels(['one.wav', 'two.wav']), ['', '']);
  assert.deepEqual(pathLabels(['only.wav']), ['']);
});

test('audio file names', () => {
  for (const n of ['a.wav', 'B.FLAC', 'x.aiff', 'y.ogg', 'z.mp3', 'w.m4a', 'v.opus'])
    assert.ok(isAudioName(n), n);
  for (const n of ['notes.txt', 'cover.jpg', 'wav', '.DS_Store', 'a.wav.txt'])
    assert.ok(!isAudioName(n), n);
});

test('spread stays linear: 100,000 points, all in one place or spread out', () => {
  const r = rng(5);
  for (const [n, w] of [
    [60000, 0],
    [20000, 1e-3],
    [20000, 1],
  ]) {
    const src = new Float32Array(n * 2).map(() => (r() - 0.5) * w);
    const out = spread(src, n, 1.6);
    assert.ok(out.every(Number.isFinite), `${n} points of spread ${w}: every one placed`);
  }
  // half of them in one place (duplicates): bounded work per point, all parted from that place
  const dup = new Float32Array(40000).map((_, k) => (k < 20000 ? 0.5 : r()));
  const parted = spread(dup, 20000, 1);
  assert.ok(parted.every(Number.isFinite));
  const keys = new Set();
  for (let i = 0; i < 10000; i++)
    keys.add(`${parted[2 * i].toFixed(5)},${parted[2 * i + 1].toFixed(5)}`);
  assert.ok(keys.size > 5000, `duplicates are parted (${keys.size} distinct places)`);
  // a dense cloud is parted: fewer close pairs after than before (counted on a sample)
  const n = 8000;
  const src = new Float32Array(n * 2).map(() => r() * 0.2);
  const out = spread(src, n, 1);
  const close = (p) => {
    let c = 0;
    for (let i = 0; i < 400; i++)
      for (let j = i + 1; j < n; j++)
        if (Math.hypot(p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]) < 0.01) c++;
    return c;
  };
  const stretched = spread(src, n, 1, { maxIter: 0 });
  assert.ok(close(out) < close(stretched), 'overlaps are parted');
});
