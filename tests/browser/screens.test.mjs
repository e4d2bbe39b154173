// screens.test.mjs — colour, the tooltip and the page on any screen, in Debian's Chromium, on a
// dataset the CLI writes from the fixture sounds (one folder and one file named with markup):
//  1. 1280 × 720: no control of the top bar overlaps another or is cut off; the six descriptor
//     colour modes change the map's pixels and the legend bar shows the values' range; legend
//     classes switch off one by one (they stop playing on hover and leave the search counts)
//     and "only" shows one class; the tooltip shows name, folder, label, tags, the descriptors
//     and the tile enlarged, markup in names as text.
//  2. a phone (390 × 844, touch): the map takes most of the screen, the menu opens and closes,
//     the panels open as a sheet and close; a tap plays, a long press selects, a pinch zooms,
//     two fingers pan. Screenshots in tests/out/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copySite, launch, openPage, serve, visiblePoints, waitStatus } from './harness.mjs';

const ROOT = process.cwd();
const FIX = path.join(ROOT, 'build/fixtures/browser');
const OUTDIR = path.join(ROOT, 'tests/out');
const ODD_DIR = '<b class=x>odd';
const ODD_FILE = '<img src=x onerror=window.__pwned=1>.wav';
let server, site, count;

before(() => {
  assert.ok(fs.existsSync(path.join(ROOT, 'dist/index.html')), 'dist/ is built (make)');
  assert.ok(fs.existsSync(FIX), 'fixtures are made (make fixtures)');
  fs.mkdirSync(OUTDIR, { recursive: true });
  site = copySite('screens');
  const sounds = path.join(site, 'sounds');
  for (const sub of ['tones', 'noise', 'plucks', 'sweeps', 'clicks'])
    fs.cpSync(path.join(FIX, sub), path.join(sounds, sub), { recursive: true });
  fs.mkdirSync(path.join(sounds, ODD_DIR));
  fs.renameSync(path.join(sounds, 'tones/sine-110.wav'), path.join(sounds, ODD_DIR, ODD_FILE));
  fs.renameSync(
    path.join(sounds, 'tones/sine-220.wav'),
    path.join(sounds, ODD_DIR, 'sine-220.wav'),
  );
  const r = spawnSync(
    process.execPath,
    ['dist/sonomap.mjs', 'analyze', sounds, '--out', path.join(site, 'ds'), '--labels', 'folder'],
    { encoding: 'utf8', timeout: 180000 },
  );
  assert.equal(r.status, 0, `the CLI made a dataset: ${r.stderr}`);
  count = JSON.parse(fs.readFileSync(path.join(site, 'ds/config.json'), 'utf8')).count;
  assert.equal(count, 40);
});

