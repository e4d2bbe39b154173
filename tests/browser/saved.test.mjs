// Saved maps, resume, a worker crash and the dataset as one .zip: a finished map is kept in the
// browser and reopens after a reload with the same positions and no analysis; saved maps can be
// renamed and deleted; an analysis cut short by a reload resumes (the status says how many
// files were reused); a worker that dies on one file is replaced and the rest are mapped; the
// exported zip opens again both unzipped with ?dataset= and dropped as it is; a full disk
// leaves the map open with a notice; broken datasets and zips get messages naming the file.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { copySite, launch, openPage, serve, waitStatus } from './harness.mjs';

const FIX = 'build/fixtures/browser';
const OUT = 'tests/out';
const SOUNDS = ['tones', 'noise', 'clicks', 'sweeps', 'plucks'].flatMap((d) =>
  fs
    .readdirSync(path.join(FIX, d))
    .sort()
    .map((f) => path.join(FIX, d, f)),
);

let server, browser, root;

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  root = copySite('saved');
  server = await serve(root);
  browser = await launch({ acceptDownloads: true });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** A page with init scripts run before the page's own. */
async function pageWith(url, scripts = []) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  for (const s of scripts) await page.addInitScript(s);
  await page.goto(url);
  return { page, errors };
}

async function mapFiles(page, files) {
  await page.selectOption('#features', 'fingerprint');
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction(
    () => window.sonomap.savedId !== null || window.sonomap.lastSave?.ok === false,
    null,
    { timeout: 120000 },
  );
  return waitStatus(page, /^Mapped|^No sounds/);
}

const near = (a, b, tol, what) => {
  assert.equal(a.length, b.length, `${what}: lengths`);
  const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  assert.ok(worst < tol, `${what}: differ by ${worst}`);
};

test('a finished map is saved and reopens after a reload with the same positions, no analysis', async () => {
  const { page, errors } = await openPage(browser.context, server.url);
  // a fresh browser profile (harness.mjs launch): no saved maps yet
  assert.deepEqual(await page.evaluate(() => window.sonomap.savedMaps), []);
  const files = SOUNDS.slice(0, 16);
  const text = await mapFiles(page, files);
  assert.match(text, /^Mapped 16 sounds$/);
  const before = await page.evaluate(() => ({
    raw: window.sonomap.rawLayout,
    layout: Array.from(window.sonomap.layout),
    items: window.sonomap.items.map((it) => [it.file, it.label]),
  }));
  const saved = await page.evaluate(() => window.sonomap.savedMaps);
  assert.equal(saved.length, 1);
  const { name } = saved[0];
  await page.reload();
  const list = page.getByRole('region', { name: 'Saved maps' });
  await list.getByRole('button', { name: `Rename ${name}` }).waitFor();
  const row = await list.locator('li').first().textContent();
  assert.match(row, new RegExp(`${name}.*16 sounds`));
  assert.match(await list.textContent(), /Saved maps use [\d.]+\s[kMG]B of the/);
  await page.screenshot({ path: path.join(OUT, 'saved.png') });
  // the README's picture, only when asked (a test run leaves the tree as it found it)
  if (process.env.SONOMAP_DOCS === '1')
    await page.screenshot({
      path: 'docs/saved.png',
      clip: { x: 300, y: 150, width: 680, height: 560 },
    });
  await list.locator('.saved-open').first().click();
  const again = await waitStatus(page, /^Mapped|^Could not/);
  assert.match(again, new RegExp(`^Mapped 16 sounds · loaded from saved map ${name}`));
  const after = await page.evaluate(() => ({
    raw: window.sonomap.rawLayout,
    layout: Array.from(window.sonomap.layout),
    items: window.sonomap.items.map((it) => [it.file, it.label]),
    analysed: window.sonomap.analysed,
    jobs: window.sonomap.jobSizes,
  }));
  assert.equal(after.analysed, 0, 'no file was analysed');
  assert.deepEqual(after.jobs, []);
  assert.deepEqual(after.items, before.items);
  near(after.raw, before.raw, 1e-4, 'rawLayout');
  near(after.layout, before.layout, 1e-3, 'layout');
  assert.deepEqual(errors, []);
  await page.close();
});

