// views.test.mjs — the map's views and tools in Debian's Chromium (playwright-core):
//  1. the fixture folder (48 labelled sounds): map quality figures, colour by cluster with the
//     clusters-against-labels chart, colour by distance to a clicked point, the grid layout and
//     back, box selection playing its members, then the same sounds mapped in 3-D (orbit, zoom,
//     hover plays). Screenshots in tests/out/.
//  2. a dataset folder written by the CLI (umap-2d, umap-3d, pca-*) opens in 2-D and shows its
//     stored 3-D layout when 3-D is chosen, without projecting again.
//  3. scale: synthetic feature rows (SONOMAP_SCALE_N, default 20,000 × 64) mapped through the
//     projection worker with window.sonomap.mapFeatures; the page keeps answering while it maps.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openPage as open, siteSession, visiblePoints, waitStatus } from './harness.mjs';

const ROOT = process.cwd();
const DIST = path.join(ROOT, 'dist');
const FIX = path.join(ROOT, 'build/fixtures/browser');
const OUTDIR = path.join(ROOT, 'tests/out');

const session = siteSession('views');

const openPage = (url) => open(session.context, url);
const status = (page) => page.locator('#status').textContent();
const S = (page, expr, arg) => page.evaluate(expr, arg);

async function hoverPlays(page) {
  // the frontmost point under its own centre: hover there and that point must play
  const seen = await visiblePoints(page);
  assert.ok(seen.length > 0, 'some point is visible');
  const before = await S(page, () => window.sonomap.plays);
  for (const i of seen.slice(0, 12)) {
    const p = await S(page, (k) => window.sonomap.screenPoint(k), i);
    await page.mouse.move(p.x - 60, p.y - 60);
    await page.mouse.move(p.x, p.y, { steps: 3 });
    const got = await page
      .waitForFunction(() => window.sonomap.lastPlayed && window.sonomap.plays, null, {
        timeout: 5000,
      })
      .then(() => S(page, () => ({ ...window.sonomap.lastPlayed, plays: window.sonomap.plays })));
    if (got.plays > before) {
      const q = await S(page, (k) => window.sonomap.screenPoint(k), got.index);
      assert.ok(
        Math.hypot(q.x - p.x, q.y - p.y) < 40,
        `the point played (${got.index}) is the one under the mouse`,
      );
      return got;
    }
  }
  throw new Error('no hovered point played');
}

function isLattice(layout) {
  const xs = new Set(),
    ys = new Set(),
    pts = new Set();
  for (let i = 0; i < layout.length; i += 2) {
    xs.add(layout[i].toFixed(4));
    ys.add(layout[i + 1].toFixed(4));
    pts.add(`${layout[i].toFixed(4)},${layout[i + 1].toFixed(4)}`);
  }
  return { cols: xs.size, rows: ys.size, distinct: pts.size };
}

