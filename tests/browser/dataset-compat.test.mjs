// A scatter-sounds dataset folder (only idx, metadata, projections, spherical; its own file
// names; one-second clips back to back in the spriteclip) opens with ?dataset= as it is.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copySite, launch, openPage, serve, waitStatus } from './harness.mjs';

let server, browser, root;

before(async () => {
  root = copySite('compat');
  // The sounds through the CLI, then rewritten the way scatter-sounds lays a folder out.
  const tmp = path.join(root, 'cli');
  const r = spawnSync(
    process.execPath,
    [
      'dist/sonomap.mjs',
      'analyze',
      'build/fixtures/cli/tones',
      'build/fixtures/cli/noise',
      '--out',
      tmp,
      '--labels',
      'folder',
      '--quiet',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const proj = JSON.parse(fs.readFileSync(path.join(tmp, 'projections.json'), 'utf8'));
  const n = proj.idx.length;
  const ss = path.join(root, 'ss');
  fs.mkdirSync(ss);
  const md = proj.metadata;
  fs.writeFileSync(
    path.join(ss, 'projections.json'),
    JSON.stringify({
      idx: proj.idx,
      metadata: {
        labels: md.labels,
        labelnames: md.labelnames,
        filenames: md.filenames,
        s_centroid: md.s_centroid,
        s_rolloff: md.s_rolloff,
        s_bandwidth: md.s_bandwidth,
      },
      projections: proj.layouts['umap-3d'],
      spherical: proj.spherical,
    }),
  );
  fs.writeFileSync(path.join(ss, 'config.json'), JSON.stringify({ title: 'tones and noise' }));
  fs.copyFileSync(path.join(tmp, 'sprite.png'), path.join(ss, 'spritesheet.png'));
  // spriteclip: clip i is the second [i, i + 1) — a tone of 200 + 50 i Hz, so a test can tell them apart
  const parts = [];
  for (let i = 0; i < n; i++) {
    const f = path.join(root, `c${i}.wav`);
    spawnSync('sox', [
      '-q',
      '-n',
      '-r',
      '16000',
      '-b',
      '16',
      f,
      'synth',
      '1',
      'sine',
      String(200 + 50 * i),
      'gain',
      '-6',
    ]);
    parts.push(f);
  }
  assert.equal(spawnSync('sox', [...parts, path.join(ss, 'audio.flac')]).status, 0);
  for (const f of parts) fs.rmSync(f);
  server = await serve(root);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('a scatter-sounds folder opens: its layout, labels, sprite sheet and one-second clips', async () => {
  const { page, errors } = await openPage(browser.context, `${server.url}?dataset=ss/`);
  const notFound = [];
  page.on('response', (r) => {
    if (r.status() === 404) notFound.push(new URL(r.url()).pathname);
  });
  const text = await waitStatus(page, /^(Mapped|Could not)/);
  assert.equal(
    text,
    'Mapped 40 sounds · loaded from ss/',
    'no notes about a missing sprite sheet or sound',
  );
  const items = await page.evaluate(() => window.sonomap.items);
  assert.equal(items.length, 40);
  assert.deepEqual([...new Set(items.map((it) => it.label))].sort(), ['noise', 'tones']);
  // hovering plays that clip's second of the spriteclip (the folder's layout is 3-D, where
  // another point may be in front: whichever plays, it must play its own second)
  const spots = await page.evaluate(() => {
    const out = [];
    for (let i = 0; i < window.sonomap.count && out.length < 5; i++) {
      const p = window.sonomap.screenPoint(i);
      if (p && document.elementFromPoint(p.x, p.y)?.id === 'map') out.push(p);
    }
    return out;
  });
  assert.ok(spots.length, 'points are on the canvas');
  for (const p of spots) {
    await page.mouse.move(p.x - 30, p.y - 30);
    await page.mouse.move(p.x, p.y, { steps: 3 });
    if (
      await page
        .waitForFunction(() => window.sonomap.lastPlayed, null, { timeout: 3000 })
        .then(
          () => true,
          () => false,
        )
    )
      break;
  }
  assert.ok(await page.evaluate(() => window.sonomap.lastPlayed), 'hovering a point plays it');
  const played = await page.evaluate(() => window.sonomap.lastPlayed);
  assert.ok(
    Math.abs(played.start - played.index) < 1e-6 && Math.abs(played.duration - 1) < 1e-6,
    `clip ${played.index} plays [${played.start}, +${played.duration}] s`,
  );
  // The folder does not name its files, so the page tries the usual names: sprite.png and
  // sprite.jpg before spritesheet.png. Those misses are the only errors the console may show.
  assert.deepEqual(notFound, ['/ss/sprite.png', '/ss/sprite.jpg']);
  assert.deepEqual(
    errors.filter((e) => !/status of 404/.test(e)),
    [],
  );
  await page.close();
});