test('saved maps can be renamed and deleted', async () => {
  const { page } = await openPage(browser.context, server.url);
  const list = page.getByRole('region', { name: 'Saved maps' });
  await page.waitForFunction(() => window.sonomap.savedMaps.length === 1);
  const { name } = (await page.evaluate(() => window.sonomap.savedMaps))[0];
  await list.getByRole('button', { name: `Rename ${name}` }).click();
  const input = list.getByRole('textbox', { name: `New name for ${name}` });
  await input.fill('my tones');
  await input.press('Enter');
  await list.getByRole('button', { name: 'Rename my tones' }).waitFor();
  await page.reload();
  await list.getByRole('button', { name: 'Delete my tones' }).click();
  await page.waitForFunction(() => window.sonomap.savedMaps.length === 0);
  assert.ok(await list.isHidden(), 'an empty list is not shown');
  await page.reload();
  assert.deepEqual(await page.evaluate(() => window.sonomap.savedMaps), []);
  await page.close();
});

test('an analysis cut short by a reload resumes: finished files are reused', async () => {
  const { page } = await openPage(browser.context, server.url);
  const files = SOUNDS.slice(0, 40);
  await page.selectOption('#features', 'fingerprint');
  await page.setInputFiles('#file-input', files);
  const at = await waitStatus(page, /^Analysing ([5-9]|[1-2]\d) of 40/);
  const done = Number(/Analysing (\d+)/.exec(at)[1]);
  await page.reload();
  const text = await mapFiles(page, files);
  const { reused, analysed, count } = await page.evaluate(() => ({
    reused: window.sonomap.reused,
    analysed: window.sonomap.analysed,
    count: window.sonomap.count,
  }));
  assert.equal(count, 40);
  assert.ok(reused >= done - 4 && reused < 40, `reused ${reused} (${done} were done)`);
  assert.equal(analysed, 40 - reused, 'only the others were analysed');
  assert.match(text, new RegExp(`${reused} reused from an earlier analysis`));
  await page.close();
});

test('a worker that dies on one file is replaced: that file is reported, the rest are mapped', async () => {
  const dir = fs.mkdtempSync(path.join(root, 'crash-'));
  const crash = path.join(dir, 'sonomap-test-crash.wav');
  fs.copyFileSync(SOUNDS[0], crash);
  const { page } = await openPage(browser.context, server.url);
  const text = await mapFiles(page, [...SOUNDS.slice(1, 9), crash]);
  assert.match(text, /^Mapped 8 sounds · 1 failed/);
  const failures = await page.evaluate(() => window.sonomap.failures);
  assert.equal(failures.length, 1);
  assert.match(failures[0].file, /sonomap-test-crash\.wav$/);
  assert.match(failures[0].reason, /the analysis stopped: .*crashed/);
  await page.close();
});

const NO_PICKER = () => {
  Object.defineProperty(window, 'showDirectoryPicker', { value: undefined });
};

async function exportZip(page, name) {
  const download = page.waitForEvent('download');
  await page.click('#export');
  const d = await download;
  const file = path.join(root, name);
  await d.saveAs(file);
  return file;
}

