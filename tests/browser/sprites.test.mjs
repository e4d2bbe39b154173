// sprites.test.mjs — sprite sheets split at the texture limit (analyze --sheet-size) instead of
// smaller tiles: the same sounds written once in one sheet and once in two (with the atlas
// mapping in projections.json) draw the same map, pixel for pixel, in the page's viewer and in
// <sono-map>; the grid sprite sheet holds every tile in its grid cell.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copySite, launch, openPage, serve, waitStatus } from './harness.mjs';

let server, chromium, site;
const cli = (args) => {
  const r = spawnSync(process.execPath, ['dist/sonomap.mjs', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
};

before(async () => {
  site = copySite('sprites');
  const common = [
    'analyze',
    ...['tones', 'sweeps', 'plucks'].map((d) => `build/fixtures/browser/${d}`),
  ];
  const more = ['--features', 'fingerprint', '--tile', '64', '--quiet'];
  cli([...common, '--out', path.join(site, 'one'), ...more]);
  cli([
    ...common,
    '--out',
    path.join(site, 'two'),
    ...more,
    '--sheet-size',
    '256',
    '--grid-sprite',
  ]);
  server = await serve(site);
  chromium = await launch({ viewport: { width: 900, height: 640 } });
});

after(async () => {
  await chromium?.close();
  server?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

test('the CLI splits the sheets and records where each tile is', () => {
  const cfg = JSON.parse(fs.readFileSync(path.join(site, 'two/config.json'), 'utf8'));
  const md = JSON.parse(fs.readFileSync(path.join(site, 'two/projections.json'), 'utf8')).metadata;
  // 256 px sheets hold 4 x 4 tiles of 64 px: 24 sounds take two
  assert.deepEqual(
    cfg.sprite.sheets.map((s) => [s.file, s.count]),
    [
      ['sprite-0.png', 16],
      ['sprite-1.png', 8],
    ],
  );
  assert.equal(cfg.sprite.tile, 64, 'tiles keep their size');
  assert.deepEqual(md.sprite_sheet, [...Array(16).fill(0), ...Array(8).fill(1)]);
  assert.deepEqual(md.sprite_cell, [...Array(16).keys(), ...Array(8).keys()]);
  for (const [f, side] of [
    ['sprite-0.png', 256],
    ['sprite-1.png', 192],
  ]) {
    const png = fs.readFileSync(path.join(site, 'two', f));
    assert.equal(png.readUInt32BE(16), side, `${f} width`);
  }
  const one = JSON.parse(fs.readFileSync(path.join(site, 'one/config.json'), 'utf8'));
  assert.equal(one.sprite.sheets, undefined, 'one sheet when it fits');
  assert.equal(cfg.gridSprite.file, 'grid-sprite.png');
  const grid = fs.readFileSync(path.join(site, 'two', 'grid-sprite.png'));
  assert.equal(grid.readUInt32BE(16), cfg.gridSprite.cols * cfg.gridSprite.tile);
  assert.equal(grid.readUInt32BE(20), cfg.gridSprite.rows * cfg.gridSprite.tile);
});

/** A screenshot of the map of dataset `name`, in the viewer or in a <sono-map>. */
async function shot(page, url, ready) {
  await page.goto(url);
  await ready();
  await page.mouse.move(1, 1);
  await page.waitForTimeout(500);
  // the map below the page's top bar (whose status line names the folder)
  const b = await page.locator('canvas').first().boundingBox();
  const top = await page.evaluate(
    () => document.querySelector('header')?.getBoundingClientRect().bottom ?? 0,
  );
  const y = Math.max(b.y, top) + 2;
  return page.screenshot({ clip: { x: b.x, y, width: b.width, height: b.y + b.height - y } });
}

test('two sheets draw the map one sheet draws: the viewer and <sono-map>', async () => {
  const { page, errors } = await openPage(chromium.context, 'about:blank');
  const viewer = (name) =>
    shot(page, `${server.url}?dataset=${name}/`, () =>
      waitStatus(page, new RegExp(`Mapped 24 sounds · loaded from ${name}/`)),
    );
  const a = await viewer('one');
  const b = await viewer('two');
  assert.doesNotMatch(await page.locator('#status').textContent(), /no sprite/);
  assert.ok(a.equals(b), 'the viewer draws both the same');
  fs.writeFileSync(
    path.join(site, 'pair.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">' +
      '<script type="module" src="sono-map.js"></script><sono-map height="400px"></sono-map>',
  );
  const element = async (name) => {
    await page.goto(`${server.url}pair.html`);
    await page.evaluate(
      (n) => document.querySelector('sono-map').setAttribute('src', `${n}/`),
      name,
    );
    await page.waitForFunction(() => document.querySelector('sono-map').sonomap.state === 'ready');
    await page.waitForTimeout(500);
    return page.locator('sono-map').screenshot();
  };
  const c = await element('one');
  const d = await element('two');
  assert.ok(c.equals(d), '<sono-map> draws both the same');
  assert.deepEqual(errors, []);
  await page.close();
});
