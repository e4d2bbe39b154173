// page.test.mjs — the page in Debian's Chromium (playwright-core), served by scripts/serve.mjs.
//  1. Files given through the file picker, then a whole folder through the folder picker
//     (build/fixtures/browser: 48 sounds in six formats in subfolders, plus two broken files):
//     the status ends "Mapped 48 sounds · 2 failed", one point per good file, the broken files
//     are listed with reasons, hovering a point plays it, no console errors, no request leaves
//     127.0.0.1. Screenshot: tests/out/map.png. The map's export opens again with ?dataset=.
//  2. A dataset folder written by the CLI (dist/sonomap.mjs analyze) opened with ?dataset=, and a
//     missing one (a clear message, the drop card back).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import {
  copySite,
  openPage as open,
  serve,
  siteSession,
  visiblePoints,
  waitStatus as wait,
} from './harness.mjs';

const ROOT = process.cwd();
const DIST = path.join(ROOT, 'dist');
const FIX = path.join(ROOT, 'build/fixtures/browser');
const OUTDIR = path.join(ROOT, 'tests/out');
const BROKEN = ['broken/notes.wav', 'broken/truncated.wav'];

function listFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

// The site is a copy of dist/ so the dataset the CLI writes can sit inside it.
const session = siteSession('site', { acceptDownloads: true });

const openPage = (url) => open(session.context, url);
const status = (page) => page.locator('#status').textContent();
const waitStatus = (page, re, timeout = 180000) => wait(page, re, timeout);

function assertLocal(requests) {
  const origin = new URL(session.url).origin;
  const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !/^(data|blob):/.test(u));
  assert.deepEqual(foreign, [], 'no request leaves the local server');
  assert.ok(
    requests.some((u) => u.endsWith('/sonomap.wasm')),
    'the wasm was fetched (requests are recorded)',
  );
}

/** Index of a point whose centre is on the canvas itself (not under a panel), or -1. */
async function visiblePoint(page) {
  return (await visiblePoints(page))[0] ?? -1;
}

async function hoverPlays(page) {
  const i = await visiblePoint(page);
  assert.ok(i >= 0, 'some point is visible on the canvas');
  const p = await page.evaluate((k) => window.sonomap.screenPoint(k), i);
  const playsBefore = await page.evaluate(() => window.sonomap.plays);
  await page.mouse.move(p.x - 40, p.y - 40);
  await page.mouse.move(p.x, p.y, { steps: 4 });
  await page.waitForFunction(
    (k) => window.sonomap.lastPlayed?.index === k && window.sonomap.audioState === 'running',
    i,
    { timeout: 10000 },
  );
  const played = await page.evaluate(() => ({
    ...window.sonomap.lastPlayed,
    plays: window.sonomap.plays,
  }));
  assert.ok(played.plays > playsBefore, 'a sound started');
  assert.ok(played.duration > 0, 'it has a duration');
  const tip = await page.locator('#tooltip').textContent();
  assert.ok(tip.includes(played.file.split('/').pop()), `the tooltip names the file (${tip})`);
  return played;
}

/** A map of the tones and noises made with a model: the sines are tagged "Sine wave", searching
 *  for the tag `search` finds some sounds but not all, and the tooltip shows the tags. */
async function checkTags(page, items, search) {
  const toneTags = items
    .filter((it) => it.file.startsWith('sine'))
    .flatMap((it) => it.tags.map((t) => t.name));
  assert.ok(
    toneTags.includes('Sine wave'),
    `the sines are tagged Sine wave (${[...new Set(toneTags)].join(', ')})`,
  );
  await page.fill('#search', search);
  const shown = Number((await page.locator('#search-count').textContent()).split(' ')[0]);
  assert.ok(shown >= 1 && shown < items.length, `searching a tag finds some sounds (${shown})`);
  await page.fill('#search', '');
  await hoverPlays(page);
  assert.ok(
    (await page.locator('#tooltip .tt-tags').textContent()).length > 3,
    'the tooltip shows the tags',
  );
}

