// selection.test.mjs — working with a selection and the sound controls, in Debian's Chromium:
//  1. the fixture folder (48 sounds, picked as a folder): alt-drag lasso selects exactly the
//     points inside the drawn path (point-in-polygon over window.sonomap.screenPoint), shift-drag
//     adds a box, the Selection panel lists them by name, × removes one, the zip holds the
//     original files byte for byte (unzipped with fflate), the CSV holds their rows, space plays
//     them in turn, Escape clears; the lasso tool (no modifier); the volume sets the master gain
//     and is kept; the loop cap stops the oldest loop; the lasso in 3-D (projected positions).
//     Screenshots in tests/out/.
//  2. files whose names hold markup and a spreadsheet formula: shown as text, quoted and
//     guarded in the CSV.
//  3. a dataset folder (no original files): the zip holds each sound's clip as WAV, cut from
//     the spriteclip at the right place (a sine's pitch), and a README.txt that says so.
//  4. touch (a touch screen, CDP touch events): with the lasso tool on, a finger draws a lasso.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import { launch, openPage as open, siteSession, visiblePoints, waitStatus } from './harness.mjs';

const ROOT = process.cwd();
const DIST = path.join(ROOT, 'dist');
const FIX = path.join(ROOT, 'build/fixtures/browser');
const OUTDIR = path.join(ROOT, 'tests/out');

const session = siteSession('selection', { acceptDownloads: true });

const S = (page, expr, arg) => page.evaluate(expr, arg);
const sorted = (a) => [...a].sort((x, y) => x - y);

/** Points whose centres lie inside the polygon (client px), by the even-odd rule. */
function insidePolygon(page, poly) {
  return S(
    page,
    (poly) => {
      const inside = (x, y) => {
        let c = false;
        for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
          const a = poly[i],
            b = poly[j];
          if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) c = !c;
        }
        return c;
      };
      const s = window.sonomap,
        out = [];
      for (let i = 0; i < s.count; i++) {
        const p = s.screenPoint(i);
        if (p && inside(p.x, p.y)) out.push(i);
      }
      return out;
    },
    poly,
  );
}

/** Draws a path with the mouse (button down from the first vertex to the last). */
async function drawPath(page, poly, { during } = {}) {
  await page.mouse.move(poly[0].x, poly[0].y);
  await page.mouse.down();
  for (const p of poly.slice(1)) await page.mouse.move(p.x, p.y, { steps: 4 });
  if (during) await during();
  await page.mouse.up();
}

/** A pentagon-ish star-free shape over part of the map (client px, whole pixels). */
function shape(box, cx, cy, r) {
  const out = [];
  for (let k = 0; k < 7; k++) {
    const a = (k / 7) * 2 * Math.PI;
    const rr = r * (k % 2 ? 0.7 : 1);
    out.push({
      x: Math.round(box.x + cx * box.width + rr * Math.cos(a)),
      y: Math.round(box.y + cy * box.height + rr * Math.sin(a)),
    });
  }
  return out;
}

async function downloaded(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(await d.path()) };
}

/** RFC 4180 parser (quoted cells, doubled quotes, CRLF). */
function parseCsv(text) {
  const rows = [];
  let row = [],
    cell = '',
    q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  assert.equal(cell, '', 'the CSV ends with CRLF');
  return rows;
}

