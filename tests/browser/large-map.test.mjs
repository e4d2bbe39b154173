// large-map.test.mjs — a 2-D map of 60,000 points (frame-cache.js): while it is dragged, frames
// move the last full picture instead of drawing every point (drawStats.full stays put while
// drawStats.draws grows), the full picture comes back once it is still, and the map under the
// mouse is then the one the view says (hover finds the point at its screen position).
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

test('a 60,000-point map moves its last picture while dragged, then draws in full', async () => {
  const { page, errors } = await openPage(chromium.context, server.url);
  await page.waitForFunction(() => window.sonomap);
  await page.evaluate(async () => {
    const n = 60000,
      d = 8,
      X = new Float32Array(n * d);
    let s = 3;
    for (let i = 0; i < n * d; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      X[i] = s / 2147483648 + (i % d === Math.floor(i / d) % 8 ? 4 : 0);
    }
    await window.sonomap.mapFeatures(X, n, d, { projection: 'pca', features: 'timbre' });
  });
  await page.waitForFunction(() => !window.sonomap.busy);
  await page.waitForTimeout(500);
  const stats = () => page.evaluate(() => window.sonomap.drawStats);
  const s0 = await stats();
  // drag in one page task per frame, so the drag is not slower than the settle delay
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const c = document.getElementById('map');
        const r = c.getBoundingClientRect();
        const capture = c.setPointerCapture;
        c.setPointerCapture = () => {};
        const ev = (type, x, y) =>
          c.dispatchEvent(
            new PointerEvent(type, {
              bubbles: true,
              clientX: r.left + x,
              clientY: r.top + y,
              pointerId: 9,
              button: 0,
              buttons: type === 'pointerup' ? 0 : 1,
            }),
          );
        ev('pointerdown', 300, 300);
        let k = 0;
        const step = () => {
          ev('pointermove', 300 + 6 * k, 300 + 3 * k);
          if (++k < 30) requestAnimationFrame(step);
          else {
            window.__dragged = window.sonomap.drawStats;
            ev('pointerup', 300 + 6 * k, 300 + 3 * k);
            c.setPointerCapture = capture;
            resolve();
          }
        };
        requestAnimationFrame(step);
      }),
  );
  const s1 = await page.evaluate(() => window.__dragged);
  assert.ok(s1.draws - s0.draws >= 10, `frames were drawn while dragging (${s1.draws - s0.draws})`);
  assert.ok(
    s1.full - s0.full <= Math.max(2, 0.25 * (s1.draws - s0.draws)),
    `most of them moved the kept picture: ${s1.full - s0.full} full of ${s1.draws - s0.draws}`,
  );
  await page.waitForTimeout(600);
  const s2 = await stats();
  assert.ok(s2.full > s1.full, 'the full picture is drawn again once the map is still');
  // the map drawn is where the view says: hovering a point's screen position finds it
  const i = await page.evaluate(() => {
    const s = window.sonomap;
    for (let k = 0; k < s.count; k += 997) {
      const p = s.screenPoint(k);
      if (p && document.elementFromPoint(p.x, p.y)?.id === 'map') return k;
    }
    return -1;
  });
  assert.ok(i >= 0);
  const at = await page.evaluate((i) => window.sonomap.screenPoint(i), i);
  await page.mouse.move(at.x, at.y);
  await page.waitForSelector('#tooltip:not([hidden])');
  assert.deepEqual(errors, []);
  await page.close();
});
