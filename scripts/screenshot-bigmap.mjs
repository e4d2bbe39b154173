// screenshot-bigmap.mjs — the README's picture of a big map zoomed in (docs/bigmap.png): 100,000
// rows (tests/fixtures/bigmap.mjs: 24 blobs, UMAP fitted on 5,000 and the rest placed), each
// blob's rows drawn with the real log-mel tile of one of the 24 browser test sounds (analysed
// here by the CLI), opened in Debian's Chromium, zoomed in until the sheets of what is on screen
// stream in. Also prints the load time and the sheets fetched.
// usage: node scripts/screenshot-bigmap.mjs [out.png]   (after make and make fixtures)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copySite, launch, serve } from '../tests/browser/harness.mjs';
import { makeBigMap } from '../tests/fixtures/bigmap.mjs';
import { decodePng } from '../tests/node/png-decode.mjs';

const outPng = process.argv[2] ?? 'docs/bigmap.png';
const TILE = 32;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-bigshot-'));
const sounds = path.join(tmp, 'sounds');
const r = spawnSync(
  process.execPath,
  [
    'dist/sonomap.mjs',
    'analyze',
    ...['tones', 'sweeps', 'plucks'].map((d) => `build/fixtures/browser/${d}`),
    '--features',
    'fingerprint',
    '--tile',
    String(TILE),
    '--out',
    sounds,
    '--quiet',
  ],
  { encoding: 'utf8' },
);
if (r.status !== 0) throw new Error(r.stderr);
const cfg = JSON.parse(fs.readFileSync(path.join(sounds, 'config.json'), 'utf8'));
const sheet = decodePng(fs.readFileSync(path.join(sounds, cfg.sprite.file)));
const tiles = Array.from({ length: cfg.count }, (_, k) => {
  const t = new Uint8Array(TILE * TILE * 4);
  const x0 = (k % cfg.sprite.cols) * TILE,
    y0 = Math.floor(k / cfg.sprite.cols) * TILE;
  for (let y = 0; y < TILE; y++)
    t.set(
      sheet.px.subarray(((y0 + y) * sheet.w + x0) * 4, ((y0 + y) * sheet.w + x0 + TILE) * 4),
      y * TILE * 4,
    );
  return t;
});

const site = copySite('bigshot');
await makeBigMap(path.join(site, 'big'), {
  n: 100000,
  tile: TILE,
  projection: 'umap',
  tileOf: (i) => tiles[(i % 24) % tiles.length],
});
const server = await serve(site);
const browser = await launch({ viewport: { width: 1000, height: 580 } });
const page = await browser.context.newPage();
const t0 = Date.now();
await page.goto(`${server.url}?dataset=big/`);
await page.waitForFunction(() => window.sonomap?.count > 0 && !window.sonomap.busy, null, {
  timeout: 120000,
});
console.log(`loaded 100,000 rows in ${Date.now() - t0} ms`);
// zoom about one sound (wheel at its place) until a few hundred are on screen
const at = () => page.evaluate(() => window.sonomap.screenPoint(12));
for (let k = 0; k < 40; k++) {
  const s = await page.evaluate(() => window.sonomap.spriteStream);
  if (s.visible > 0 && s.visible < 400) break;
  const p = await at();
  await page.mouse.move(p.x, p.y);
  await page.mouse.wheel(0, -250);
  await page.waitForTimeout(300);
}
await page.waitForFunction(
  () => {
    const s = window.sonomap.spriteStream;
    return s.requested.length && s.pending === 0;
  },
  null,
  { timeout: 30000 },
);
// hover one sound: its tile grows and the tooltip names it
const p = await at();
await page.mouse.move(p.x, p.y);
await page.waitForTimeout(800);
const s = await page.evaluate(() => window.sonomap.spriteStream);
console.log(`${s.visible} points on screen, ${s.requested.length} sheets fetched`);
// the map and the status line (the side column left out, to keep the picture small)
const box = await page.locator('#map').boundingBox();
await page.screenshot({
  path: outPng,
  clip: { x: 0, y: 0, width: box.x + box.width, height: 580 },
});
console.log(`wrote ${outPng} (${fs.statSync(outPng).size} bytes)`);
await browser.close();
server.close();
fs.rmSync(site, { recursive: true, force: true });
fs.rmSync(tmp, { recursive: true, force: true });
