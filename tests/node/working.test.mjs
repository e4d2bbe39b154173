// working.test.mjs — the pure parts of working with a map: time paths of long recordings
// (core/timepath.js: rebuilt from file + start, the recording's stretch of the spriteclip, the
// window playing at a time) and placing a new sound among the map's rows (core/live-match.js:
// the projection's scaling, nearest rows, the weighted screen position).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureBlocks, standardize } from '../../web/core/features.js';
import { nearestRows, placeAmong, scaledRows } from '../../web/core/live-match.js';
import { recordingSpan, timePaths, windowAt } from '../../web/core/timepath.js';

test('time paths: one per recording, in start order, only in long mode', () => {
  const items = [
    { file: 'b.wav', start: 0.48, clipStart: 10.48, clipDuration: 0.96 },
    { file: 'a.wav', start: 0, clipStart: 0, clipDuration: 0.96 },
    { file: 'b.wav', start: 0, clipStart: 10, clipDuration: 0.96 },
    { file: 'a.wav', start: 0.48, clipStart: 0.48, clipDuration: 0.96 },
    { file: 'c.wav', start: 0, clipStart: 20, clipDuration: 0.96 },
    { file: 'b.wav', start: 0.96, clipStart: 10.96, clipDuration: 0.96 },
  ];
  assert.deepEqual(timePaths(items, 'long'), [
    [2, 0, 5],
    [1, 3],
  ]);
  assert.deepEqual(timePaths(items, 'whole'), []);
  // b.wav sits at 10 s in the spriteclip and lasts to 1.92 s
  assert.deepEqual(recordingSpan(items, [2, 0, 5]), { offset: 10, duration: 1.92 });
  // windows stored apart: no single stretch
  const apart = items.map((it, i) => (i === 5 ? { ...it, clipStart: 30 } : it));
  assert.equal(recordingSpan(apart, [2, 0, 5]), null);
  const path = [2, 0, 5];
  assert.equal(windowAt(items, path, -1), 0);
  assert.equal(windowAt(items, path, 0.3), 0);
  assert.equal(windowAt(items, path, 0.48), 1);
  assert.equal(windowAt(items, path, 0.9), 1);
  assert.equal(windowAt(items, path, 5), 2);
});

test('live match: rows scaled as the projection scales them, nearest first, placed between', () => {
  const n = 50,
    d = 6;
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) X[i * d + j] = Math.sin(i * 1.7 + j * 0.3) * (j + 1) * 10 + j;
  for (const kind of ['timbre', 'embedding']) {
    const { rows, scale } = scaledRows(X, n, d, kind);
    const ref = standardize(X, n, d, featureBlocks(d, kind));
    for (let k = 0; k < n * d; k++) assert.ok(Math.abs(rows[k] - ref[k]) < 1e-4, `${kind} ${k}`);
    // a row already on the map is its own nearest, at distance 0
    const q = scale(X.subarray(7 * d, 8 * d));
    const near = nearestRows(rows, n, d, q, 5);
    assert.equal(near.length, 5);
    assert.equal(near[0].index, 7);
    assert.ok(near[0].distance < 1e-5);
    for (let k = 1; k < 5; k++) assert.ok(near[k].distance >= near[k - 1].distance);
    // brute force agrees
    const all = [...Array(n).keys()]
      .map((i) => ({
        i,
        dist: Math.hypot(...Array.from({ length: d }, (_, j) => rows[i * d + j] - q[j])),
      }))
      .sort((a, b) => a.dist - b.dist);
    assert.deepEqual(
      near.map((h) => h.index),
      all.slice(0, 5).map((h) => h.i),
    );
  }
  // placed between its neighbours, nearer the nearest
  const p = placeAmong([
    { x: 0, y: 0, distance: 1 },
    { x: 10, y: 0, distance: 3 },
  ]);
  assert.ok(p.x > 0 && p.x < 5 && p.y === 0, `between, nearer the first: ${p.x}`);
  assert.deepEqual(placeAmong([{ x: 4, y: 2, distance: 0 }]), { x: 4, y: 2 });
  assert.equal(placeAmong([]), null);
});
