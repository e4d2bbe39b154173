// MP3 and Opus decoded in the analysis worker with WebCodecs (web/workers/webcodecs.js), in Debian's
// Chromium: the right length and pitch come out, and a file that only looks like MP3 by its
// name is reported with a reason.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, openPage, serve, waitStatus } from './harness.mjs';

const FIX = path.resolve('build/fixtures/webcodecs');
let server, browser;

before(async () => {
  server = await serve('dist');
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});

test('MP3 (MPEG-1 and MPEG-2) and Opus are decoded in the worker by WebCodecs', async () => {
  const { page, errors } = await openPage(browser.context, server.url);
  const files = fs
    .readdirSync(FIX)
    .sort()
    .map((f) => path.join(FIX, f));
  await page.setInputFiles('#file-input', files);
  assert.equal(
    await waitStatus(page, /^(Mapped|No sounds)/),
    'Mapped 3 sounds · 1 failed · sonomap-s embeddings',
  );
  const info = await page.evaluate(() => ({
    by: window.sonomap.decodedBy,
    items: window.sonomap.items,
    failures: window.sonomap.failures,
  }));
  assert.deepEqual(info.by, { 'webcodecs mp3': 2, 'webcodecs opus': 1 });
  const want = {
    'tone-440-stereo.mp3': [440, 2.0],
    'tone-1000-mpeg2.mp3': [1000, 1.5],
    'tone-2000.opus': [2000, 1.0],
  };
  for (const it of info.items) {
    const [f, d] = want[it.file];
    assert.ok(
      Math.abs(it.duration - d) < 0.012,
      `${it.file}: ${it.duration} s, expected about ${d}`,
    );
    assert.ok(
      Math.abs(it.centroid - f) < 0.1 * f,
      `${it.file}: spectral centroid ${it.centroid} Hz, expected about ${f}`,
    );
  }
  assert.equal(info.failures.length, 1);
  assert.equal(info.failures[0].file, 'noise-not-mp3.mp3');
  assert.ok(info.failures[0].reason.length > 10, info.failures[0].reason);
  assert.deepEqual(errors, []);
  await page.close();
});
