// atlas-budget.test.mjs — a map whose sprite sheet is wider than the texture budget (8192 px,
// view/atlas.js) is drawn as plain points with a notice saying why, and still plays and picks;
// a sheet within the budget draws tiles and shows no notice.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';
import { copySite, launch, openPage, serve, waitStatus } from './harness.mjs';

let server, chromium, site;

/** A PNG of w x h RGBA pixels, all one colour (written here: the test needs an odd shape). */
function png(w, h, rgba) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + 4 * w);
  for (let x = 0; x < w; x++) row.set(rgba, 1 + 4 * x);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 16 kHz mono 16-bit WAV of n samples of a quiet tone. */
function wav(n) {
  const b = Buffer.alloc(44 + 2 * n);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + 2 * n, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(16000, 24);
  b.writeUInt32LE(32000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(2 * n, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(3000 * Math.sin(i * 0.2)), 44 + 2 * i);
  return b;
}

/** A dataset folder of n points whose sprite sheet is `width` px wide (one row of 1-px tiles
 *  stretched: tile = width / n). */
function dataset(name, n, width) {
  const dir = path.join(site, name);
  fs.mkdirSync(dir);
  const tile = Math.floor(width / n);
  const xy = Array.from({ length: n }, (_, i) => [
    Math.cos(i * 0.7) * (1 + i / n),
    Math.sin(i * 0.7) * (1 + i / n),
  ]);
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({
      format: 'sonomap-dataset',
      version: 1,
      name,
      count: n,
      mode: 'whole',
      mainLayout: 'pca-2d',
      layouts: ['pca-2d'],
      sprite: { file: 'sprite.png', tile, cols: n, count: n },
      audio: { file: 'audio.wav', rate: 16000, samples: 16000 * n },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'projections.json'),
    JSON.stringify({
      idx: xy.map((_, i) => i),
      metadata: { filenames: xy.map((_, i) => `s${i}.wav`) },
      projections: xy.map(([x, y]) => [x, y, 0]),
      layouts: { 'pca-2d': xy },
    }),
  );
  fs.writeFileSync(path.join(dir, 'audio.wav'), wav(16000 * n));
  fs.writeFileSync(path.join(dir, 'sprite.png'), png(tile * n, tile, [200, 120, 60, 255]));
}

before(async () => {
  site = copySite('atlas');
  dataset('wide', 90, 9000);
  dataset('fits', 90, 900);
  server = await serve(site);
  chromium = await launch();
});

after(async () => {
  await chromium?.close();
  server?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

test('a sprite sheet past the texture budget: points and a notice', async () => {
  const { page, errors } = await openPage(chromium.context, `${server.url}?dataset=wide/`);
  await waitStatus(page, /^(Mapped|Could not)/, 30000);
  const dropped = await page.evaluate(() => window.sonomap.tilesDropped);
  assert.deepEqual(dropped, { width: 9000, height: 100, budget: 8192, n: 90, dropped: true });
  assert.equal(await page.locator('#view-notice').isVisible(), true);
  assert.match(
    await page.locator('#view-notice').textContent(),
    /larger than this browser's GPU can hold \(8192 px\): the sounds are drawn as points/,
  );
  // still a map: points are picked under the mouse
  const at = await page.evaluate(() => window.sonomap.screenPoint(5));
  await page.mouse.move(at.x, at.y);
  await page.waitForSelector('#tooltip:not([hidden])');
  await page.screenshot({ path: 'tests/out/atlas-points.png' });

  await page.goto(`${server.url}?dataset=fits/`);
  await waitStatus(page, /^(Mapped|Could not)/, 30000);
  assert.equal(await page.evaluate(() => window.sonomap.tilesDropped), null);
  assert.equal(await page.locator('#view-notice').isVisible(), false);
  assert.deepEqual(errors, []);
  await page.close();
});
