// offline.test.mjs — sonomap as an offline app in Debian's Chromium (dist/sw.js, workbox):
//  1. the first visit caches the app; the manifest makes it installable (Chromium's own check);
//  2. a new build (sw.js changed on the server) installs and waits; the page says so, and its
//     button switches to it (one reload, the new version in control, the notice gone);
//  3. with the server gone, a reload still opens the page, and files given to it are mapped
//     (engine, workers and the shipped model all from the cache).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copySite, launch, openPage, serve, waitStatus } from './harness.mjs';

const FIX = path.resolve('build/fixtures/browser');
const OUTDIR = path.resolve('tests/out');
let server, chromium, site, page, errors;

before(async () => {
  fs.mkdirSync(OUTDIR, { recursive: true });
  site = copySite('offline');
  server = await serve(site);
  chromium = await launch();
});

after(async () => {
  await chromium?.close();
  server?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

const controlled = () =>
  page.waitForFunction(
    () => window.sonomap?.offline.ready && navigator.serviceWorker.controller !== null,
    null,
    { timeout: 60000 },
  );

test('the first visit caches the app; the manifest makes it installable', async () => {
  ({ page, errors } = await openPage(chromium.context, server.url));
  await controlled();
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls = [];
    for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(r.url);
    return urls.map((u) => new URL(u).pathname);
  });
  for (const f of [
    '/index.html',
    '/main.js',
    '/sonomap.wasm',
    '/models/sonomap-s.smnn',
    '/analysis-worker.js',
  ])
    assert.ok(cached.includes(f), `${f} is cached (${cached.join(' ')})`);
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, [], 'Chromium finds the app installable');
  const manifest = await (await page.request.get(`${server.url}manifest.webmanifest`)).json();
  assert.equal(manifest.short_name, 'sonomap');
  for (const icon of manifest.icons) {
    const png = await (await page.request.get(`${server.url}${icon.src}`)).body();
    const [w, h] = icon.sizes.split('x').map(Number);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [w, h], icon.src);
  }
});

test('a new version waits, the page says so, and switches to it on request', async () => {
  const swFile = path.join(site, 'sw.js');
  const old = fs.readFileSync(swFile, 'utf8');
  // a new build: main.js has another hash
  fs.writeFileSync(
    swFile,
    old.replace(/(url:"main\.js",revision:")[0-9a-f]+/, '$1feedfacefeedface'),
  );
  assert.notEqual(fs.readFileSync(swFile, 'utf8'), old, 'the precache list names main.js');
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.locator('#update').waitFor({ state: 'visible', timeout: 60000 });
  assert.match(await page.locator('#update').textContent(), /A new version of sonomap is ready/);
  assert.equal(await page.evaluate(() => window.sonomap.offline.updateReady), true);
  await page.screenshot({ path: path.join(OUTDIR, 'update.png') });
  await Promise.all([
    page.waitForEvent('load', { timeout: 60000 }),
    page.locator('#update button').click(),
  ]);
  await controlled();
  const after = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return { waiting: !!reg.waiting, notice: document.getElementById('update').hidden };
  });
  assert.deepEqual(after, { waiting: false, notice: true });
});

test('with the server gone, a reload opens the page and maps dropped files', async () => {
  server.close();
  await new Promise((r) => setTimeout(r, 300));
  await page.reload();
  await waitStatus(page, /Drop sounds or a folder/);
  const tones = fs.readdirSync(path.join(FIX, 'tones')).map((f) => path.join(FIX, 'tones', f));
  await page.setInputFiles('#file-input', tones);
  await waitStatus(page, new RegExp(`Mapped ${tones.length} sounds`), 180000);
  const s = await page.evaluate(() => ({
    count: window.sonomap.count,
    failures: window.sonomap.failures,
  }));
  assert.equal(s.count, tones.length);
  assert.deepEqual(s.failures, []);
  await page.screenshot({ path: path.join(OUTDIR, 'offline.png') });
  assert.deepEqual(
    errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)),
    [],
  );
});