async function checkMap(page, n) {
  const info = await page.evaluate(() => ({
    count: window.sonomap.count,
    layout: Array.from(window.sonomap.layout),
  }));
  assert.equal(info.count, n, 'one point per good file');
  assert.equal(info.layout.length, 2 * n);
  assert.ok(info.layout.every(Number.isFinite), 'every point has a finite position');
  const xs = info.layout.filter((_, k) => k % 2 === 0),
    ys = info.layout.filter((_, k) => k % 2 === 1);
  assert.ok(
    Math.max(...xs) > Math.min(...xs) && Math.max(...ys) > Math.min(...ys),
    'the points are spread out',
  );
}

test('files and folders dropped through the pickers become a map you can hear', async () => {
  const all = listFiles(FIX);
  const good = all.filter((f) => !BROKEN.some((b) => f.endsWith(b)));
  assert.equal(all.length - good.length, 2);
  const { page, errors, requests } = await openPage(session.url);
  assert.match(await status(page), /Drop sounds/);
  // fingerprint features (no model): searching matches file names only
  await page.selectOption('#features', 'fingerprint');

  // 1. the file picker with every file (names only, so no labels)
  await page.setInputFiles('#file-input', all);
  let text = await waitStatus(page, /^(Mapped|No sounds|Could not|The )/);
  assert.match(text, new RegExp(`^Mapped ${good.length} sounds · 2 failed$`));
  await checkMap(page, good.length);
  const failures = await page.locator('#failures li').evaluateAll((lis) =>
    lis.map((li) => ({
      name: li.querySelector('.failure-name').textContent,
      reason: li.querySelector('.failure-reason').textContent,
    })),
  );
  assert.deepEqual(failures.map((f) => f.name).sort(), ['notes.wav', 'truncated.wav']);
  for (const f of failures) assert.ok(f.reason.length > 5, `a reason for ${f.name}: "${f.reason}"`);
  assert.ok(
    await page.locator('#failures').isVisible(),
    'the failures are listed where they can be seen',
  );
  const played = await hoverPlays(page);
  assert.ok(
    good.some((g) => g.endsWith(played.file)),
    'the sound played is one of the files',
  );

  // 2. the folder picker with the whole folder: a new map replaces the first, labelled by folder
  await page.setInputFiles('#folder-input', FIX);
  await page.waitForFunction(
    () => !/^Mapped/.test(document.getElementById('status').textContent),
    null,
    { timeout: 10000 },
  );
  text = await waitStatus(page, /^(Mapped|No sounds|Could not|The )/);
  assert.match(text, new RegExp(`^Mapped ${good.length} sounds · 2 failed$`));
  await checkMap(page, good.length);
  const items = await page.evaluate(() => window.sonomap.items);
  assert.ok(
    items.every((it) => it.file.startsWith('browser/')),
    'paths keep their folders',
  );
  const labels = new Set(items.map((it) => it.label));
  assert.deepEqual([...labels].sort(), ['clicks', 'noise', 'plucks', 'sweeps', 'tones', 'words']);
  assert.equal(await page.locator('#legend li').count(), 6, 'a legend of the six folders');
  assert.deepEqual(
    (await page.evaluate(() => window.sonomap.failures)).map((f) => f.file).sort(),
    BROKEN.map((b) => `browser/${b}`),
  );

  // search dims what does not match
  await page.fill('#search', 'sine');
  assert.equal(await page.locator('#search-count').textContent(), `8 of ${good.length}`);
  await page.fill('#search', '');
  await hoverPlays(page);
  await page.mouse.move(5, 790); // out of the way for the picture
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUTDIR, 'map.png') });

  // Export: the dataset folder as one .zip (where the browser cannot write a folder), which
  // opens again with ?dataset= as the same map once unzipped.
  await page.evaluate(() => {
    window.showDirectoryPicker = undefined;
  });
  const download = page.waitForEvent('download');
  await page.click('#export');
  await waitStatus(page, /exported to|export failed/, 30000);
  assert.match(
    await status(page),
    /^Mapped 48 sounds · 2 failed · exported to your downloads \(browser\.zip\)$/,
  );
  const zipFile = path.join(session.root, 'browser.zip');
  await (await download).saveAs(zipFile);
  const exp = path.join(session.root, 'exported');
  fs.mkdirSync(exp, { recursive: true });
  for (const [name, bytes] of Object.entries(unzipSync(fs.readFileSync(zipFile))))
    fs.writeFileSync(path.join(exp, name.replace(/^browser\//, '')), bytes);
  assert.deepEqual(fs.readdirSync(exp).sort(), [
    'audio-sprites.json',
    'audio.wav',
    'config.json',
    'embeddings.npy',
    'files.txt',
    'labels.tsv',
    'projections.json',
    'sprite.png',
  ]);
  const exported = JSON.parse(fs.readFileSync(path.join(exp, 'config.json'), 'utf8'));
  assert.equal(exported.count, good.length);
  assert.equal(
    fs.readFileSync(path.join(exp, 'files.txt'), 'utf8').trim().split('\n').length,
    good.length,
  );
  await page.goto(`${session.url}?dataset=exported/`);
  assert.equal(
    await waitStatus(page, /^(Mapped|Could not)/, 30000),
    `Mapped ${good.length} sounds · 2 failed · loaded from exported/`,
  );
  await checkMap(page, good.length);
  assert.deepEqual(
    (await page.evaluate(() => window.sonomap.items)).map((it) => it.label),
    items.map((it) => it.label),
  );
  await hoverPlays(page);

  assert.deepEqual(errors, [], 'no console errors');
  assertLocal(requests);
  await page.close();
});

test('files dropped on the page (drag and drop) are mapped', async () => {
  const picks = [
    'tones/sine-440.wav',
    'noise/white-0.5.flac',
    'plucks/pluck-C4.ogg',
    'words/word-red.mp3',
  ];
  const files = picks.map((p) => ({
    name: path.basename(p),
    b64: fs.readFileSync(path.join(FIX, p)).toString('base64'),
  }));
  const { page, errors, requests } = await openPage(session.url);
  const overlay = await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name));
    }
    const root = document.documentElement;
    root.dispatchEvent(
      new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }),
    );
    const shown = !document.getElementById('drop-overlay').hidden;
    root.dispatchEvent(
      new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
    );
    return shown;
  }, files);
  assert.ok(overlay, 'dragging files over the page shows the drop overlay');
  assert.equal(
    await page.locator('#drop-overlay').isHidden(),
    true,
    'the overlay goes away on drop',
  );
  const text = await waitStatus(page, /^(Mapped|No sounds|Could not|The )/, 60000);
  assert.equal(text, `Mapped ${picks.length} sounds · sonomap-s embeddings`);
  await checkMap(page, picks.length);
  assert.deepEqual(
    (await page.evaluate(() => window.sonomap.items)).map((it) => it.file).sort(),
    files.map((f) => f.name).sort(),
  );
  assert.equal(await page.locator('#failures').isHidden(), true, 'no failures listed');
  assert.deepEqual(errors, [], 'no console errors');
  assertLocal(requests);
  await page.close();
});

