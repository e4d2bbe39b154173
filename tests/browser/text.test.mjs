// text.test.mjs — text stays text: sounds whose file names carry markup, quotes, a formula, a
// right-to-left override and 200 characters, labelled from a CSV whose labels carry markup and a
// NUL, are mapped; their names and labels appear as the same text in the tooltip, the legend,
// the Selection and Similar panels and the failures list; the CSV export quotes them, the
// dataset export's JSON gives them back exactly; no markup becomes an element and no script runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { unzipSync } from 'fflate';
import { copySite, launch, openPage, serve, waitStatus } from './harness.mjs';

const FIX = path.resolve('build/fixtures/browser');
let server, chromium, site, dir;

const NAMES = [
  '<img src=x onerror=window.__pwned=1>.wav',
  '"><svg onload=window.__pwned=2>.wav',
  '=HYPERLINK("http:x","click").wav',
  '\u202Egnp.wav',
  `${'very-long-name-'.repeat(13)}end.wav`,
  'plain "quoted" name, with comma.wav',
];
const LABELS = ['<b>bold</b>', 'nul\u0000label', '<script>window.__pwned=3</script>'];
// a broken file whose name is markup too: it goes to the failures list
const BROKEN = '<iframe src=javascript:window.__pwned=4>.wav';

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-text-'));
  const tones = fs.readdirSync(path.join(FIX, 'tones')).sort();
  NAMES.forEach((n, i) => fs.copyFileSync(path.join(FIX, 'tones', tones[i]), path.join(dir, n)));
  fs.writeFileSync(path.join(dir, BROKEN), 'RIFF....WAVEnot really');
  const q = (s) => `"${s.replace(/"/g, '""')}"`;
  fs.writeFileSync(
    path.join(dir, 'labels.csv'),
    `file,label\n${NAMES.map((n, i) => `${q(n)},${q(LABELS[i % LABELS.length])}`).join('\n')}\n`,
  );
  site = copySite('text');
  server = await serve(site);
  chromium = await launch({ acceptDownloads: true });
});

after(async () => {
  await chromium?.close();
  server?.close();
  for (const d of [site, dir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

const INJECTED = () =>
  [...document.querySelectorAll('img[src="x"], svg[onload], iframe, script:not([src]), b')]
    .filter((e) => !e.closest('head'))
    .map((e) => e.outerHTML.slice(0, 80));

test('markup, quotes, formulas, RTL, long names and NUL stay text everywhere', async () => {
  const { page, errors } = await openPage(chromium.context, server.url);
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  await page.setInputFiles(
    '#file-input',
    fs.readdirSync(dir).map((f) => path.join(dir, f)),
  );
  await waitStatus(page, new RegExp(`Mapped ${NAMES.length} sounds`), 180000);
  const failures = await page.evaluate(() => window.sonomap.failures);
  assert.deepEqual(
    failures.map((f) => f.file),
    [BROKEN],
    JSON.stringify(failures),
  );
  const items = await page.evaluate(() => window.sonomap.items.map((it) => [it.file, it.label]));
  assert.deepEqual(
    items.map(([f]) => f.split('/').pop()).sort(),
    [...NAMES].sort(),
    'every name arrives intact',
  );
  const labelOf = Object.fromEntries(NAMES.map((n, i) => [n, LABELS[i % LABELS.length]]));
  for (const [f, l] of items) assert.equal(l, labelOf[f.split('/').pop()], `label of ${f}`);

  // the tooltip of each point
  for (let i = 0; i < NAMES.length; i++) {
    const p = await page.evaluate((k) => window.sonomap.screenPoint(k), i);
    await page.mouse.move(p.x, p.y, { steps: 2 });
    await page.locator('#tooltip').waitFor({ state: 'visible' });
    const tip = await page.locator('#tooltip').textContent();
    const [f, l] = items[i];
    assert.ok(tip.includes(f.split('/').pop()), `tooltip shows ${JSON.stringify(f)}: ${tip}`);
    assert.ok(tip.includes(l), `tooltip shows the label ${JSON.stringify(l)}`);
  }
  // the legend (colour by label)
  await page.selectOption('#color-by', 'label');
  const legend = await page.locator('#legend').textContent();
  for (const l of LABELS) assert.ok(legend.includes(l), `legend shows ${JSON.stringify(l)}`);
  // the failures list
  assert.ok((await page.locator('#failures').textContent()).includes(BROKEN));
  // the Similar panel and the Selection panel
  await page.evaluate(() => window.sonomap.openSimilar(0));
  const similar = await page.locator('#similar').textContent();
  assert.ok(NAMES.filter((n) => similar.includes(n)).length >= NAMES.length - 1, similar);
  await page.keyboard.press('Escape');
  const box = await page.locator('#map').boundingBox();
  const top = await page.evaluate(
    () => document.querySelector('header').getBoundingClientRect().bottom,
  );
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + 4, Math.max(box.y, top) + 6);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 4, box.y + box.height - 4, { steps: 6 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await page.waitForFunction((n) => window.sonomap.selection.length === n, NAMES.length);
  const panel = await page.locator('#selection').textContent();
  for (const n of NAMES) assert.ok(panel.includes(n), `the Selection panel lists ${n}`);
  assert.deepEqual(await page.evaluate(INJECTED), [], 'no markup became an element');

  // the selection's CSV: quoted, formulas guarded
  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#selection-csv'),
  ]);
  const csv = fs.readFileSync(await csvDownload.path(), 'utf8');
  assert.ok(
    csv.includes('"plain ""quoted"" name, with comma.wav"'),
    'quotes doubled, comma kept inside',
  );
  assert.ok(csv.includes("'=HYPERLINK"), 'a formula is guarded');
  // the dataset export: the JSON gives every name back exactly
  await page.evaluate(() => {
    window.showDirectoryPicker = undefined;
  });
  const files = {};
  page.on('download', async (d) => {
    files[d.suggestedFilename()] = fs.readFileSync(await d.path());
  });
  await page.click('#export');
  await waitStatus(page, /exported/, 60000);
  await page.waitForTimeout(500);
  let projections = null;
  for (const [name, bytes] of Object.entries(files)) {
    if (name.endsWith('.zip')) {
      const z = unzipSync(new Uint8Array(bytes));
      const key = Object.keys(z).find((k) => k.endsWith('projections.json'));
      projections = JSON.parse(new TextDecoder().decode(z[key]));
    } else if (name.endsWith('projections.json')) projections = JSON.parse(bytes.toString('utf8'));
  }
  assert.ok(projections, `the export has projections.json (${Object.keys(files)})`);
  assert.deepEqual(
    projections.metadata.filenames.map((f) => f.split('/').pop()).sort(),
    [...NAMES].sort(),
  );
  assert.deepEqual([...projections.metadata.labelnames].sort(), [...LABELS].sort());

  assert.equal(await page.evaluate(() => window.__pwned ?? null), null, 'no script ran');
  assert.deepEqual(dialogs, []);
  assert.deepEqual(await page.evaluate(INJECTED), []);
  assert.deepEqual(
    errors.filter((e) => !/404/.test(e)),
    [],
  );
  await page.close();
});