after(() => {
  server?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

const S = (page, fn, arg) => page.evaluate(fn, arg);

async function openMap(context) {
  server ??= await serve(site);
  const opened = await openPage(context, `${server.url}?dataset=ds/`);
  await waitStatus(opened.page, /^Mapped/, 60000);
  await opened.page.waitForTimeout(500); // the map settles into its fitted view
  return opened;
}

/** The share of pixels (of every 4th, in each direction) that differ by more than 40 in some
 *  channel between two PNG screenshots of the same size, decoded in the page. */
function pixelDiff(page, a, b) {
  return S(
    page,
    async ([x, y]) => {
      const load = async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        return g.getImageData(0, 0, c.width, c.height);
      };
      const [p, q] = [await load(x), await load(y)];
      let diff = 0,
        all = 0;
      for (let r = 0; r < p.height; r += 4)
        for (let c = 0; c < p.width; c += 4) {
          const k = 4 * (r * p.width + c);
          all++;
          if (Math.max(...[0, 1, 2].map((j) => Math.abs(p.data[k + j] - q.data[k + j]))) > 40)
            diff++;
        }
      return diff / all;
    },
    [a.toString('base64'), b.toString('base64')],
  );
}

async function mapShot(page) {
  await page.mouse.move(2, 715);
  await page.waitForTimeout(250);
  const box = await page.locator('#map').boundingBox();
  return page.screenshot({ clip: box });
}

test('1280 × 720: the top bar fits, descriptor colours, class toggles, only, the tooltip', async () => {
  const b = await launch({ viewport: { width: 1280, height: 720 } });
  try {
    const { page, errors } = await openMap(b.context);

    // every visible control of the top bar inside the window, none over another
    const boxes = await S(page, () => {
      const out = [];
      const bar = document.querySelector('.topbar');
      for (const e of bar.querySelectorAll('button, select, input, .search, #status, .brand')) {
        if (e.closest('.search') && e !== e.closest('.search')) continue; // inside the search box
        const r = e.getBoundingClientRect();
        if (!e.checkVisibility() || r.width === 0) continue;
        out.push({ id: e.id || e.className, l: r.left, t: r.top, r: r.right, b: r.bottom });
      }
      const side = document.getElementById('side').getBoundingClientRect();
      return { out, barBottom: bar.getBoundingClientRect().bottom, sideTop: side.top };
    });
    assert.ok(boxes.out.length >= 12, `the controls are there (${boxes.out.length})`);
    for (const x of boxes.out)
      assert.ok(x.l >= 0 && x.r <= 1280 && x.t >= 0 && x.b <= 720, `${x.id} is inside the window`);
    for (let i = 0; i < boxes.out.length; i++)
      for (let j = i + 1; j < boxes.out.length; j++) {
        const [p, q] = [boxes.out[i], boxes.out[j]];
        const overlap =
          Math.min(p.r, q.r) - Math.max(p.l, q.l) > 0.5 &&
          Math.min(p.b, q.b) - Math.max(p.t, q.t) > 0.5;
        assert.ok(!overlap, `${p.id} and ${q.id} do not overlap`);
      }
    assert.ok(boxes.sideTop >= boxes.barBottom - 0.5, 'the side column starts below the top bar');
    await page.screenshot({ path: path.join(OUTDIR, 'screens-1280x720.png') });

    // colour modes: the six descriptors, each changing the map's pixels
    const modes = await S(page, () => window.sonomap.colorModes);
    const six = ['centroid', 'rolloff', 'bandwidth', 'rms', 'zcr', 'duration'];
    for (const k of six) assert.ok(modes.includes(k), `colour mode ${k}`);
    const items = await S(page, () => window.sonomap.items);
    assert.ok(items.every((it) => six.every((k) => Number.isFinite(it.descriptors[k]))));
    const byLabel = await mapShot(page);
    await page.selectOption('#color-by', 'centroid');
    const byCentroid = await mapShot(page);
    await page.selectOption('#color-by', 'duration');
    const byDuration = await mapShot(page);
    const d1 = await pixelDiff(page, byLabel, byCentroid);
    const d2 = await pixelDiff(page, byCentroid, byDuration);
    console.log(
      `# pixels changed: label → centroid ${(100 * d1).toFixed(2)} %, centroid → duration ${(100 * d2).toFixed(2)} %`,
    );
    assert.ok(d1 > 0.003, `centroid colours differ from label colours (${d1})`);
    assert.ok(d2 > 0.003, `duration colours differ from centroid colours (${d2})`);
    // the legend bar names the range of the values
    for (const k of six) {
      await page.selectOption('#color-by', k);
      const sc = await S(page, () => window.sonomap.colorScale);
      const vals = items.map((it) => it.descriptors[k]);
      assert.equal(sc.key, k);
      assert.ok(Math.abs(sc.min - Math.min(...vals)) < 1e-6, `${k}: min is the smallest value`);
      assert.ok(Math.abs(sc.max - Math.max(...vals)) < 1e-6, `${k}: max is the largest value`);
      assert.ok(sc.max > sc.min, `${k} varies`);
      const ticks = await page.locator('#legend .scale-ticks span').allTextContents();
      assert.equal(ticks[0], sc.ticks[0]);
      assert.equal(ticks.at(-1), sc.ticks.at(-1));
      assert.ok(await page.locator('#legend .scale-bar').isVisible(), `${k}: the colour bar`);
    }
    await page.selectOption('#color-by', 'centroid');
    assert.match(await page.locator('#legend').textContent(), /spectral centroid.*\d+ Hz.*k?Hz/);
    await page.mouse.move(2, 715);
    await page.screenshot({ path: path.join(OUTDIR, 'screens-colour.png') });

    // classes switch off one by one: they fade, leave hover and the search counts
    await page.selectOption('#color-by', 'label');
    const names = await S(page, () => window.sonomap.legendNames);
    const noise = names.indexOf('noise');
    assert.ok(noise >= 0);
    await page.locator('#legend li .legend-toggle').nth(noise).click();
    assert.deepEqual(await S(page, () => window.sonomap.hiddenClasses), ['noise']);
    const nNoise = items.filter((it) => it.label === 'noise').length;
    assert.equal(
      await page.locator('#search-count').textContent(),
      `${count - nNoise} of ${count}`,
    );
    await page.fill('#search', 'white');
    assert.equal(await page.locator('#search-count').textContent(), `0 of ${count}`);
    await page.fill('#search', '');
    // hovering a hidden point neither plays nor shows it
    const seen = await visiblePoints(page);
    const hidden = seen.filter((i) => items[i].label === 'noise');
    const shown = seen.filter((i) => items[i].label !== 'noise');
    assert.ok(hidden.length && shown.length, 'points of both kinds on the map');
    let plays = await S(page, () => window.sonomap.plays);
    for (const i of hidden.slice(0, 4)) {
      const p = await S(page, (k) => window.sonomap.screenPoint(k), i);
      await page.mouse.move(5, 5); // off the map, then straight onto the point
      await page.mouse.move(p.x, p.y);
      await page.waitForTimeout(150);
      assert.equal(await S(page, () => window.sonomap.plays), plays, 'a hidden point is silent');
      assert.ok(await page.locator('#tooltip').isHidden(), 'and has no tooltip');
    }
    const q = await S(page, (k) => window.sonomap.screenPoint(k), shown[0]);
    await page.mouse.move(q.x, q.y, { steps: 3 });
    await page.waitForFunction((n) => window.sonomap.plays > n, plays, { timeout: 5000 });
    plays = await S(page, () => window.sonomap.plays);
    // the arrow keys step over hidden points
    await page.focus('#map');
    const stepped = [];
    for (const key of ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp'])
      for (let r = 0; r < 4; r++) {
        await page.keyboard.press(key);
        stepped.push(await S(page, () => window.sonomap.lastPlayed?.index ?? -1));
      }
    assert.ok(
      stepped.some((i) => i >= 0),
      'the keys move between sounds',
    );
    assert.ok(
      stepped.every((i) => i < 0 || items[i].label !== 'noise'),
      'and never to a hidden one',
    );
    await page.keyboard.press('Escape');
    // a second class off, then both on again
    const clicks = names.indexOf('clicks');
    await page.locator('#legend li .legend-toggle').nth(clicks).click();
    assert.deepEqual((await S(page, () => window.sonomap.hiddenClasses)).sort(), [
      'clicks',
      'noise',
    ]);
    await page.mouse.move(2, 715);
    await page.screenshot({ path: path.join(OUTDIR, 'screens-hidden.png') });
    await page.locator('#legend .legend-all').click();
    assert.deepEqual(await S(page, () => window.sonomap.hiddenClasses), []);
    assert.equal(await page.locator('#search-count').textContent(), '');
    // only this class
    await page.locator('#legend li .legend-only').nth(clicks).click();
    assert.equal(await S(page, () => window.sonomap.onlyClass), 'clicks');
    const nClicks = items.filter((it) => it.label === 'clicks').length;
    assert.equal(await page.locator('#search-count').textContent(), `${nClicks} of ${count}`);
    assert.equal((await S(page, () => window.sonomap.hiddenClasses)).length, names.length - 1);
    await page.locator('#legend li .legend-only').nth(clicks).click();
    assert.equal(await S(page, () => window.sonomap.onlyClass), null);
    assert.equal(await page.locator('#search-count').textContent(), '');
    // the legend shows a label with markup as text
    assert.ok(names.includes(ODD_DIR), 'the odd folder is a label');
    assert.equal(await page.locator('#legend b').count(), 0, 'no markup from labels');

    // the tooltip: name, folder, label, tags, the six descriptors, the tile enlarged
    const odd = items.findIndex((it) => it.file.endsWith(ODD_FILE));
    const pick = seen.includes(odd) ? odd : seen[0];
    const p = await S(page, (k) => window.sonomap.screenPoint(k), pick);
    await page.mouse.move(p.x + 40, p.y + 40);
    await page.mouse.move(p.x, p.y, { steps: 3 });
    await page.waitForFunction(
      (k) => document.getElementById('tooltip').dataset.index === String(k),
      pick,
      { timeout: 5000 },
    );
    const it = items[pick];
    const tip = await S(page, () => {
      const t = document.getElementById('tooltip');
      const c = t.querySelector('canvas.tt-tile');
      let spread = 0;
      if (c) {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let lo = 255,
          hi = 0;
        for (let k = 0; k < d.length; k += 4) {
          lo = Math.min(lo, d[k]);
          hi = Math.max(hi, d[k]);
        }
        spread = hi - lo;
      }
      return {
        name: t.querySelector('.tt-name')?.textContent,
        dir: t.querySelector('.tt-dir')?.textContent,
        label: t.querySelector('.tt-label')?.textContent,
        tags: Array.from(t.querySelectorAll('.tt-tags li'), (e) => e.textContent),
        desc: Array.from(t.querySelectorAll('.tt-desc dt'), (e) => e.textContent),
        values: Array.from(t.querySelectorAll('.tt-desc dd'), (e) => e.textContent),
        tile: c ? c.getBoundingClientRect().width : 0,
        spread,
        markup: t.querySelectorAll('img, b').length,
      };
    });
    assert.equal(tip.name, it.file.split('/').pop());
    assert.equal(tip.dir, it.file.split('/').slice(0, -1).join('/'));
    assert.equal(tip.label, it.label);
    assert.ok(tip.tags.length >= 1, 'top tags');
    assert.ok(tip.tags[0].startsWith(it.tags[0].name), 'the top tag first');
    assert.deepEqual(tip.desc, ['centroid', 'roll-off', 'bandwidth', 'RMS', 'ZCR', 'duration']);
    assert.match(tip.values[0], /^\d+(\.\d)? k?Hz$/);
    assert.match(tip.values[3], /^−?\d+ dBFS$/);
    assert.ok(tip.tile >= 96, `the tile is shown large (${tip.tile} px)`);
    assert.ok(tip.spread > 20, 'the tile is a picture, not a blank');
    if (pick === odd) {
      assert.equal(tip.name, ODD_FILE, 'markup in a file name is shown as text');
      assert.equal(tip.markup, 0);
    }
    assert.equal(await S(page, () => window.__pwned), undefined, 'no markup ran');
    await page.screenshot({ path: path.join(OUTDIR, 'screens-tooltip.png') });
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
  }
});

/** CDP touches: points [{x, y, id}] → touchStart / touchMove / touchEnd. */
const touch = (cdp, type, touchPoints) =>
  cdp.send('Input.dispatchTouchEvent', { type, touchPoints });

test('a phone: the map fills the screen, menu and sheet open and close, tap, long press, pinch, pan', async () => {
  const b = await launch({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  try {
    const { page, errors } = await openMap(b.context);
    const cdp = await page.context().newCDPSession(page);
    const geo = await S(page, () => {
      const m = document.getElementById('map').getBoundingClientRect();
      const bar = document.querySelector('.topbar').getBoundingClientRect();
      return { mapW: m.width, mapH: m.height, bar: bar.height, vw: innerWidth, vh: innerHeight };
    });
    const free = (geo.mapW * (geo.mapH - geo.bar)) / (geo.vw * geo.vh);
    assert.ok(free > 0.8, `the map takes most of the screen (${(100 * free).toFixed(0)} %)`);
    assert.ok(geo.bar < 0.12 * geo.vh, `a slim top bar (${geo.bar} px)`);
    assert.equal(await page.locator('#search').isVisible(), false, 'the controls are folded away');
    assert.equal(await page.locator('#color-by').isVisible(), false, 'the sheet is closed');
    await page.screenshot({ path: path.join(OUTDIR, 'screens-phone.png') });

    // the menu opens and closes
    await page.tap('#menu-button');
    assert.ok(await page.locator('#search').isVisible(), 'the menu shows the search box');
    assert.ok(await page.locator('#projection').isVisible(), 'and the layout');
    assert.equal(await page.locator('#menu-button').getAttribute('aria-expanded'), 'true');
    const inMenu = await S(page, () =>
      Array.from(document.querySelectorAll('#tools button, #tools select, #tools .search'), (e) => {
        const r = e.getBoundingClientRect();
        return r.left >= 0 && r.right <= innerWidth + 0.5;
      }),
    );
    assert.ok(inMenu.every(Boolean), 'every control fits the screen');
    await page.screenshot({ path: path.join(OUTDIR, 'screens-phone-menu.png') });
    await page.tap('#menu-button');
    assert.equal(await page.locator('#search').isVisible(), false, 'the menu closes');
    // a choice made in it closes it too
    await page.tap('#menu-button');
    await page.tap('#fit');
    assert.equal(await page.locator('#search').isVisible(), false, 'a choice closes the menu');

    // the panels open as a sheet from the bottom and close
    await page.tap('#panels-button');
    await page.waitForTimeout(350);
    assert.ok(await page.locator('#color-by').isVisible(), 'the sheet shows the colour panel');
    const sheet = await page.locator('#side').boundingBox();
    assert.ok(
      Math.abs(sheet.y + sheet.height - geo.vh) < 2 && sheet.width > 0.95 * geo.vw,
      'a bottom sheet',
    );
    await page.screenshot({ path: path.join(OUTDIR, 'screens-phone-sheet.png') });
    await page.tap('#side-close');
    await page.waitForTimeout(350);
    assert.equal(await page.locator('#color-by').isVisible(), false, 'the sheet closes');
    // and a swipe down on its head closes it too
    await page.tap('#panels-button');
    await page.waitForTimeout(350);
    const head = await page.locator('#side .sheet-head').boundingBox();
    const hx = head.x + head.width / 3,
      hy = head.y + head.height / 2;
    await touch(cdp, 'touchStart', [{ x: hx, y: hy, id: 3 }]);
    for (let s = 1; s <= 5; s++) await touch(cdp, 'touchMove', [{ x: hx, y: hy + 20 * s, id: 3 }]);
    await touch(cdp, 'touchEnd', []);
    await page.waitForTimeout(350);
    assert.equal(
      await page.locator('#color-by').isVisible(),
      false,
      'a swipe down closes the sheet',
    );

    // a tap plays the point under it and shows its card
    const seen = await visiblePoints(page);
    assert.ok(seen.length > 5);
    const i = seen[Math.floor(seen.length / 2)];
    const p = await S(page, (k) => window.sonomap.screenPoint(k), i);
    const plays = await S(page, () => window.sonomap.plays);
    await page.touchscreen.tap(p.x, p.y);
    await page.waitForFunction((n) => window.sonomap.plays > n, plays, { timeout: 5000 });
    const played = await S(page, () => window.sonomap.lastPlayed.index);
    const pp = await S(page, (k) => window.sonomap.screenPoint(k), played);
    assert.ok(Math.hypot(pp.x - p.x, pp.y - p.y) < 30, 'the tapped point plays');
    assert.ok(await page.locator('#tooltip').isVisible(), 'its card shows');
    const tt = await page.locator('#tooltip').boundingBox();
    assert.ok(
      tt.y + tt.height <= geo.vh && tt.x >= 0 && tt.x + tt.width <= geo.vw,
      'docked on screen',
    );
    await page.screenshot({ path: path.join(OUTDIR, 'screens-phone-tap.png') });

    // a long press selects (and another takes it out again)
    const longPress = async (x, y) => {
      await touch(cdp, 'touchStart', [{ x, y, id: 1 }]);
      await page.waitForTimeout(700);
      await touch(cdp, 'touchEnd', []);
    };
    await longPress(p.x, p.y);
    await page.waitForFunction(() => window.sonomap.selection.length === 1, null, {
      timeout: 3000,
    });
    assert.deepEqual(await S(page, () => window.sonomap.selection), [played]);
    const j = seen.find((k) => k !== played);
    const pj = await S(page, (k) => window.sonomap.screenPoint(k), j);
    await longPress(pj.x, pj.y);
    await page.waitForFunction(() => window.sonomap.selection.length === 2, null, {
      timeout: 3000,
    });
    await longPress(p.x, p.y);
    await page.waitForFunction(() => window.sonomap.selection.length === 1, null, {
      timeout: 3000,
    });
    assert.notEqual((await S(page, () => window.sonomap.selection))[0], played);

    // pinch zooms about the fingers
    const z0 = await S(page, () => window.sonomap.zoom);
    const cx = geo.vw / 2,
      cy = geo.vh / 2;
    await touch(cdp, 'touchStart', [
      { x: cx - 40, y: cy, id: 1 },
      { x: cx + 40, y: cy, id: 2 },
    ]);
    for (let s = 1; s <= 8; s++)
      await touch(cdp, 'touchMove', [
        { x: cx - 40 - 12 * s, y: cy, id: 1 },
        { x: cx + 40 + 12 * s, y: cy, id: 2 },
      ]);
    await touch(cdp, 'touchEnd', []);
    const z1 = await S(page, () => window.sonomap.zoom);
    assert.ok(z1 > z0 * 1.8, `pinching out zooms in (${z0.toFixed(2)} → ${z1.toFixed(2)})`);

    // two fingers pan
    const k = (await visiblePoints(page))[0];
    const a = await S(page, (n) => window.sonomap.screenPoint(n), k);
    await touch(cdp, 'touchStart', [
      { x: cx - 50, y: cy, id: 1 },
      { x: cx + 50, y: cy, id: 2 },
    ]);
    for (let s = 1; s <= 6; s++)
      await touch(cdp, 'touchMove', [
        { x: cx - 50 + 10 * s, y: cy + 8 * s, id: 1 },
        { x: cx + 50 + 10 * s, y: cy + 8 * s, id: 2 },
      ]);
    await touch(cdp, 'touchEnd', []);
    const a2 = await S(page, (n) => window.sonomap.screenPoint(n), k);
    assert.ok(
      Math.abs(a2.x - a.x - 60) < 4 && Math.abs(a2.y - a.y - 48) < 4,
      `two fingers pan (${a2.x - a.x}, ${a2.y - a.y})`,
    );
    assert.ok(Math.abs((await S(page, () => window.sonomap.zoom)) - z1) < 1e-6, 'without zooming');
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
  }
});