test('one sound, then two, are mapped (fewer rows than any neighbourhood)', async () => {
  const { page, errors } = await openPage(session.url);
  for (const picks of [['tones/sine-440.wav'], ['tones/sine-440.wav', 'noise/white-0.5.flac']]) {
    await page.setInputFiles(
      '#file-input',
      picks.map((p) => path.join(FIX, p)),
    );
    const text = await waitStatus(page, /^(Mapped|No sounds|Could not|The )/, 60000);
    assert.equal(
      text,
      `Mapped ${picks.length} sound${picks.length === 1 ? '' : 's'} · sonomap-s embeddings`,
    );
    const info = await page.evaluate(() => ({
      count: window.sonomap.count,
      layout: Array.from(window.sonomap.layout),
    }));
    assert.equal(info.count, picks.length, 'one point per file');
    assert.equal(info.layout.length, 2 * picks.length);
    assert.ok(
      info.layout.every(Number.isFinite),
      `every point has a finite position (${info.layout})`,
    );
    if (picks.length === 2) {
      const [x0, y0, x1, y1] = info.layout;
      assert.ok(Math.hypot(x1 - x0, y1 - y0) > 0, 'the two sounds are apart');
    }
    assert.ok((await visiblePoint(page)) >= 0, 'a point is on the canvas');
  }
  assert.deepEqual(errors, [], 'no console errors');
  await page.close();
});

