// long.test.mjs — long recordings on the page (mode 'long'): the time path through a
// recording's windows is drawn, and survives an export opened again with ?dataset= and a
// dataset the CLI wrote; *Play recording* moves the cursor along the path (the playhead's
// window advances); clicking a window plays the recording from that window's time.
// Screenshot: tests/out/long.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copySite, exportToFolder, launch, openPage, serve, waitStatus } from './harness.mjs';

const ROOT = process.cwd();
const OUTDIR = path.join(ROOT, 'tests/out');
let server, chromium, site, rec;

before(async () => {
  assert.ok(fs.existsSync(path.join(ROOT, 'dist/sonomap.wasm')), 'dist/ is built (make)');
  fs.mkdirSync(OUTDIR, { recursive: true });
  site = copySite('long');
  // 7.5 s in three different parts: a tone, noise, a rising sweep
  rec = path.join(site, 'walk.wav');
  const parts = [
    ['2.5', 'sine', '330'],
    ['2.5', 'pinknoise'],
    ['2.5', 'sine', '200:4000'],
  ].map((p, k) => {
    const f = path.join(site, `part${k}.wav`);
    const s = spawnSync('sox', [
      '-q',
      '-n',
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      f,
      'synth',
      ...p,
    ]);
    assert.equal(s.status, 0, String(s.stderr));
    return f;
  });
  assert.equal(spawnSync('sox', [...parts, rec]).status, 0);
  server = await serve(site);
  chromium = await launch({ acceptDownloads: true });
});

after(async () => {
  await chromium?.close();
  server?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

const sonomap = (page, f, arg) => page.evaluate(f, arg);

/** The map's single path: in time order, one window per 0.48 s, drawn as n - 1 segments. */
async function checkPath(page, what) {
  const { paths, drawn, n, starts } = await page.evaluate(() => {
    const s = window.sonomap;
    return {
      paths: s.timePath,
      drawn: s.timePathDrawn,
      n: s.count,
      starts: s.timePath[0]?.map((i) => s.items[i].file),
    };
  });
  assert.equal(paths.length, 1, `${what}: one recording, one path`);
  assert.equal(paths[0].length, n, `${what}: every window is on the path`);
  assert.ok(n >= 13 && n <= 16, `${what}: 7.5 s gives ~15 windows, got ${n}`);
  assert.equal(drawn, n - 1, `${what}: the path is drawn`);
  assert.ok(
    starts.every((f) => f.endsWith('walk.wav')),
    `${what}: the path's windows come from the recording`,
  );
  return paths[0];
}

test('long recording: path drawn, cursor follows playback, click plays from there, path survives export', async () => {
  const { page, errors } = await openPage(chromium.context, server.url);
  await page.selectOption('#mode', 'long');
  await page.selectOption('#features', 'fingerprint');
  await page.setInputFiles('#file-input', rec);
  await waitStatus(page, /^Mapped \d+ moments/, 120000);
  const p = await checkPath(page, 'dropped');
  assert.equal(await page.locator('#play-recording').isVisible(), true);

  // Play: the cursor moves along the path.
  await page.click('#play-recording');
  const seen = [];
  for (let k = 0; k < 12; k++) {
    await page.waitForTimeout(150);
    seen.push(await sonomap(page, () => window.sonomap.playhead));
  }
  const windows = seen.filter(Boolean).map((h) => h.window);
  assert.ok(seen.at(-1)?.playing, 'still playing after 1.8 s');
  assert.ok(windows.at(-1) >= windows[0] + 2, `the playhead advances: ${windows.join(' ')}`);
  assert.ok(
    windows.every((w, i) => i === 0 || w >= windows[i - 1]),
    'the playhead never goes back',
  );
  assert.equal(await page.locator('.map-marker.playhead').isVisible(), true, 'the cursor shows');
  await page.screenshot({ path: path.join(OUTDIR, 'long.png') });

  // Click a window late in the recording: it plays from there.
  const w = p.length - 4;
  const at = await sonomap(page, (i) => window.sonomap.screenPoint(i), p[w]);
  await page.mouse.click(at.x, at.y);
  await page.waitForTimeout(100);
  const h = await sonomap(page, () => window.sonomap.playhead);
  assert.ok(h.playing, 'the click plays the recording');
  assert.ok(h.window >= w && h.window <= w + 1, `playing from window ${w}: at ${h.window}`);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(100);
  assert.equal((await sonomap(page, () => window.sonomap.playhead)).playing, false, 'Escape stops');

  // Export, then open the folder with ?dataset=: the same path.
  const exp = path.join(site, 'exported');
  await exportToFolder(page, exp);
  await waitStatus(page, /exported to|export failed/, 30000);
  assert.equal(JSON.parse(fs.readFileSync(path.join(exp, 'config.json'), 'utf8')).mode, 'long');
  await page.goto(`${server.url}?dataset=exported/`);
  await waitStatus(page, /^(Mapped|Could not)/, 30000);
  assert.deepEqual(await checkPath(page, 'exported'), p, 'the same path after export');
  await page.click('#play-recording');
  await page.waitForTimeout(900);
  const h2 = await sonomap(page, () => window.sonomap.playhead);
  assert.ok(h2?.playing && h2.window >= 1, 'a loaded long map plays along its path');
  assert.deepEqual(errors, []);
  await page.close();
});

test('long recording: a CLI-written dataset of mode long has its path', async () => {
  const out = path.join(site, 'cli-long');
  const r = spawnSync(process.execPath, [
    path.join(ROOT, 'dist/sonomap.mjs'),
    'analyze',
    rec,
    '--mode',
    'long',
    '--features',
    'fingerprint',
    '--projection',
    'pca',
    '--out',
    out,
    '--quiet',
  ]);
  assert.equal(r.status, 0, String(r.stderr));
  const { page, errors } = await openPage(chromium.context, `${server.url}?dataset=cli-long/`);
  await waitStatus(page, /^(Mapped|Could not)/, 30000);
  await checkPath(page, 'CLI');
  assert.deepEqual(errors, []);
  await page.close();
});
