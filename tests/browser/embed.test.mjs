// embed.test.mjs — <sono-map> (dist/sono-map.js) and dist/embed.html in Debian's Chromium:
//  1. dist/embed-demo.html, a course page with two maps side by side in running text: both are
//     drawn (different layouts of the same folder), sized by their containers, hovering a point
//     in each plays it, and the page has made one AudioContext for both.
//  2. embed.html?dataset=… inside an iframe of another page: the map fills the frame and plays.
//  3. Bad src: a missing folder and one on another origin give a clear message in the element;
//     nothing is fetched from another origin; labels with markup stay text.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copySite, launch, openPage, serve } from './harness.mjs';

const FIX = path.resolve('build/fixtures/browser');
const OUTDIR = path.resolve('tests/out');
let server, chromium, site;

// Counts the AudioContexts a page makes (one per page is the point of sharing).
const COUNT_CONTEXTS = () => {
  const AC = window.AudioContext;
  window.__contexts = 0;
  window.AudioContext = class extends AC {
    constructor(...a) {
      super(...a);
      window.__contexts++;
    }
  };
};

before(async () => {
  assert.ok(fs.existsSync('dist/sono-map.js'), 'dist/sono-map.js is built (make)');
  fs.mkdirSync(OUTDIR, { recursive: true });
  site = copySite('embed');
  // The folder the course page embeds (demo/), made by the CLI from the fixtures, one label
  // carrying markup that must stay text.
  const csv = path.join(site, 'labels.csv');
  const files = ['tones', 'plucks', 'clicks', 'sweeps'].flatMap((d) =>
    fs.readdirSync(path.join(FIX, d)).map((f) => [d, f]),
  );
  fs.writeFileSync(
    csv,
    `file,label\n${files.map(([d, f]) => `${f},${d === 'clicks' ? '"<img src=x onerror=""window.__pwned=1"">"' : d}`).join('\n')}\n`,
  );
  const r = spawnSync(
    process.execPath,
    [
      'dist/sonomap.mjs',
      'analyze',
      ...['tones', 'plucks', 'clicks', 'sweeps'].map((d) => path.join(FIX, d)),
      '--out',
      path.join(site, 'demo'),
      '--labels',
      csv,
      '--features',
      'fingerprint',
      '--quiet',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  server = await serve(site);
  chromium = await launch();
});

after(async () => {
  await chromium?.close();
  server?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

const ready = (page, sel = 'sono-map') =>
  page.waitForFunction(
    (s) => {
      const els = [...document.querySelectorAll(s)];
      return els.length && els.every((e) => e.sonomap.state !== 'loading') ? true : null;
    },
    sel,
    { timeout: 60000 },
  );

async function hoverPlays(page, k, frame = page) {
  // the element's k-th point's centre, hovered, must start that point's sound
  const before = await frame.evaluate(
    (k) => document.querySelectorAll('sono-map')[k].sonomap.plays,
    k,
  );
  for (let i = 0; i < 40; i++) {
    const p = await frame.evaluate(
      ([k, i]) => document.querySelectorAll('sono-map')[k].sonomap.screenPoint(i),
      [k, i],
    );
    await page.mouse.move(p.x, p.y);
    const got = await frame
      .waitForFunction(
        ([k, b]) => {
          const s = document.querySelectorAll('sono-map')[k].sonomap;
          return s.plays > b ? s.lastPlayed : null;
        },
        [k, before],
        { timeout: 1500 },
      )
      .then((h) => h.jsonValue())
      .catch(() => null);
    if (got) return { i, got };
  }
  return null;
}

test('a course page with two maps: both drawn, sized by their boxes, one AudioContext', async () => {
  const { page, errors, requests } = await openPage(chromium.context, 'about:blank');
  await page.addInitScript(COUNT_CONTEXTS);
  await page.goto(`${server.url}embed-demo.html`);
  await ready(page);
  const s = await page.evaluate(() =>
    [...document.querySelectorAll('sono-map')].map((e) => {
      const r = e.getBoundingClientRect();
      const box = e.parentElement.getBoundingClientRect();
      const { state, count, layoutName, colorBy, status } = e.sonomap;
      return {
        state,
        count,
        layoutName,
        colorBy,
        status,
        w: r.width,
        h: r.height,
        boxW: box.width,
      };
    }),
  );
  assert.equal(s.length, 2);
  for (const e of s) {
    assert.equal(e.state, 'ready', e.status);
    assert.equal(e.count, 32);
    assert.equal(e.colorBy, 'label');
    assert.equal(e.h, 340, 'height attribute');
    assert.ok(Math.abs(e.w - e.boxW) < 1, 'as wide as its container');
  }
  assert.deepEqual(
    s.map((e) => e.layoutName),
    ['umap-2d', 'pca-2d'],
  );
  // both play on hover, through one context
  for (const k of [0, 1]) {
    const hit = await hoverPlays(page, k);
    assert.ok(hit, `hovering the map ${k + 1} plays a point`);
    assert.ok(hit.got.duration > 0);
  }
  const audio = await page.evaluate(() => ({
    contexts: window.__contexts,
    states: [...document.querySelectorAll('sono-map')].map((e) => e.sonomap.audioState),
  }));
  assert.equal(audio.contexts, 1, 'one AudioContext for the page');
  assert.deepEqual(audio.states, ['running', 'running']);
  // markup in a label is text: the legend shows it, nothing ran
  const legend = await page.evaluate(() => {
    const root = document.querySelector('sono-map').shadowRoot;
    return {
      chips: [...root.querySelectorAll('.chip')].map((c) => c.textContent),
      imgs: root.querySelectorAll('img').length,
      pwned: window.__pwned ?? null,
    };
  });
  assert.ok(
    legend.chips.includes('<img src=x onerror="window.__pwned=1">'),
    legend.chips.join('|'),
  );
  assert.equal(legend.imgs, 0);
  assert.equal(legend.pwned, null);
  await page.screenshot({ path: path.join(OUTDIR, 'embed-demo.png'), fullPage: true });
  const origin = new URL(server.url).origin;
  assert.deepEqual(
    requests.filter((u) => !u.startsWith(`${origin}/`) && !/^(data|blob|about):/.test(u)),
    [],
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test('embed.html in an iframe: one map fills the frame and plays', async () => {
  fs.writeFileSync(
    path.join(site, 'frame-host.html'),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><p>Listen:</p>
<iframe src="embed.html?dataset=demo/&layout=pca" width="640" height="360" title="map"></iframe>`,
  );
  const { page, errors } = await openPage(chromium.context, `${server.url}frame-host.html`);
  const frame = page.frames().find((f) => f.url().includes('embed.html'));
  assert.ok(frame, 'the iframe loaded embed.html');
  await ready(frame);
  const s = await frame.evaluate(() => {
    const e = document.querySelector('sono-map');
    const r = e.getBoundingClientRect();
    return { ...e.sonomap, w: r.width, h: r.height, layout: null, items: null };
  });
  assert.equal(s.state, 'ready', s.status);
  assert.equal(s.layoutName, 'pca-2d');
  assert.equal(s.w, 640);
  assert.equal(s.h, 360);
  // screenPoint is in the frame's coordinates: move there through the frame's offset
  const off = await page.evaluate(() => {
    const r = document.querySelector('iframe').getBoundingClientRect();
    return { x: r.left + 2, y: r.top + 2 }; // the iframe's default 2 px border
  });
  const frameMouse = {
    mouse: { move: (x, y) => page.mouse.move(x + off.x, y + off.y) },
  };
  const hit = await hoverPlays(frameMouse, 0, frame);
  assert.ok(hit, 'hovering in the frame plays a point');
  assert.deepEqual(errors, []);
  await page.close();
});

test('bad src: a clear message in the element, nothing fetched from elsewhere', async () => {
  fs.writeFileSync(
    path.join(site, 'bad-embeds.html'),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="sono-map.js"></script>
<sono-map id="missing" src="nowhere/" height="200px"></sono-map>
<sono-map id="foreign" src="http://192.0.2.1/maps/x/" height="200px"></sono-map>
<sono-map id="none" height="200px"></sono-map>`,
  );
  const { page, requests } = await openPage(chromium.context, `${server.url}bad-embeds.html`);
  await ready(page);
  const st = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('sono-map')].map((e) => [
        e.id,
        [e.sonomap.state, e.sonomap.status],
      ]),
    ),
  );
  assert.equal(st.missing[0], 'error');
  assert.match(st.missing[1], /nowhere\/: projections\.json is missing \(HTTP 404\)/);
  assert.equal(st.foreign[0], 'error');
  assert.match(st.foreign[1], /only maps on this site/);
  assert.equal(st.none[0], 'error');
  assert.match(st.none[1], /needs a src attribute/);
  assert.ok(!requests.some((u) => u.includes('192.0.2.1')), 'no request to the other origin');
  await page.close();
});