test('a dataset folder written by the CLI opens with ?dataset=, a missing one says so', async () => {
  const cli = path.join(DIST, 'sonomap.mjs');
  assert.ok(fs.existsSync(cli), 'dist/sonomap.mjs is built');
  const out = path.join(session.root, 'ds');
  const r = spawnSync(
    process.execPath,
    [cli, 'analyze', FIX, '--out', out, '--labels', 'folder', '--quiet'],
    { encoding: 'utf8', timeout: 240000 },
  );
  assert.equal(r.status, 0, `the CLI made a dataset: ${r.stderr}`);
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  const n = config.count;
  assert.ok(n >= 30, `the CLI mapped most files (${n})`);

  const { page, errors, requests } = await openPage(`${session.url}?dataset=ds/`);
  const text = await waitStatus(page, /^(Mapped|Could not)/, 60000);
  const failed = (config.failed || []).length;
  assert.match(
    text,
    new RegExp(`^Mapped ${n} sounds${failed ? ` · ${failed} failed` : ''} · loaded from ds/$`),
  );
  await checkMap(page, n);
  await hoverPlays(page);
  await page.screenshot({ path: path.join(OUTDIR, 'dataset.png') });
  assert.deepEqual(errors, [], 'no console errors');
  assertLocal(requests);

  // A folder that is not there: a clear message and the drop card (config.json may be missing,
  // as in some scatter-sounds folders; projections.json may not). The browser itself logs the
  // 404s as console errors; nothing else may be logged.
  const missing = await openPage(`${session.url}?dataset=nowhere/`);
  const msg = await waitStatus(missing.page, /^(Mapped|Could not)/, 30000);
  assert.match(
    msg,
    /^Could not open the map nowhere\/: projections\.json is missing \(HTTP 404\)\. Drop sounds here/,
  );
  assert.ok(await missing.page.locator('#empty').isVisible(), 'the drop card is shown');
  assert.deepEqual(
    missing.errors.filter((e) => !/404/.test(e)),
    [],
  );
  await missing.page.close();
  await page.close();
});

const MODEL = path.join(ROOT, '../shared/models/yamnet.tflite');

test('a YAMNet .tflite dropped with the sounds maps them by embeddings and tags them', {
  skip: !fs.existsSync(MODEL) && `${MODEL} is absent`,
}, async () => {
  const sounds = [...listFiles(path.join(FIX, 'tones')), ...listFiles(path.join(FIX, 'noise'))];
  const { page, errors, requests } = await openPage(session.url);
  await page.setInputFiles('#file-input', [...sounds, MODEL]);
  const text = await waitStatus(page, /^(Mapped|No sounds|Could not|The )/);
  assert.equal(text, `Mapped ${sounds.length} sounds · yamnet.tflite embeddings`);
  await checkMap(page, sounds.length);
  const items = await page.evaluate(() => window.sonomap.items);
  assert.ok(
    items.every((it) => it.tags.length === 5),
    'every sound has its top tags',
  );
  const sizes = await page.evaluate(() => window.sonomap.jobSizes);
  assert.ok(
    sizes.length < sounds.length && sizes.reduce((a, b) => a + b, 0) === sounds.length,
    `files go to the workers in batches so their patches are embedded together (${sizes})`,
  );
  await checkTags(page, items, 'pink noise');
  assert.deepEqual(errors, []);
  assertLocal(requests);
  await page.close();
});