test('the exported zip opens again unzipped with ?dataset= and dropped as it is', async () => {
  const { page, errors } = await pageWith(server.url, [NO_PICKER]);
  await mapFiles(page, SOUNDS.slice(16, 28));
  const want = await page.evaluate(() => ({
    raw: window.sonomap.rawLayout,
    items: window.sonomap.items.map((it) => [it.file, it.label]),
  }));
  const zipPath = await exportZip(page, 'export.zip');
  const exp = await page.evaluate(() => window.sonomap.datasetExport);
  assert.equal(exp.kind, 'zip');
  const entries = unzipSync(fs.readFileSync(zipPath));
  const names = Object.keys(entries);
  for (const f of ['config.json', 'projections.json', 'sprite.png', 'audio.wav', 'files.txt'])
    assert.ok(
      names.some((n) => n.endsWith(`/${f}`)),
      `${f} in the zip (${names})`,
    );
  for (const [n, bytes] of Object.entries(entries)) {
    fs.mkdirSync(path.join(root, 'unzipped', path.dirname(n)), { recursive: true });
    fs.writeFileSync(path.join(root, 'unzipped', n), bytes);
  }
  const folder = path.dirname(names.find((n) => n.endsWith('projections.json')));
  const check = async (p, label) => {
    const text = await waitStatus(p, /^Mapped|^Could not/);
    assert.match(text, new RegExp(`^Mapped 12 sounds · loaded from ${label}$`));
    const got = await p.evaluate(() => ({
      raw: window.sonomap.rawLayout,
      items: window.sonomap.items.map((it) => [it.file, it.label]),
    }));
    assert.deepEqual(got.items, want.items);
    near(got.raw, want.raw, 1e-4, label);
  };
  const { page: p1 } = await pageWith(`${server.url}?dataset=unzipped/${folder}/`, [NO_PICKER]);
  await check(p1, `unzipped/${folder}/`);
  // a map opened with ?dataset= exports too: the same files, embeddings and all
  const again = unzipSync(fs.readFileSync(await exportZip(p1, 'again.zip')));
  assert.deepEqual(Object.keys(again).sort(), names.sort());
  for (const n of names) assert.ok(Buffer.from(again[n]).equals(Buffer.from(entries[n])), n);
  // relabelled on the page (a labels file): the export says the new labels, the rest as read
  const first = want.items[0][0];
  const csv = path.join(root, 'relabel.csv');
  fs.writeFileSync(csv, `file,label\n${first},relabelled\n`);
  await p1.setInputFiles('#file-input', csv);
  await p1.waitForFunction(() => window.sonomap.items[0]?.label === 'relabelled');
  const third = unzipSync(fs.readFileSync(await exportZip(p1, 'third.zip')));
  const at = (n) => Object.keys(third).find((k) => k.endsWith(`/${n}`));
  const md = JSON.parse(Buffer.from(third[at('projections.json')]).toString()).metadata;
  assert.equal(md.labelnames[md.labels[0]], 'relabelled');
  assert.match(Buffer.from(third[at('labels.tsv')]).toString(), /\trelabelled\t/);
  assert.ok(Buffer.from(third[at('sprite.png')]).equals(Buffer.from(entries[at('sprite.png')])));
  await p1.close();
  const { page: p2 } = await pageWith(server.url);
  await p2.setInputFiles('#file-input', zipPath);
  await check(p2, 'export.zip');
  await p2.waitForFunction(() => window.sonomap.savedId !== null);
  assert.equal(await p2.evaluate(() => window.sonomap.analysed), 0);
  assert.deepEqual(errors, []);
  await p2.close();
  await page.close();
});

test('a full disk: the map stays open and the page says it could not be saved', async () => {
  const QUOTA = () => {
    for (const op of ['add', 'put'])
      IDBObjectStore.prototype[op] = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
  };
  const { page } = await pageWith(server.url, [QUOTA]);
  await mapFiles(page, SOUNDS.slice(0, 6));
  const text = await waitStatus(page, /could not be saved/);
  assert.match(text, /^Mapped 6 sounds · .*could not be saved in this browser \(.*full\)/);
  assert.equal(await page.evaluate(() => window.sonomap.count), 6);
  assert.equal((await page.evaluate(() => window.sonomap.lastSave)).error, 'QuotaExceededError');
  await page.close();
});

