// MP3 and Opus decoded in the analysis worker with WebCodecs (web/webcodecs.js), in Debian's
// Chromium: the right length and pitch come out, and a file that only looks like MP3 by its
// name is reported with a reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const FIX = path.resolve('build/fixtures/webcodecs');
let server, ctx, userDir;

before(async () => {
  server = spawn(process.execPath, ['scripts/serve.mjs', 'dist', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  server.url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => { out += d; const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out); if (m) resolve(m[1]); });
    server.on('exit', (c) => reject(new Error(`serve.mjs exited with ${c}`)));
  });
  userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-wc-'));
  ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium', headless: false,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await ctx?.close();
  server?.kill();
  if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
});

test('MP3 (MPEG-1 and MPEG-2) and Opus are decoded in the worker by WebCodecs', async () => {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url);
  const files = fs.readdirSync(FIX).sort().map((f) => path.join(FIX, f));
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction(() => /^(Mapped|No sounds)/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
  assert.equal(await page.locator('#status').textContent(), 'Mapped 3 sounds · 1 failed');
  const info = await page.evaluate(() => ({ by: window.sonomap.decodedBy, items: window.sonomap.items, failures: window.sonomap.failures }));
  assert.deepEqual(info.by, { 'webcodecs mp3': 2, 'webcodecs opus': 1 });
  const want = { 'tone-440-stereo.mp3': [440, 2.0], 'tone-1000-mpeg2.mp3': [1000, 1.5], 'tone-2000.opus': [2000, 1.0] };
  for (const it of info.items) {
    const [f, d] = want[it.file];
    assert.ok(Math.abs(it.duration - d) < 0.012, `${it.file}: ${it.duration} s, expected about ${d}`);
    assert.ok(Math.abs(it.centroid - f) < 0.1 * f, `${it.file}: spectral centroid ${it.centroid} Hz, expected about ${f}`);
  }
  assert.equal(info.failures.length, 1);
  assert.equal(info.failures[0].file, 'noise-not-mp3.mp3');
  assert.ok(info.failures[0].reason.length > 10, info.failures[0].reason);
  assert.deepEqual(errors, []);
  await page.close();
});