test('lasso, box-add, the Selection panel, zip and CSV, space, Escape, volume, loop cap', async () => {
  const { page, errors } = await open(session.context, session.url);
  await page.selectOption('#features', 'fingerprint');
  await page.setInputFiles('#folder-input', FIX);
  assert.match(await waitStatus(page, /^(Mapped|No sounds|Could not|The )/), /^Mapped 48 sounds/);
  const panel = page.locator('section[aria-label="Selection"]');
  assert.equal(await panel.isVisible(), false, 'no panel while nothing is selected');
  const box = await page.locator('#map').boundingBox();
  const items = await S(page, () => window.sonomap.items);

  // alt-drag: a lasso; exactly the points inside the drawn path
  let poly = shape(box, 0.4, 0.5, Math.min(box.width, box.height) * 0.3);
  await page.keyboard.down('Alt');
  await drawPath(page, poly, {
    during: async () =>
      assert.ok(await page.locator('svg.lasso').isVisible(), 'the lasso is drawn while dragging'),
  });
  await page.keyboard.up('Alt');
  assert.equal(await page.locator('svg.lasso').isVisible(), false, 'and gone after');
  const lassoed = await S(page, () => window.sonomap.selection);
  const inLasso = await insidePolygon(page, poly);
  assert.ok(inLasso.length > 0 && inLasso.length < 48, `the lasso holds some (${inLasso.length})`);
  assert.deepEqual(sorted(lassoed), inLasso, 'exactly the points inside the lasso');
  assert.ok(await panel.isVisible(), 'the panel shows');
  assert.equal(await panel.locator('li').count(), lassoed.length);
  assert.match(
    await page.locator('#selection-count').textContent(),
    new RegExp(`^${lassoed.length} sounds?$`),
  );
  const shownNames = await panel.locator('.sel-name').allTextContents();
  assert.deepEqual(
    shownNames,
    lassoed.map((i) => items[i].file.split('/').pop()),
    'listed by name, in order',
  );

  // shift-drag: a box adds to it
  const r = {
    x0: box.x + box.width * 0.62,
    y0: box.y + box.height * 0.55,
    x1: box.x + box.width - 8,
    y1: box.y + box.height - 8,
  };
  await page.keyboard.down('Shift');
  await drawPath(page, [
    { x: r.x0, y: r.y0 },
    { x: (r.x0 + r.x1) / 2, y: (r.y0 + r.y1) / 2 },
    { x: r.x1, y: r.y1 },
  ]);
  await page.keyboard.up('Shift');
  const inBox = await S(
    page,
    (r) => {
      const s = window.sonomap,
        out = [];
      for (let i = 0; i < s.count; i++) {
        const p = s.screenPoint(i);
        if (p.x >= r.x0 && p.x <= r.x1 && p.y >= r.y0 && p.y <= r.y1) out.push(i);
      }
      return out;
    },
    r,
  );
  const added = await S(page, () => window.sonomap.selection);
  assert.ok(
    inBox.some((i) => !lassoed.includes(i)),
    'the box holds points the lasso had not',
  );
  assert.deepEqual(sorted(added), sorted([...new Set([...lassoed, ...inBox])]), 'lasso ∪ box');
  assert.equal(await panel.locator('li').count(), added.length);
  await page.screenshot({ path: path.join(OUTDIR, 'selection.png') });

  // × removes one
  const gone = added[1];
  await panel.locator(`li[data-index="${gone}"] .sel-remove`).click();
  const sel = await S(page, () => window.sonomap.selection);
  assert.deepEqual(
    sel,
    added.filter((i) => i !== gone),
  );
  assert.equal(await panel.locator('li').count(), sel.length);
  assert.equal(
    await S(page, () => document.activeElement?.className),
    'sel-remove',
    'the keyboard stays in the list',
  );

  // the zip: the original files, byte for byte, and the rows
  const zip = await downloaded(page, '#selection-zip');
  assert.match(zip.name, /-selection\.zip$/);
  const files = unzipSync(new Uint8Array(zip.bytes));
  const wanted = [...new Set(sel.map((i) => items[i].file))];
  for (const f of wanted) {
    assert.ok(files[f], `${f} is in the zip`);
    const orig = fs.readFileSync(path.join(path.dirname(FIX), f));
    assert.ok(Buffer.from(files[f]).equals(orig), `${f}: the original bytes`);
  }
  assert.deepEqual(Object.keys(files).sort(), [...wanted, 'selection.csv'].sort());
  assert.equal((await S(page, () => window.sonomap.lastExport)).originals, wanted.length);

  // the CSV: a header and one row per selected sound, in order
  const csv = await downloaded(page, '#selection-csv');
  assert.match(csv.name, /-selection\.csv$/);
  const rows = parseCsv(csv.bytes.toString('utf8'));
  assert.deepEqual(rows[0].slice(0, 4), ['index', 'file', 'label', 'tags']);
  assert.deepEqual(rows[0].slice(-2), ['map_x', 'map_y']);
  assert.equal(rows.length, sel.length + 1);
  const layout = await S(page, () => Array.from(window.sonomap.layout));
  rows.slice(1).forEach((row, k) => {
    const i = sel[k];
    assert.equal(Number(row[0]), i);
    assert.equal(row[1], items[i].file);
    assert.equal(row[2], items[i].label);
    assert.ok(Math.abs(Number(row.at(-2)) - layout[2 * i]) < 1e-4, 'map_x');
    assert.ok(Math.abs(Number(row.at(-1)) - layout[2 * i + 1]) < 1e-4, 'map_y');
  });
  assert.equal(
    parseCsv(new TextDecoder().decode(files['selection.csv'])).length,
    rows.length,
    'the zip has the rows too',
  );

  // space plays them in turn (focus on the map, not in a field)
  await page.locator('#map').focus();
  const plays0 = await S(page, () => window.sonomap.plays);
  await page.keyboard.press(' ');
  const k = Math.min(3, sel.length);
  await page.waitForFunction((p) => window.sonomap.plays >= p, plays0 + k, { timeout: 20000 });
  const recent = await S(page, () => window.sonomap.recent);
  const first = recent.slice(recent.length - (await S(page, () => window.sonomap.plays)) + plays0);
  assert.deepEqual(first.slice(0, k), sel.slice(0, k), 'in the selection order');
  assert.ok(
    await panel.locator('li[aria-current]').count(),
    'the one sounding is marked in the list',
  );
  await page.keyboard.press(' ');
  assert.equal(await S(page, () => window.sonomap.selectionPlaying), -1, 'space again stops');

  // Escape clears
  await page.keyboard.press('Escape');
  assert.deepEqual(await S(page, () => window.sonomap.selection), []);
  assert.equal(await panel.isVisible(), false, 'the panel hides');

  // the lasso tool: a plain drag lassos; shift adds
  await page.click('#lasso');
  assert.equal(await page.getAttribute('#lasso', 'aria-pressed'), 'true');
  assert.equal(await S(page, () => window.sonomap.lasso), true);
  poly = shape(box, 0.3, 0.4, Math.min(box.width, box.height) * 0.25);
  await drawPath(page, poly);
  const byTool = await S(page, () => window.sonomap.selection);
  assert.deepEqual(sorted(byTool), await insidePolygon(page, poly), 'the tool lassos');
  const poly2 = shape(box, 0.7, 0.6, Math.min(box.width, box.height) * 0.25);
  await page.keyboard.down('Shift');
  await drawPath(page, poly2);
  await page.keyboard.up('Shift');
  const both = await S(page, () => window.sonomap.selection);
  assert.deepEqual(
    sorted(both),
    sorted([...new Set([...byTool, ...(await insidePolygon(page, poly2))])]),
    'shift adds a second lasso',
  );
  await page.click('#lasso');
  assert.equal(await S(page, () => window.sonomap.lasso), false);
  await page.locator('#selection-clear').click();
  assert.deepEqual(await S(page, () => window.sonomap.selection), []);

  // the loop cap: with 2, a third loop stops the oldest
  await page.locator('#max-loops').fill('2');
  await page.locator('#max-loops').press('Tab');
  assert.equal(await S(page, () => window.sonomap.maxLoops), 2);
  const vis = await visiblePoints(page);
  const clickable = [];
  for (const i of vis) {
    const p = await S(page, (k) => window.sonomap.screenPoint(k), i);
    const picked = await S(
      page,
      (p) => {
        // the point the map would pick there is the one asked for (no neighbour on top of it)
        const el = document.elementFromPoint(p.x, p.y);
        return el?.id === 'map';
      },
      p,
    );
    if (picked && clickable.every((c) => Math.hypot(c.p.x - p.x, c.p.y - p.y) > 40))
      clickable.push({ i, p });
    if (clickable.length === 3) break;
  }
  assert.equal(clickable.length, 3, 'three points far apart to click');
  const looped = [];
  for (const c of clickable) {
    await page.mouse.click(c.p.x, c.p.y);
    const l = await S(page, () => window.sonomap.loops);
    looped.push(l.at(-1));
  }
  const loops = await S(page, () => window.sonomap.loops);
  assert.equal(loops.length, 2, 'two loops play');
  assert.deepEqual(loops, looped.slice(1), 'the oldest stopped');

  // volume: the slider sets the master gain, and is kept for the next visit
  assert.equal(await page.locator('input[aria-label="Volume"]').count(), 1);
  // (checked while two loops sound: the gain glides to the volume in audio time, and a silent
  // page's audio clock may stand still; the test waits until the gain reaches the volume or has
  // clearly moved towards it)
  const approaches = async (target) => {
    const g0 = await S(page, () => window.sonomap.gain);
    await page
      .waitForFunction(
        ([t, g]) => {
          const d = Math.abs(window.sonomap.gain - t);
          return d < 0.005 || d < Math.abs(g - t) - 0.03;
        },
        [target, g0],
        { timeout: 30000 },
      )
      .catch(async (e) => {
        const st = await S(page, () => [window.sonomap.gain, window.sonomap.audioState]);
        throw new Error(
          `gain ${st[0]} (from ${g0}) towards ${target}, audio ${st[1]}: ${e.message}`,
        );
      });
  };
  await page.locator('#volume').fill('0.25');
  assert.equal(await S(page, () => window.sonomap.volume), 0.25);
  await approaches(0.25);
  await page.locator('#volume').fill('0.6');
  assert.equal(await S(page, () => window.sonomap.volume), 0.6);
  await approaches(0.6);
  await page.screenshot({ path: path.join(OUTDIR, 'sound-controls.png') });

  // 3-D: the lasso takes the points whose projected positions are inside the drawn path
  await page.keyboard.press('Escape');
  await page.selectOption('#dims', '3');
  // the 3-D map settled: laid out and its transition from 2-D over (the status line may still
  // show the 2-D map's "Mapped" for a moment, and points move while they glide)
  await page.waitForFunction(
    () => window.sonomap.dims === 3 && !window.sonomap.busy && !window.sonomap.transitioning,
    null,
    { timeout: 60000 },
  );
  assert.match(await waitStatus(page, /^(Mapped|The )/), /^Mapped 48 sounds/);
  poly = shape(box, 0.45, 0.5, Math.min(box.width, box.height) * 0.22);
  await page.keyboard.down('Alt');
  await drawPath(page, poly);
  await page.keyboard.up('Alt');
  const in3 = await insidePolygon(page, poly);
  assert.ok(in3.length > 0 && in3.length < 48, `some points in the 3-D lasso (${in3.length})`);
  assert.deepEqual(sorted(await S(page, () => window.sonomap.selection)), in3);

  // the settings are kept
  await page.reload();
  await waitStatus(page, /Drop sounds/);
  assert.equal(await page.locator('#volume').inputValue(), '0.6');
  assert.equal(await S(page, () => window.sonomap.volume), 0.6);
  assert.equal(await S(page, () => window.sonomap.maxLoops), 2);
  await S(page, () => localStorage.clear());
  assert.deepEqual(errors, []);
  await page.close();
});