test('by default the shipped sonomap-s maps the sounds by embeddings and tags them', async () => {
  const sounds = [...listFiles(path.join(FIX, 'tones')), ...listFiles(path.join(FIX, 'noise'))];
  const { page, errors, requests } = await openPage(session.url);
  assert.equal(await page.locator('#mode').inputValue(), 'whole', 'whole clip is the default');
  assert.equal(await page.locator('#features').inputValue(), 'embedding');
  await page.setInputFiles('#file-input', sounds);
  const text = await waitStatus(page, /^(Mapped|No sounds|Could not|The )/);
  assert.equal(text, `Mapped ${sounds.length} sounds · sonomap-s embeddings`);
  const made = await page.evaluate(() => window.sonomap.made);
  assert.equal(made.mode, 'whole');
  assert.equal(made.features, 'embedding');
  assert.equal(made.model.name, 'sonomap-s');
  assert.equal(made.model.embedding, 1024);
  assert.equal(made.model.classes, 521);
  await checkMap(page, sounds.length);
  const items = await page.evaluate(() => window.sonomap.items);
  assert.ok(
    items.every((it) => it.tags.length >= 3),
    'every sound has its top tags',
  );
  // no file is named after the tag searched for
  assert.ok(!items.some((it) => /sine wave/i.test(it.file)));
  await checkTags(page, items, 'sine wave');
  assert.ok(
    requests.some((u) => u.endsWith('/models/sonomap-s.smnn')),
    'the shipped model was fetched from the same origin',
  );
  assert.deepEqual(errors, []);
  assertLocal(requests);
  await page.close();
});

test('a broken dropped model is reported and the shipped model maps the sounds', async () => {
  const bad = path.join(session.root, 'broken-model.tflite');
  fs.writeFileSync(bad, Buffer.concat([Buffer.from('TFL3'), Buffer.alloc(5000, 7)]));
  const sounds = listFiles(path.join(FIX, 'tones'));
  const { page, errors } = await openPage(session.url);
  await page.setInputFiles('#file-input', [...sounds, bad]);
  const text = await waitStatus(page, /^(Mapped|No sounds|Could not|The )/);
  assert.equal(text, `Mapped ${sounds.length} sounds · 1 failed · sonomap-s embeddings`);
  await checkMap(page, sounds.length);
  const failures = await page.evaluate(() => window.sonomap.failures);
  assert.equal(failures.length, 1);
  assert.equal(failures[0].file, 'broken-model.tflite');
  assert.match(failures[0].reason, /\S.* — the map uses the shipped model sonomap-s instead/);
  const items = await page.evaluate(() => window.sonomap.items);
  assert.ok(
    items.every((it) => it.tags.length >= 3),
    'the sounds have sonomap-s tags',
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test('the features and window selectors: timbre in the onset window, embedding+timbre', async () => {
  const sounds = listFiles(path.join(FIX, 'tones'));
  for (const [features, mode, note] of [
    ['timbre', 'onset', ''],
    ['embedding+timbre', 'blend', ' · sonomap-s embeddings'],
  ]) {
    const { page, errors } = await openPage(session.url);
    await page.selectOption('#features', features);
    await page.selectOption('#mode', mode);
    await page.setInputFiles('#file-input', sounds);
    const text = await waitStatus(page, /^(Mapped|No sounds|Could not|The )/);
    assert.equal(text, `Mapped ${sounds.length} sounds${note}`);
    await checkMap(page, sounds.length);
    const made = await page.evaluate(() => window.sonomap.made);
    assert.equal(made.features, features);
    assert.equal(made.mode, mode);
    assert.equal(made.model?.name ?? null, note ? 'sonomap-s' : null);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('a copy of the site without models/ maps by fingerprints and says why', async () => {
  const bare = copySite('bare');
  fs.rmSync(path.join(bare, 'models'), { recursive: true, force: true });
  const bareServer = await serve(bare);
  try {
    const sounds = listFiles(path.join(FIX, 'tones'));
    const { page, errors } = await openPage(bareServer.url);
    await page.setInputFiles('#file-input', sounds);
    const text = await waitStatus(page, /^(Mapped|No sounds|Could not|The )/);
    assert.equal(text, `Mapped ${sounds.length} sounds · no model: fingerprint features`);
    await checkMap(page, sounds.length);
    assert.equal((await page.evaluate(() => window.sonomap.made)).features, 'fingerprint');
    // the browser logs the 404 of the model file; nothing else may be logged
    assert.deepEqual(
      errors.filter((e) => !/404/.test(e)),
      [],
    );
    await page.close();
  } finally {
    bareServer.close();
    fs.rmSync(bare, { recursive: true, force: true });
  }
});
