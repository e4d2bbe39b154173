// bigmap.test.mjs — a map of 100,000 rows with streamed sprite sheets (tests/fixtures/bigmap.mjs:
// the CLI's `project --files` on synthetic rows, then the writer's sheets grouped by position).
// The page opens it as points; zoomed in, it fetches exactly the sheets that hold the points
// on screen (the requests the browser made, against the index file read here) and draws those
// points' own tiles (pixels at a point's place have its tile's colour); zoomed out, the tiles
// go; a sheet that has gone missing is named in the notice and the others still load.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { npyDecode } from '../../web/core/npy.js';
import { makeBigMap, rowTile } from '../fixtures/bigmap.mjs';
import { openPage, siteSession } from './harness.mjs';

const N = 100000;
const TILE = 16;
const session = siteSession('bigmap', { viewport: { width: 1100, height: 760 } });
let big;

before(async () => {
  big = path.join(session.root, 'big');
  await makeBigMap(big, { n: N, tile: TILE });
});

const stream = (page) => page.evaluate(() => window.sonomap.spriteStream);

/** Presses + (zoom about the centre) until few enough points are on screen to stream. */
async function zoomIn(page) {
  await page.focus('#map');
  for (let k = 0; k < 30; k++) {
    const s = await stream(page);
    if (s.visible > 0) return k;
    const checks = s.checks;
    await page.keyboard.press('+');
    await page.waitForFunction((c) => window.sonomap.spriteStream.checks > c, checks, {
      timeout: 10000,
    });
  }
  throw new Error('never zoomed in far enough to stream tiles');
}

/** Waits until every sheet asked for has come or failed. */
async function settled(page) {
  await page.waitForFunction(
    () => {
      const s = window.sonomap.spriteStream;
      return s.requested.length && s.pending === 0;
    },
    null,
    { timeout: 20000 },
  );
  await page.waitForTimeout(300);
}

/** The rows whose centres are in the map canvas now, by the page's own screen positions. */
function onScreen(page) {
  return page.evaluate(() => {
    const r = document.getElementById('map').getBoundingClientRect();
    const s = window.sonomap,
      out = [];
    for (let i = 0; i < s.count; i++) {
      const p = s.screenPoint(i);
      if (p && p.x >= r.left && p.x <= r.right && p.y >= r.top && p.y <= r.bottom) out.push(i);
    }
    return out;
  });
}

