// site.test.mjs — what `sonomap site` writes, served from a sub-path of a static server in
// Debian's Chromium: index.html opens the first map by itself and plays it on hover, another map
// opens with ?dataset=, a scatter-sounds folder in the site opens with its own file names,
// embed.html and maps.html show the maps through <sono-map>; no request leaves the origin.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, openPage, serve, waitStatus } from './harness.mjs';

const OUTDIR = path.resolve('tests/out');
let server, chromium, root, base;

function cli(args) {
  const r = spawnSync(process.execPath, ['dist/sonomap.mjs', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  fs.mkdirSync(OUTDIR, { recursive: true });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-siteb-'));
  const work = path.join(root, 'work');
  cli([
    'analyze',
    'build/fixtures/browser/tones',
    'build/fixtures/browser/plucks',
    '--out',
    path.join(work, 'strings'),
    '--labels',
    'folder',
    '--features',
    'fingerprint',
    '--quiet',
  ]);
  cli([
    'analyze',
    'build/fixtures/browser/clicks',
    'build/fixtures/browser/noise',
    '--out',
    path.join(work, 'hits'),
    '--features',
    'fingerprint',
    '--quiet',
  ]);
  // A scatter-sounds folder: its schema only, its own file names.
  const ss = path.join(work, 'scatter');
  fs.mkdirSync(ss);
  const proj = JSON.parse(fs.readFileSync(path.join(work, 'hits/projections.json'), 'utf8'));
  fs.writeFileSync(
    path.join(ss, 'projections.json'),
    JSON.stringify({
      idx: proj.idx,
      metadata: { filenames: proj.metadata.filenames },
      projections: proj.layouts['umap-3d'],
    }),
  );
  fs.copyFileSync(path.join(work, 'hits/sprite.png'), path.join(ss, 'spritesheet.png'));
  fs.copyFileSync(path.join(work, 'hits/audio.flac'), path.join(ss, 'audio.flac'));
  // the site, under a sub-path of the server's root
  const out = path.join(root, 'course', 'week-3');
  cli(['site', path.join(work, 'strings'), path.join(work, 'hits'), ss, '--out', out, '--quiet']);
  server = await serve(root);
  base = `${server.url}course/week-3/`;
  chromium = await launch();
});

after(async () => {
  await chromium?.close();
  server?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

async function hoverPlays(page) {
  const before = await page.evaluate(() => window.sonomap.plays);
  for (let i = 0; i < 16; i++) {
    const p = await page.evaluate((k) => {
      const q = window.sonomap.screenPoint(k);
      return q && document.elementFromPoint(q.x, q.y)?.id === 'map' ? q : null;
    }, i);
    if (!p) continue;
    await page.mouse.move(p.x - 30, p.y - 30);
    await page.mouse.move(p.x, p.y, { steps: 3 });
    const ok = await page
      .waitForFunction((b) => window.sonomap.plays > b, before, { timeout: 3000 })
      .then(() => true)
      .catch(() => false);
    if (ok) return true;
  }
  return false;
}

function local(requests) {
  const origin = new URL(server.url).origin;
  return requests.filter((u) => !u.startsWith(`${origin}/`) && !/^(data|blob):/.test(u));
}

test('index.html opens the first map by itself, from a sub-path, and plays it', async () => {
  const { page, errors, requests } = await openPage(chromium.context, base);
  await waitStatus(page, /Mapped 16 sounds · loaded from maps\/strings\//);
  assert.equal(await page.evaluate(() => window.sonomap.count), 16);
  assert.ok(await hoverPlays(page), 'hovering a point plays it');
  await page.screenshot({ path: path.join(OUTDIR, 'site.png') });
  // the other maps, by ?dataset=
  await page.goto(`${base}?dataset=maps/hits/`);
  await waitStatus(page, /Mapped 16 sounds · loaded from maps\/hits\//);
  await page.goto(`${base}index.html?dataset=maps/scatter/`);
  await waitStatus(page, /Mapped 16 sounds · loaded from maps\/scatter\//);
  const names = await page.evaluate(() => window.sonomap.items.map((it) => it.file));
  assert.ok(
    names.some((f) => f.includes('click-')),
    'the scatter-sounds names are kept',
  );
  assert.ok(await hoverPlays(page), 'the scatter-sounds map plays');
  assert.deepEqual(local(requests), []);
  assert.ok(requests.every((u) => !u.includes('/course/week-3/') || u.startsWith(base)));
  // (the scatter-sounds folder has no config.json: the names it may use are tried in turn)
  assert.deepEqual(
    errors.filter((e) => !/404 \(Not Found\)/.test(e)),
    [],
  );
  await page.close();
});

test('embed.html and maps.html of the site', async () => {
  const { page, errors, requests } = await openPage(
    chromium.context,
    `${base}embed.html?dataset=maps/hits/&layout=pca`,
  );
  const state = async () =>
    page
      .waitForFunction(
        () => {
          const els = [...document.querySelectorAll('sono-map')];
          return els.length && els.every((e) => e.sonomap.state !== 'loading')
            ? els.map((e) => [
                e.sonomap.state,
                e.sonomap.count,
                e.sonomap.layoutName,
                e.sonomap.status,
              ])
            : null;
        },
        null,
        { timeout: 60000 },
      )
      .then((h) => h.jsonValue());
  assert.deepEqual(
    (await state()).map((s) => s.slice(0, 3)),
    [['ready', 16, 'pca-2d']],
  );
  await page.goto(`${base}maps.html`);
  const all = await state();
  assert.deepEqual(
    all.map((s) => s.slice(0, 2)),
    [
      ['ready', 16],
      ['ready', 16],
      ['ready', 16],
    ],
    JSON.stringify(all),
  );
  assert.deepEqual(local(requests), []);
  assert.deepEqual(
    errors.filter((e) => !/404 \(Not Found\)/.test(e)),
    [],
  );
  await page.close();
});

test('offline after the first visit: the site opens its map with the server gone', async () => {
  // a browser that has never seen the site
  const fresh = await launch();
  const { page } = await openPage(fresh.context, base);
  await waitStatus(page, /Mapped 16 sounds · loaded from maps\/strings\//);
  assert.ok(await hoverPlays(page), 'it plays (its sound has loaded)');
  await page.waitForFunction(() => window.sonomap.offline.ready, null, { timeout: 60000 });
  server.close();
  server = null;
  await new Promise((r) => setTimeout(r, 300));
  await page.reload();
  const st = await waitStatus(page, /Mapped 16 sounds · loaded from maps\/strings\//);
  assert.doesNotMatch(st, /no sound|no sprite/, st);
  assert.ok(await hoverPlays(page), 'it plays offline');
  await fresh.close();
});
