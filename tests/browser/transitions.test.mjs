// transitions.test.mjs — switching layout animates the points from where they are to where they
// go: sampled every frame through window.sonomap.layoutNow while .transitioning, every point lies
// between its start and its end, all at the same eased fraction, strictly inside (0, 1) in some
// frame; 2-D → 3-D and back travel too; with prefers-reduced-motion the switch jumps.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, openPage, serve } from './harness.mjs';

const ROOT = process.cwd();
let server, chromium;

before(async () => {
  assert.ok(fs.existsSync(path.join(ROOT, 'dist/sonomap.wasm')), 'dist/ is built (make)');
  server = await serve(path.join(ROOT, 'dist'));
  chromium = await launch();
});

after(async () => {
  await chromium?.close();
  server?.close();
});

/** A map of 400 rows in 8 seeded clusters (16-d), laid out by UMAP in 2-D. */
async function makeMap(page) {
  await page.waitForFunction(() => window.sonomap);
  await page.evaluate(async () => {
    let s = 7;
    const rnd = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const n = 400,
      d = 16;
    const X = new Float32Array(n * d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) X[i * d + j] = (i % 8 === j % 8 ? 4 : 0) + rnd();
    await window.sonomap.mapFeatures(X, n, d, { projection: 'umap', dims: 2, features: 'timbre' });
  });
}

/** Chooses a layout and records window.sonomap.layoutNow in every frame until the points stop. */
async function switchAndSample(page, select, value) {
  const before = await page.evaluate(() => Array.from(window.sonomap.layout));
  // the change is made inside the page, so the first frame after it is sampled
  const frames = await page.evaluate(
    ({ select, value }) =>
      new Promise((resolve) => {
        const out = [];
        const t0 = performance.now();
        let seen = false;
        const step = () => {
          const s = window.sonomap;
          if (s.transitioning) {
            seen = true;
            out.push({ dims: s.layoutNow.length / s.count, layout: Array.from(s.layoutNow) });
          }
          const t = performance.now() - t0;
          if ((seen && !s.transitioning && !s.busy) || t > 20000) resolve(out);
          else requestAnimationFrame(step);
        };
        const el = document.querySelector(select);
        el.value = value;
        el.dispatchEvent(new Event('change', { bubbles: true }));
        requestAnimationFrame(step);
      }),
    { select, value },
  );
  await page.waitForFunction(() => !window.sonomap.busy && !window.sonomap.transitioning);
  const after = await page.evaluate(() => Array.from(window.sonomap.layout));
  return { before, frames, after };
}

/** Per frame, the fraction of the way every point has gone (median) and the worst miss. */
function fractions(from, to, frames) {
  const out = [];
  for (const f of frames) {
    const e = [];
    let miss = 0;
    for (let k = 0; k < to.length; k++) {
      const span = to[k] - from[k];
      const lo = Math.min(from[k], to[k]),
        hi = Math.max(from[k], to[k]);
      const v = f.layout[k];
      miss = Math.max(miss, lo - v, v - hi);
      if (Math.abs(span) > 1e-3 * (Math.abs(to[k]) + 1)) e.push((v - from[k]) / span);
    }
    e.sort((a, b) => a - b);
    const med = e[e.length >> 1];
    out.push({ med, spread: e[Math.floor(e.length * 0.9)] - e[Math.floor(e.length * 0.1)], miss });
  }
  return out;
}

test('switching layout: the points travel between where they were and where they go', async () => {
  const { page, errors } = await openPage(chromium.context, server.url);
  await makeMap(page);
  // PCA is computed (the points travel to the engine's first picture and on), then UMAP again
  // is stored: a switch between two fixed layouts, sampled frame by frame.
  await switchAndSample(page, '#projection', 'pca');
  const { before, frames, after } = await switchAndSample(page, '#projection', 'umap');
  assert.ok(frames.length >= 3, `several frames in between (${frames.length})`);
  const f = fractions(before, after, frames);
  const size = Math.max(...after.map(Math.abs));
  for (const [k, x] of f.entries()) {
    assert.ok(x.miss <= 1e-4 * size, `frame ${k}: every point between start and end (${x.miss})`);
    assert.ok(x.spread < 0.02, `frame ${k}: all points the same way along (${x.spread})`);
  }
  assert.ok(
    f.some((x) => x.med > 0.1 && x.med < 0.9),
    `some frame half way: ${f.map((x) => x.med.toFixed(2)).join(' ')}`,
  );
  assert.ok(
    f.every((x, i) => i === 0 || x.med >= f[i - 1].med - 1e-6),
    'the points never go back',
  );

  // 2-D → 3-D: the flat map rises into the cloud; 3-D → 2-D: back. The first switch to 3-D
  // computes the layout (the frames are few while the worker runs); the next ones are stored.
  await switchAndSample(page, '#dims', '3');
  const down = await switchAndSample(page, '#dims', '2');
  assert.ok(down.frames.length >= 2, `the switch back to 2-D travels (${down.frames.length})`);
  assert.equal(await page.evaluate(() => window.sonomap.dims), 2);
  const up = await switchAndSample(page, '#dims', '3');
  assert.ok(up.frames.length >= 2, `the switch to 3-D travels (${up.frames.length})`);
  assert.equal(await page.evaluate(() => window.sonomap.dims), 3);
  const z0 = up.frames[0].layout.filter((_, k) => k % 3 === 2);
  const zEnd = up.after.filter((_, k) => k % 3 === 2);
  const mag = (a) => Math.max(...a.map(Math.abs));
  assert.ok(mag(z0) < 0.5 * mag(zEnd), `the cloud starts flat (${mag(z0)} against ${mag(zEnd)})`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('switching layout with reduced motion: the points jump', async () => {
  const { page, errors } = await openPage(chromium.context, server.url);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await makeMap(page);
  await page.selectOption('#projection', 'pca');
  await page.waitForFunction(() => !window.sonomap.busy && window.sonomap.layout.length === 800);
  await page.waitForTimeout(200);
  await page.selectOption('#projection', 'umap');
  const moving = await page.evaluate(
    () =>
      new Promise((resolve) => {
        let k = 0,
          any = false;
        const step = () => {
          any ||= window.sonomap.transitioning;
          if (++k < 20) requestAnimationFrame(step);
          else resolve(any);
        };
        requestAnimationFrame(step);
      }),
  );
  assert.equal(moving, false, 'no frame in between');
  assert.deepEqual(errors, []);
  await page.close();
});