test('quality figures, colour by cluster and distance, grid, box select and a 3-D map', async () => {
  const { page, errors } = await openPage(session.url);
  // fingerprint features: no model, so no tags (colour by top tag is disabled below)
  await page.selectOption('#features', 'fingerprint');
  await page.setInputFiles('#folder-input', FIX);
  assert.match(
    await waitStatus(page, /^(Mapped|No sounds|Could not|The )/),
    /^Mapped 48 sounds · 2 failed$/,
  );
  const n = 48;

  // 4. quality, computed by the projection worker after the layout
  await page.waitForFunction(() => window.sonomap.quality, null, { timeout: 30000 });
  const q = await S(page, () => window.sonomap.quality);
  assert.equal(q.k, 10);
  assert.equal(q.layout, 'umap-2d');
  for (const f of ['trustworthiness', 'continuity'])
    assert.ok(q[f] > 0.5 && q[f] <= 1, `${f} ${q[f]}`);
  assert.ok(
    q.labelAccuracy > 1 / 6 && q.labelAccuracy <= 1,
    `1-NN label accuracy above chance (${q.labelAccuracy})`,
  );
  const qText = await page.locator('#quality').textContent();
  assert.match(qText, /Trustworthiness\s*0\.\d{3}/);
  assert.match(qText, /1-NN label accuracy\s*\d+\.\d %/);
  console.log(
    `# fixture map quality: T ${q.trustworthiness.toFixed(3)} C ${q.continuity.toFixed(3)} 1-NN ${q.labelAccuracy.toFixed(3)}`,
  );

  // 2. colour by: label is the default with labels; top tag needs a model
  assert.equal(await S(page, () => window.sonomap.colorBy), 'label');
  assert.equal(await page.locator('#color-by option[value="tag"]').isDisabled(), true);
  // cluster, k = 6: k-means in the worker, legend of 6 clusters, the chart of clusters against labels
  await page.selectOption('#color-by', 'cluster');
  await page.fill('#clusters-k', '6');
  await page.locator('#clusters-k').dispatchEvent('change');
  await page.waitForFunction(() => window.sonomap.clusters?.k === 6, null, { timeout: 20000 });
  const cl = await S(page, () => ({
    ...window.sonomap.clusters,
    index: Array.from(window.sonomap.clusters.index),
    names: window.sonomap.legendNames,
    table: window.sonomap.clusterTable,
    groups: Array.from(window.sonomap.groups),
  }));
  assert.equal(cl.index.length, n);
  assert.ok(cl.index.every((c) => c >= 0 && c < 6));
  assert.equal(new Set(cl.index).size, 6, 'six clusters are used');
  assert.deepEqual(cl.groups, cl.index, 'the points are coloured by their cluster');
  assert.deepEqual(cl.names, [
    'cluster 1',
    'cluster 2',
    'cluster 3',
    'cluster 4',
    'cluster 5',
    'cluster 6',
  ]);
  assert.equal(await page.locator('#legend li').count(), 6);
  assert.equal(cl.table.length, 6);
  assert.equal(
    cl.table.flat().reduce((a, b) => a + b, 0),
    n,
    'the chart counts every point once',
  );
  for (let c = 0; c < 6; c++)
    assert.equal(
      cl.table[c].reduce((a, b) => a + b, 0),
      cl.index.filter((v) => v === c).length,
    );
  assert.ok(await page.locator('#chart').isVisible(), 'the chart is shown');
  assert.equal(await page.locator('#chart g.bar').count(), 6, 'one bar per cluster');
  assert.ok((await page.locator('#chart rect').count()) > 6, 'bars are split by label');
  // a legend entry's "only" shows that cluster alone (the others are dimmed); again shows all
  await page.locator('#legend li .legend-only').nth(0).click();
  const inFirst = cl.index.filter((v) => v === 0).length;
  assert.equal(await page.locator('#search-count').textContent(), `${inFirst} of ${n}`);
  await page.locator('#legend li .legend-only').nth(0).click();
  await page.mouse.move(5, 790);
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(OUTDIR, 'clusters.png') });

  // distance to the selected point: click one, cosine distances from it colour the map
  await page.selectOption('#color-by', 'distance');
  assert.match(await page.locator('#legend').textContent(), /Click a point/);
  const seen = await visiblePoints(page);
  const pick = seen[Math.floor(seen.length / 2)];
  const pp = await S(page, (k) => window.sonomap.screenPoint(k), pick);
  await page.mouse.click(pp.x, pp.y);
  await page.waitForFunction((k) => window.sonomap.distanceFrom === k, pick, { timeout: 5000 });
  const dist = await S(page, () => Array.from(window.sonomap.distances));
  assert.equal(dist.length, n);
  assert.ok(Math.abs(dist[pick]) < 1e-5, 'zero distance to itself');
  assert.ok(
    dist.every((v) => v >= -1e-5 && v <= 2 + 1e-5),
    'cosine distances lie in [0, 2]',
  );
  const items = await S(page, () => window.sonomap.items);
  const same = dist.filter((_, i) => i !== pick && items[i].label === items[pick].label);
  const other = dist.filter((_, i) => items[i].label !== items[pick].label);
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  assert.ok(
    mean(same) < mean(other),
    `sounds of its own folder are nearer on average (${mean(same).toFixed(3)} < ${mean(other).toFixed(3)})`,
  );
  assert.match(await page.locator('#legend').textContent(), /near .*far/);
  await page.keyboard.press('Enter'); // stop the loop the click started
  await page.screenshot({ path: path.join(OUTDIR, 'distance.png') });
  await page.selectOption('#color-by', 'label');

  // 5. grid: the 2-D layout snaps to a lattice, then back
  const free = await S(page, () => Array.from(window.sonomap.layout));
  assert.equal(await page.locator('#grid').isEnabled(), true);
  await page.click('#grid');
  await page.waitForFunction(() => window.sonomap.grid, null, { timeout: 20000 });
  await page.waitForTimeout(900); // the animation
  const g = isLattice(await S(page, () => Array.from(window.sonomap.layout)));
  assert.equal(g.distinct, n, 'one cell per point');
  assert.ok(
    g.cols * g.rows >= n && g.cols * g.rows < n + Math.max(g.cols, g.rows),
    `a full grid (${g.cols} × ${g.rows})`,
  );
  assert.equal(await page.locator('#grid').getAttribute('aria-pressed'), 'true');
  await page.mouse.move(5, 790);
  await page.screenshot({ path: path.join(OUTDIR, 'grid.png') });
  await hoverPlays(page);
  await page.click('#grid');
  await page.waitForTimeout(900);
  const back = await S(page, () => Array.from(window.sonomap.layout));
  assert.equal(await S(page, () => window.sonomap.grid), false);
  assert.ok(
    back.every((v, i) => Math.abs(v - free[i]) < 1e-4),
    'back to the free layout',
  );

  // 6. box select: shift-drag over the map selects the points inside and plays some of them
  const box = await page.locator('#map').boundingBox();
  const bar = await page.locator('.topbar').boundingBox(); // the map runs under the top bar
  const plays0 = await S(page, () => window.sonomap.plays);
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + 10, bar.y + bar.height + 8);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width - 10, box.y + box.height - 10, { steps: 5 });
  assert.ok(await page.locator('.select-box').isVisible(), 'the box is drawn while dragging');
  await page.mouse.up();
  await page.keyboard.up('Shift');
  const sel = await S(page, () => window.sonomap.selection);
  const inside = await S(
    page,
    (b) => {
      const s = window.sonomap,
        out = [];
      for (let i = 0; i < s.count; i++) {
        const p = s.screenPoint(i);
        if (
          p.x >= b.x + 10 &&
          p.x <= b.x + b.width - 10 &&
          p.y >= b.top &&
          p.y <= b.y + b.height - 10
        )
          out.push(i);
      }
      return out;
    },
    { ...box, top: bar.y + bar.height + 8 },
  );
  assert.ok(sel.length > 0, 'some points are selected');
  assert.deepEqual(
    [...sel].sort((a, b) => a - b),
    inside,
    'exactly the points inside the box',
  );
  await page.waitForFunction((p0) => window.sonomap.plays >= p0 + 2, plays0, { timeout: 10000 });
  assert.ok(
    sel.includes((await S(page, () => window.sonomap.lastPlayed)).index),
    'the sounds played are selected ones',
  );
  await page.keyboard.press('Escape');
  assert.deepEqual(await S(page, () => window.sonomap.selection), []);

  // 1. 3-D: mapped by the worker in 3-D, drawn with a camera; orbit and zoom move the points
  await page.selectOption('#dims', '3');
  assert.match(await waitStatus(page, /^(Mapped|The )/), /^Mapped 48 sounds · 2 failed$/);
  assert.equal(await S(page, () => window.sonomap.dims), 3);
  const l3 = await S(page, () => Array.from(window.sonomap.layout));
  assert.equal(l3.length, 3 * n);
  for (let k = 0; k < 3; k++) {
    const axis = l3.filter((_, i) => i % 3 === k);
    assert.ok(Math.max(...axis) - Math.min(...axis) > 1.5, `axis ${k} is used`);
  }
  await page.waitForFunction(() => window.sonomap.quality?.layout === 'umap-3d', null, {
    timeout: 30000,
  });
  assert.equal(await page.locator('#grid').isDisabled(), true, 'no grid in 3-D');
  await page.mouse.move(5, 790);
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(OUTDIR, 'map3d.png') });
  const screenAll = () =>
    S(page, () =>
      Array.from({ length: window.sonomap.count }, (_, i) => window.sonomap.screenPoint(i)),
    );
  const s0 = await screenAll();
  // orbit: a drag turns the cloud
  await page.mouse.move(box.x + 200, box.y + 400);
  await page.mouse.down();
  await page.mouse.move(box.x + 320, box.y + 430, { steps: 6 });
  await page.mouse.up();
  const s1 = await screenAll();
  const moved = s0.filter((p, i) => Math.hypot(p.x - s1[i].x, p.y - s1[i].y) > 5).length;
  assert.ok(moved > n / 2, `the orbit moves the points on screen (${moved})`);
  // zoom: the wheel brings the camera closer, the points spread
  const spreadOf = (s) => Math.max(...s.map((p) => p.x)) - Math.min(...s.map((p) => p.x));
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await page.waitForTimeout(100);
  const s2 = await screenAll();
  assert.ok(spreadOf(s2) > spreadOf(s1) * 1.2, 'zooming in spreads the points');
  await page.keyboard.press('0');
  await page.locator('#map').focus();
  await page.keyboard.press('0');
  await hoverPlays(page);
  // back to 2-D: the stored 2-D layout, no new projection
  await page.selectOption('#dims', '2');
  assert.equal(await S(page, () => window.sonomap.dims), 2);
  assert.equal(await S(page, () => window.sonomap.layout.length), 2 * n);
  assert.match(await status(page), /^Mapped 48 sounds · 2 failed$/);
  assert.equal(
    await S(page, () => window.sonomap.quality?.layout),
    'umap-2d',
    'the quality of the layout shown',
  );
  assert.deepEqual(errors, [], 'no console errors');
  await page.close();
});