test('names with markup and formulas are text in the panel and guarded in the CSV', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-names-'));
  const names = [
    '<img src=x onerror=window.pwned=1>.wav',
    '=HYPERLINK("x","y").wav',
    'plain, "quoted".wav',
  ];
  const src = ['tones/sine-220.wav', 'tones/sine-880.wav', 'clicks/click-8.wav'];
  names.forEach((n, k) => fs.copyFileSync(path.join(FIX, src[k]), path.join(dir, n)));
  const { page, errors } = await open(session.context, session.url);
  await page.selectOption('#features', 'fingerprint');
  await page.setInputFiles(
    '#file-input',
    names.map((n) => path.join(dir, n)),
  );
  assert.match(await waitStatus(page, /^(Mapped|No sounds|Could not|The )/), /^Mapped 3 sounds/);
  const box = await page.locator('#map').boundingBox();
  const bar = await page.locator('.topbar').boundingBox(); // the map runs under the top bar
  await page.keyboard.down('Shift');
  await drawPath(page, [
    { x: box.x + 2, y: bar.y + bar.height + 4 },
    { x: box.x + box.width - 2, y: box.y + box.height - 2 },
  ]);
  await page.keyboard.up('Shift');
  const sel = await S(page, () => window.sonomap.selection);
  assert.equal(sel.length, 3, 'all three selected');
  const panel = page.locator('section[aria-label="Selection"]');
  const items = await S(page, () => window.sonomap.items);
  assert.deepEqual(
    await panel.locator('.sel-name').allTextContents(),
    sel.map((i) => items[i].file),
  );
  assert.equal(await panel.locator('img').count(), 0, 'no markup made from a name');
  assert.equal(await S(page, () => window.pwned), undefined);
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#selection-csv')]);
  const text = fs.readFileSync(await d.path(), 'utf8');
  const rows = parseCsv(text);
  const byFile = new Map(rows.slice(1).map((r) => [r[1], r]));
  assert.ok(byFile.has(`'=HYPERLINK("x","y").wav`), 'the formula is guarded with an apostrophe');
  assert.ok(text.includes(`"'=HYPERLINK(""x"",""y"").wav"`), 'and quoted, quotes doubled');
  assert.ok(byFile.has('plain, "quoted".wav'), 'commas and quotes survive quoting');
  assert.ok(byFile.has(names[0]));
  assert.deepEqual(errors, []);
  await page.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a dataset folder: the zip holds each clip cut from the spriteclip, and says so', async () => {
  const out = path.join(session.root, 'tones-ds');
  const r = spawnSync(
    process.execPath,
    [path.join(DIST, 'sonomap.mjs'), 'analyze', path.join(FIX, 'tones'), '--out', out, '--quiet'],
    { encoding: 'utf8', timeout: 240000 },
  );
  assert.equal(r.status, 0, `the CLI made a dataset: ${r.stderr}`);
  const { page, errors } = await open(session.context, `${session.url}?dataset=tones-ds/`);
  assert.match(await waitStatus(page, /^(Mapped|Could not)/, 60000), /^Mapped 8 sounds/);
  const box = await page.locator('#map').boundingBox();
  const bar = await page.locator('.topbar').boundingBox(); // the map runs under the top bar
  await page.keyboard.down('Shift');
  await drawPath(page, [
    { x: box.x + 2, y: bar.y + bar.height + 4 },
    { x: box.x + box.width - 2, y: box.y + box.height - 2 },
  ]);
  await page.keyboard.up('Shift');
  const sel = await S(page, () => window.sonomap.selection);
  assert.equal(sel.length, 8);
  assert.match(await page.locator('#selection-note').textContent(), /not on this page/);
  const items = await S(page, () => window.sonomap.items);
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#selection-zip')]);
  const files = unzipSync(new Uint8Array(fs.readFileSync(await d.path())));
  assert.ok(files['README.txt'], 'a README says what the files are');
  assert.match(new TextDecoder().decode(files['README.txt']), /original files .* not on this page/);
  for (const i of sel) {
    const name = `${items[i].file.replace(/\.[^./]*$/, '')}.wav`;
    const wav = files[name];
    assert.ok(wav, `${name} is in the zip`);
    const dv = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    assert.equal(new TextDecoder().decode(wav.subarray(0, 4)), 'RIFF');
    const rate = dv.getUint32(24, true);
    const n = dv.getUint32(40, true) / 2;
    assert.ok(n > rate * 0.2, `${name}: ${n} samples`);
    // the clip is the right sound: a sine's zero crossings give its pitch (over its loud part:
    // the clip is padded with silence)
    const v = Array.from({ length: n }, (_, k) => dv.getInt16(44 + 2 * k, true));
    const peak = Math.max(...v.map(Math.abs));
    assert.ok(peak > 1000, `${name} is not silent`);
    const a = v.findIndex((x) => Math.abs(x) > peak / 10);
    const b = v.findLastIndex((x) => Math.abs(x) > peak / 10);
    let crossings = 0;
    for (let k = a + 1; k <= b; k++) if (v[k - 1] < 0 !== v[k] < 0) crossings++;
    const hz = crossings / 2 / ((b - a) / rate);
    const want = Number(/sine-(\d+)/.exec(name)[1]);
    assert.ok(Math.abs(hz - want) / want < 0.05, `${name}: ${hz.toFixed(0)} Hz, not ${want}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('touch: with the lasso tool a finger draws the lasso', async () => {
  const touch = await launch({ hasTouch: true, viewport: { width: 1100, height: 760 } });
  try {
    const { page, errors } = await open(touch.context, session.url);
    await page.selectOption('#features', 'fingerprint');
    await page.setInputFiles('#folder-input', path.join(FIX, 'tones'));
    assert.match(await waitStatus(page, /^(Mapped|No sounds|Could not|The )/), /^Mapped 8 sounds/);
    await page.tap('#lasso');
    assert.equal(await S(page, () => window.sonomap.lasso), true);
    const box = await page.locator('#map').boundingBox();
    // around the points' own bounding box, cut by a diagonal: some in, some out
    const pts = await S(page, () =>
      Array.from({ length: window.sonomap.count }, (_, i) => window.sonomap.screenPoint(i)),
    );
    const xs = pts.map((p) => p.x),
      ys = pts.map((p) => p.y);
    const [x0, x1, y0, y1] = [
      Math.min(...xs) - 20,
      Math.max(...xs) + 20,
      Math.max(box.y + 70, Math.min(...ys) - 20),
      Math.max(...ys) + 20,
    ].map(Math.round);
    const poly = [
      { x: x0, y: y0 },
      { x: x1, y: y0 },
      { x: x0, y: y1 },
    ];
    const cdp = await page.context().newCDPSession(page);
    const at = (p) => [{ x: p.x, y: p.y, id: 1 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(poly[0]) });
    for (let k = 1; k <= poly.length; k++) {
      const a = poly[k - 1],
        b = poly[k % poly.length];
      for (let s = 1; s <= 4; s++)
        await cdp.send('Input.dispatchTouchEvent', {
          type: 'touchMove',
          touchPoints: at({ x: a.x + ((b.x - a.x) * s) / 4, y: a.y + ((b.y - a.y) * s) / 4 }),
        });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    const want = await insidePolygon(page, poly);
    assert.ok(want.length > 0 && want.length < 8, `some of the 8 inside (${want.length})`);
    await page.waitForFunction((n) => window.sonomap.selection.length === n, want.length, {
      timeout: 5000,
    });
    assert.deepEqual(sorted(await S(page, () => window.sonomap.selection)), want);
    assert.deepEqual(errors, []);
  } finally {
    await touch.close();
  }
});