test('broken datasets and zips: a message naming the file, nothing from another site', async () => {
  const r = spawnSync(
    process.execPath,
    [
      'dist/sonomap.mjs',
      'analyze',
      'build/fixtures/cli/tones',
      '--out',
      path.join(root, 'good'),
      '--quiet',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const good = path.join(root, 'good');
  const variant = (name, change) => {
    const dir = path.join(root, name);
    fs.cpSync(good, dir, { recursive: true });
    change(dir);
    return dir;
  };
  const edit = (file, f) => fs.writeFileSync(file, f(fs.readFileSync(file, 'utf8')));
  variant('no-proj', (d) => fs.rmSync(path.join(d, 'projections.json')));
  variant('bad-json', (d) => edit(path.join(d, 'projections.json'), (s) => s.slice(0, -20)));
  variant('bad-files', (d) => edit(path.join(d, 'files.txt'), (s) => `${s}extra.wav\n`));
  variant('bad-emb', (d) => {
    const p = path.join(d, 'projections.json');
    const j = JSON.parse(fs.readFileSync(p, 'utf8'));
    for (const k of Object.keys(j.metadata)) if (Array.isArray(j.metadata[k])) j.metadata[k].pop();
    j.idx.pop();
    j.projections.pop();
    j.spherical.pop();
    for (const k of Object.keys(j.layouts)) j.layouts[k].pop();
    fs.writeFileSync(p, JSON.stringify(j));
    edit(path.join(d, 'files.txt'), (s) => `${s.trim().split('\n').slice(0, -1).join('\n')}\n`);
    edit(path.join(d, 'config.json'), (s) =>
      JSON.stringify({ ...JSON.parse(s), count: j.idx.length }),
    );
  });
  variant('far', (d) =>
    edit(path.join(d, 'config.json'), (s) =>
      JSON.stringify({ ...JSON.parse(s), sprite: { file: 'http://127.0.0.2:9/sprite.png' } }),
    ),
  );
  // a 1×1 PNG where the config says 20 tiles of 128 px
  const PNG1 =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  variant('small-sprite', (d) => {
    const c = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(d, c.sprite.file), Buffer.from(PNG1, 'base64'));
  });
  const cases = [
    ['no-proj', /^Could not open the map no-proj\/: projections\.json is missing/],
    ['bad-json', /^Could not open the map bad-json\/: projections\.json is not valid JSON/],
    ['bad-files', /files\.txt lists 21 files but projections\.json has 20/],
    ['bad-emb', /embeddings\.npy has 20 rows but projections\.json has 19/],
    [
      'far',
      /config\.json names http:\/\/127\.0\.0\.2:9\/sprite\.png for the sprite sheet, on another site/,
    ],
    ['small-sprite', /^Mapped 20 sounds · .*sprite\.\w+ is 1×1 px, too small for 20 tiles/],
  ];
  const { page } = await openPage(browser.context, server.url);
  const requests = [];
  browser.context.on('request', (q) => requests.push(q.url()));
  for (const [dir, re] of cases) {
    await page.goto(`${server.url}?dataset=${dir}/`);
    assert.match(await waitStatus(page, /^Mapped|^Could not/), re, dir);
    if (!re.source.startsWith('^Mapped'))
      assert.equal(await page.evaluate(() => window.sonomap.count), 0, dir);
  }
  // the same as dropped zips
  const zipOf = (dir) => {
    const files = {};
    for (const f of fs.readdirSync(path.join(root, dir)))
      files[`${dir}/${f}`] = fs.readFileSync(path.join(root, dir, f));
    const p = path.join(root, `${dir}.zip`);
    fs.writeFileSync(p, zipSync(files));
    return p;
  };
  await page.goto(server.url);
  for (const [dir, re] of cases.filter(([d]) => d !== 'small-sprite')) {
    await page.setInputFiles('#file-input', zipOf(dir));
    const text = await waitStatus(page, new RegExp(`^(Mapped|Could not).*${dir}\\.zip`));
    assert.match(text, new RegExp(re.source.replace(`map ${dir}\\/`, `map ${dir}\\.zip`)), dir);
  }
  fs.writeFileSync(path.join(root, 'junk.zip'), 'this is not a zip');
  await page.setInputFiles('#file-input', path.join(root, 'junk.zip'));
  assert.match(
    await waitStatus(page, /^Could not/),
    /^Could not open junk\.zip: junk\.zip is not a zip file/,
  );
  assert.deepEqual(
    requests.filter(
      (u) => !u.startsWith(server.url) && !u.startsWith('blob:') && !u.startsWith('data:'),
    ),
    [],
  );
  await page.close();
});