test('a 100,000-row map: points, the sheets of what is on screen, points again', async () => {
  const { page, errors, requests } = await openPage(session.context, `${session.url}?dataset=big/`);
  await page.waitForFunction((n) => window.sonomap?.count === n && !window.sonomap.busy, N, {
    timeout: 60000,
  });
  await page.mouse.move(2, 400);
  const s0 = await stream(page);
  assert.ok(s0.on && s0.pointsMode, 'opened in points mode with streamed sheets');
  const sheetRequests = () => requests.filter((u) => u.includes('/sprite-cells/'));
  await page.waitForTimeout(500);
  assert.deepEqual(sheetRequests(), [], 'no sheet is fetched for the whole map');

  const presses = await zoomIn(page);
  await settled(page);
  const s1 = await stream(page);
  const cfg = JSON.parse(fs.readFileSync(path.join(big, 'config.json'), 'utf8'));
  const sheets = cfg.sprite.cells.sheets;
  const { data: index } = npyDecode(fs.readFileSync(path.join(big, 'sprite-index.npy')));
  const visible = await onScreen(page);
  assert.ok(visible.length > 0 && visible.length <= 3000, `${visible.length} points on screen`);
  const needed = new Set(visible.map((i) => sheets[index[2 * i]].file));
  const asked = new Set(sheetRequests().map((u) => new URL(u).pathname.replace(/^\/big\//, '')));
  assert.deepEqual([...asked].sort(), [...needed].sort(), 'exactly the sheets of on-screen points');
  // (the browser may list a request twice: the page's and the service worker's)
  assert.equal(new Set(s1.requested).size, s1.requested.length, 'each sheet asked for once');
  assert.deepEqual(new Set(s1.requested), needed);
  assert.ok(needed.size < sheets.length / 4, `${needed.size} of ${sheets.length} sheets`);
  assert.deepEqual(s1.failed, []);
  assert.ok(s1.tilesShown > 0, 'tiles drawn over the points');

  // The topmost tile (drawn last, nothing drawn after it nearby, away from the edges) shows
  // that row's own tile at the row's place.
  const rect = await page.evaluate(() => {
    const r = document.getElementById('map').getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width, height: r.height };
  });
  const size = s1.tileSize;
  const pos = await page.evaluate(
    (rows) => rows.map((i) => window.sonomap.screenPoint(i)),
    s1.drawn,
  );
  let pick = -1;
  for (let j = s1.drawn.length - 1; j >= 0 && pick < 0; j--) {
    const p = pos[j];
    if (!p) continue;
    const x = p.x - rect.left,
      y = p.y - rect.top;
    if (x < size || y < 90 || x > rect.width - size || y > rect.height - size) continue;
    const covered = pos
      .slice(j + 1)
      .some((q) => q && Math.abs(q.x - p.x) < size && Math.abs(q.y - p.y) < size);
    if (!covered) pick = j;
  }
  assert.ok(pick >= 0, 'a tile on top of the others');
  const row = s1.drawn[pick];
  const c = { x: Math.round(pos[pick].x - rect.left), y: Math.round(pos[pick].y - rect.top) };
  const px = await page.evaluate((a) => window.sonomap.mapPixels(a.x - 1, a.y - 1, 3, 3), c);
  const tile = rowTile(row, TILE);
  const body = [tile[0], tile[1], tile[2]];
  const near = (k, rgb) => rgb.every((v, m) => Math.abs(px[k + m] - v) <= 40);
  let hits = 0;
  for (let k = 0; k < px.length; k += 4) if (near(k, body) || near(k, [255, 255, 255])) hits++;
  assert.ok(hits >= 5, `row ${row}'s tile at its place (${hits} of 9 px: ${px.slice(0, 12)})`);

  // zoomed out: the tiles and their texture go, the map is points again
  await page.keyboard.press('0');
  await page.waitForFunction(() => window.sonomap.spriteStream.visible === -1, null, {
    timeout: 10000,
  });
  const s2 = await stream(page);
  assert.deepEqual(s2.resident, []);
  assert.equal(s2.tiles, 0);

  // a sheet that has gone: named in the notice, the others load, the rest goes on
  const gone = [...needed][0];
  fs.rmSync(path.join(big, gone));
  await page.waitForTimeout(800); // the fit eases in
  const before = sheetRequests().length;
  for (let k = 0; k < presses; k++) await page.keyboard.press('+');
  await page.waitForFunction(
    (b) => window.sonomap.spriteStream.requested.length > b,
    before > 0 ? s1.requested.length : 0,
    { timeout: 10000 },
  );
  await settled(page);
  const s3 = await stream(page);
  assert.ok(
    s3.failed.some((f) => f.includes(gone)),
    `the missing sheet is named: ${s3.failed}`,
  );
  assert.ok(s3.resident.length >= 1 || needed.size === 1, 'the other sheets load');
  const notice = await page.locator('#view-notice').textContent();
  assert.match(notice, new RegExp(gone.replace('.', '\\.')));
  assert.ok(await page.locator('#view-notice').isVisible());
  assert.deepEqual(
    errors.filter((e) => !/404|Failed to load resource/.test(e)),
    [],
  );
  await page.close();
});

test('<sono-map> opens the same compact 100,000-row folder', async () => {
  fs.writeFileSync(
    path.join(session.root, 'embed-big.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">' +
      '<script type="module" src="sono-map.js"></script><sono-map src="big/" height="400px"></sono-map>',
  );
  const { page, errors } = await openPage(session.context, `${session.url}embed-big.html`);
  await page.waitForFunction(
    () => document.querySelector('sono-map')?.sonomap?.state === 'ready',
    null,
    { timeout: 60000 },
  );
  const s = await page.evaluate(() => {
    const m = document.querySelector('sono-map').sonomap;
    return { count: m.count, first: m.items[0], last: m.items.at(-1), dims: m.dims };
  });
  assert.equal(s.count, N);
  assert.equal(s.first.file, 'blob-0/row-0.wav');
  assert.equal(s.last.file, `blob-${(N - 1) % 24}/row-${N - 1}.wav`);
  assert.equal(s.dims, 2);
  assert.deepEqual(
    errors.filter((e) => !/404|Failed to load resource/.test(e)),
    [],
  );
  await page.close();
});
