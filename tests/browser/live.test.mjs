// live.test.mjs — *Listen live* in Debian's Chromium with its fake microphone: a browser launched
// with --use-fake-device-for-media-stream --use-file-for-fake-audio-capture=<a fixture tone>
// (looped) hears that sound; the marker is placed near the tone's own point (it is among the
// nearest sounds, or the marker is close to it against the map's spread), the nearest sounds
// are listed and one plays when clicked. A browser without the permission (no fake UI flag;
// the request is denied) shows a clear message. Screenshot: tests/out/live.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CHROMIUM_ARGS, launch, openPage, serve, waitStatus } from './harness.mjs';

const ROOT = process.cwd();
const FIX = path.join(ROOT, 'build/fixtures/browser');
const OUTDIR = path.join(ROOT, 'tests/out');
const HEARD = path.join(FIX, 'tones/sine-440.wav');
const FOLDERS = ['tones', 'noise', 'sweeps', 'clicks'];
let server;

before(async () => {
  assert.ok(fs.existsSync(path.join(ROOT, 'dist/live-worker.js')), 'dist/ is built (make)');
  assert.ok(fs.existsSync(HEARD), 'fixtures are made (make fixtures)');
  fs.mkdirSync(OUTDIR, { recursive: true });
  server = await serve(path.join(ROOT, 'dist'));
});

after(() => server?.close());

async function mapFixtures(page) {
  const files = FOLDERS.flatMap((f) =>
    fs.readdirSync(path.join(FIX, f)).map((n) => path.join(FIX, f, n)),
  );
  await page.setInputFiles('#file-input', files);
  await waitStatus(page, new RegExp(`^Mapped ${files.length} sounds`), 180000);
  return files.length;
}

test('listen live: the fake microphone plays a map sound and the marker goes to it', async () => {
  const b = await launch({
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${HEARD}`,
    ],
  });
  try {
    const { page, errors } = await openPage(b.context, server.url);
    await mapFixtures(page);
    assert.equal(await page.locator('#listen').isVisible(), true);
    await page.click('#listen');
    await page.waitForFunction(() => window.sonomap.live.updates >= 3, null, { timeout: 60000 });
    await page.waitForTimeout(600); // the marker's short glide
    const live = await page.evaluate(() => window.sonomap.live);
    assert.equal(live.on, true);
    assert.equal(live.error, null);
    const { items, target, spread } = await page.evaluate(() => {
      const s = window.sonomap;
      const t = s.items.findIndex((it) => it.file.endsWith('sine-440.wav'));
      let x0 = Infinity,
        x1 = -Infinity,
        y0 = Infinity,
        y1 = -Infinity;
      for (let i = 0; i < s.count; i++) {
        const p = s.screenPoint(i);
        x0 = Math.min(x0, p.x);
        x1 = Math.max(x1, p.x);
        y0 = Math.min(y0, p.y);
        y1 = Math.max(y1, p.y);
      }
      return {
        items: s.items.map((it) => it.file),
        target: { index: t, at: s.screenPoint(t) },
        spread: Math.hypot(x1 - x0, y1 - y0),
      };
    });
    const names = live.nearest.map((i) => path.basename(items[i]));
    const off = Math.hypot(live.position.x - target.at.x, live.position.y - target.at.y);
    console.log(
      `heard sine-440: nearest ${names.join(', ')}; marker ${off.toFixed(0)} px from it, map ${spread.toFixed(0)} px across`,
    );
    assert.ok(
      live.nearest.includes(target.index) || off < 0.15 * spread,
      `the marker is near the sound played: nearest ${names.join(', ')}, ${off.toFixed(0)} px of ${spread.toFixed(0)}`,
    );
    assert.ok(
      names.slice(0, 3).some((n) => n.startsWith('sine-')),
      'a tone is among the nearest three',
    );
    assert.equal(await page.locator('.map-marker.live').isVisible(), true, 'the marker shows');
    await page.mouse.move(5, 790);
    await page.screenshot({ path: path.join(OUTDIR, 'live.png') });
    // the listed sounds play
    const plays = await page.evaluate(() => window.sonomap.plays);
    await page.click('#live-panel ol button >> nth=0');
    assert.ok((await page.evaluate(() => window.sonomap.plays)) > plays, 'a listed sound plays');
    await page.click('#listen');
    assert.equal((await page.evaluate(() => window.sonomap.live)).on, false, 'it stops');
    assert.equal(await page.locator('.map-marker.live').isVisible(), false);
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
  }
});

test('listen live: a refused microphone gives a clear message', async () => {
  // No fake UI: the permission prompt cannot be answered in a headless browser, so the request
  // is denied (the page also denies it from an init script, in case a prompt would wait).
  const b = await launch({
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream'],
  });
  try {
    await b.context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const { page } = await openPage(b.context, server.url);
    await page.evaluate(async () => {
      const X = new Float32Array(40 * 8).map((_, k) => Math.sin(k));
      await window.sonomap.mapFeatures(X, 40, 8, { projection: 'pca', features: 'timbre' });
    });
    await page.click('#listen');
    await page.waitForFunction(() => window.sonomap.live.error);
    const live = await page.evaluate(() => window.sonomap.live);
    assert.equal(live.on, false);
    assert.match(live.error, /Microphone access was refused/);
    assert.match(await page.locator('#live-panel').textContent(), /Microphone access was refused/);
    assert.equal(await page.locator('#live-panel').isVisible(), true);
  } finally {
    await b.close();
  }
});