test('a dataset folder from the CLI shows its stored 3-D layout when 3-D is chosen', async () => {
  const out = path.join(session.root, 'ds3');
  const sounds = path.join(session.root, 'few');
  for (const sub of ['tones', 'noise', 'clicks'])
    fs.cpSync(path.join(FIX, sub), path.join(sounds, sub), { recursive: true });
  const r = spawnSync(
    process.execPath,
    [
      path.join(DIST, 'sonomap.mjs'),
      'analyze',
      sounds,
      '--out',
      out,
      '--labels',
      'folder',
      '--quiet',
    ],
    { encoding: 'utf8', timeout: 120000 },
  );
  assert.equal(r.status, 0, `the CLI made a dataset: ${r.stderr}`);
  const proj = JSON.parse(fs.readFileSync(path.join(out, 'projections.json'), 'utf8'));
  assert.ok(proj.layouts['umap-3d'], 'the CLI wrote a 3-D layout');
  const n = proj.layouts['umap-3d'].length;
  const { page, errors } = await openPage(`${session.url}?dataset=ds3/`);
  assert.match(
    await waitStatus(page, /^(Mapped|Could not)/, 60000),
    new RegExp(`^Mapped ${n} sounds · loaded from ds3/`),
  );
  assert.equal(await S(page, () => window.sonomap.dims), 2);
  assert.equal(await page.locator('#dims option[value="3"]').isDisabled(), false);
  await page.selectOption('#dims', '3');
  assert.equal(await S(page, () => window.sonomap.dims), 3);
  assert.match(await status(page), /loaded from ds3\//, 'no projection was run');
  // the layout shown is the stored one, centred and stretched per axis
  const shown = await S(page, () => Array.from(window.sonomap.layout));
  const l3 = proj.layouts['umap-3d'];
  for (let k = 0; k < 3; k++) {
    const col = l3.map((row) => row[k]);
    const lo = Math.min(...col),
      hi = Math.max(...col);
    col.forEach((v, i) =>
      assert.ok(
        Math.abs(((v - lo) / (hi - lo)) * 2 - 1 - shown[3 * i + k]) < 1e-3,
        `point ${i} axis ${k}`,
      ),
    );
  }
  await hoverPlays(page);
  // the clusters and quality figures the CLI stored are shown (no features are loaded)
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  await page.selectOption('#dims', '2');
  if (config.quality?.trustworthiness !== undefined) {
    const q = await S(page, () => window.sonomap.quality);
    assert.equal(
      q?.trustworthiness,
      config.quality.trustworthiness,
      'the stored quality of the main layout',
    );
  }
  assert.equal(
    await page.locator('#color-by option[value="distance"]').isDisabled(),
    true,
    'no features, no distances',
  );
  const stored = proj.metadata.cluster;
  if (stored.some((c) => c >= 0)) {
    await page.selectOption('#color-by', 'cluster');
    await page.waitForFunction(() => window.sonomap.clusters, null, { timeout: 5000 });
    assert.deepEqual(
      Array.from(await S(page, () => Array.from(window.sonomap.clusters.index))),
      stored,
    );
    assert.ok(await page.locator('#chart').isVisible(), 'clusters against labels');
  }
  assert.deepEqual(errors, []);
  await page.close();
});

const SCALE_N = Number(process.env.SONOMAP_SCALE_N || 20000);
const SCALE_D = Number(process.env.SONOMAP_SCALE_D || 64);

test(`scale: ${SCALE_N} synthetic rows × ${SCALE_D} mapped through the projection worker, the page stays responsive`, async () => {
  const { page, errors } = await openPage(session.url);
  const n = SCALE_N,
    d = SCALE_D,
    groups = 12;
  // Clustered rows made in the page (a seeded generator), labelled by their cluster; a ticker
  // records the longest gap between its beats while the map is made.
  await S(
    page,
    ({ n, d, groups }) => {
      let s = 12345;
      const rnd = () => {
        s ^= s << 13;
        s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5;
        s >>>= 0;
        return s / 4294967296;
      };
      const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
      const centres = Array.from({ length: groups }, () =>
        Float32Array.from({ length: d }, () => gauss() * 3),
      );
      const X = new Float32Array(n * d);
      const labels = new Array(n);
      for (let i = 0; i < n; i++) {
        const g = i % groups;
        labels[i] = `group ${g + 1}`;
        for (let j = 0; j < d; j++) X[i * d + j] = centres[g][j] + gauss();
      }
      window.__lag = { max: 0, beats: 0, statuses: [] };
      let last = performance.now();
      window.__ticker = setInterval(() => {
        const t = performance.now();
        window.__lag.max = Math.max(window.__lag.max, t - last);
        window.__lag.beats++;
        const st = document.getElementById('status').textContent;
        if (window.__lag.statuses.at(-1) !== st) window.__lag.statuses.push(st);
        last = t;
      }, 50);
      window.__result = null;
      window.sonomap.mapFeatures(X, n, d, { projection: 'umap', dims: 2, labels }).then(
        (r) => {
          window.__result = r;
        },
        (e) => {
          window.__result = { error: e.message };
        },
      );
    },
    { n, d, groups },
  );
  // while it maps, the page answers and says how far it is: the first layouts are drawn, a
  // search is answered and the view zooms before the map is done
  await page.waitForFunction(
    () => /^Mapping/.test(document.getElementById('status').textContent),
    null,
    { timeout: 30000 },
  );
  await page.waitForFunction(() => window.sonomap.count > 0, null, {
    timeout: 120000,
    polling: 100,
  });
  const during = await S(page, () => {
    const search = document.getElementById('search');
    search.value = 'group 1';
    search.dispatchEvent(new Event('input'));
    const before = window.sonomap.screenPoint(0);
    document
      .getElementById('map')
      .dispatchEvent(new KeyboardEvent('keydown', { key: '+', bubbles: true }));
    const after = window.sonomap.screenPoint(0);
    const answer = {
      count: document.getElementById('search-count').textContent,
      moved: Math.hypot(after.x - before.x, after.y - before.y),
      status: document.getElementById('status').textContent,
    };
    search.value = '';
    search.dispatchEvent(new Event('input'));
    document
      .getElementById('map')
      .dispatchEvent(new KeyboardEvent('keydown', { key: '0', bubbles: true }));
    return answer;
  });
  assert.match(during.status, /^Mapping/, 'still mapping');
  assert.match(during.count, new RegExp(`^\\d+ of ${n}$`), 'a search is answered while mapping');
  assert.ok(during.moved > 0, 'the view zooms while mapping');
  await page.waitForFunction(() => window.__result, null, { timeout: 600000, polling: 250 });
  const res = await S(page, () => ({ ...window.__result, lag: window.__lag }));
  assert.equal(res.error, undefined);
  clearInterval(await S(page, () => window.__ticker));
  assert.equal(res.status, `Mapped ${n} points`);
  assert.ok(
    res.lag.statuses.some((t) => /^Mapping .* \d+ %$/.test(t)),
    `progress was reported (${res.lag.statuses.slice(0, 4).join(' | ')})`,
  );
  console.log(
    `# ${n} × ${d} → 2-D UMAP in ${(res.ms / 1000).toFixed(1)} s; longest main-thread gap ${Math.round(res.lag.max)} ms; ${res.lag.beats} beats`,
  );
  assert.equal(await S(page, () => window.sonomap.count), n);
  assert.ok(await S(page, () => window.sonomap.layout.every(Number.isFinite)), 'every row placed');
  // quality on 1,000 sampled rows; well separated groups keep their labels
  await page.waitForFunction(() => window.sonomap.quality, null, {
    timeout: Math.max(120000, n * 6),
  });
  const q = await S(page, () => window.sonomap.quality);
  assert.equal(q.queries, 1000);
  assert.ok(q.labelAccuracy > 0.9, `1-NN label accuracy ${q.labelAccuracy}`);
  console.log(
    `# quality at ${n}: T ${q.trustworthiness.toFixed(3)} C ${q.continuity.toFixed(3)} 1-NN ${q.labelAccuracy.toFixed(3)}`,
  );
  // hover picks a point (its tooltip), search answers
  const seen = (await visiblePoints(page)).slice(0, 20);
  let named = false;
  for (const i of seen) {
    const p = await S(page, (k) => window.sonomap.screenPoint(k), i);
    await page.mouse.move(p.x, p.y);
    const tip = await page.locator('#tooltip').textContent();
    if (!(await page.locator('#tooltip').isHidden()) && /^row \d+/.test(tip)) {
      named = true;
      break;
    }
  }
  assert.ok(named, 'hovering a point shows its tooltip');
  await page.fill('#search', 'group 3');
  const inThird = Array.from({ length: n }, (_, i) => i % groups === 2).filter(Boolean).length;
  assert.equal(await page.locator('#search-count').textContent(), `${inThird} of ${n}`);
  await page.fill('#search', '');
  // clusters at this size, against the groups
  await page.selectOption('#color-by', 'cluster');
  await page.fill('#clusters-k', String(groups));
  await page.locator('#clusters-k').dispatchEvent('change');
  await page.waitForFunction(
    (k) => window.sonomap.clusters?.k === k && window.sonomap.clusterTable,
    groups,
    { timeout: 120000 },
  );
  const table = await S(page, () => window.sonomap.clusterTable);
  const purity = table.reduce((a, row) => a + Math.max(...row), 0) / n;
  assert.ok(purity > 0.9, `k-means finds the groups (purity ${purity.toFixed(3)})`);
  await page.mouse.move(5, 790);
  await page.screenshot({ path: path.join(OUTDIR, 'scale.png') });
  // the grid, up to 20,000 points
  if (n <= 20000) {
    await page.click('#grid');
    await page.waitForFunction(() => window.sonomap.grid, null, { timeout: 120000 });
    await page.waitForTimeout(900);
    assert.equal(
      isLattice(await S(page, () => Array.from(window.sonomap.layout))).distinct,
      n,
      'one cell per point',
    );
  }
  assert.deepEqual(errors, []);
  await page.close();
});
