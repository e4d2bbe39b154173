// similar-labels.test.mjs — working with sounds on the page, in Debian's Chromium:
//  1. 48 sounds given with a labels CSV that labels half of them (plus a bad labels file and one
//     that is not CSV): the named sounds carry its labels, the bad lines are listed by file name
//     and line while the rest applies, markup in names and labels stays text.
//  2. Predicted labels for the others: the same as a 10-NN similarity-weighted vote computed
//     here by brute force over the page's feature rows, drawn distinctly (alpha 128 in the
//     colours: hatched), leave-one-out accuracy in the map quality panel (checked by brute
//     force too); "Confirm" turns one into a label.
//  3. Clicking a point opens "Similar sounds": its 10 nearest by cosine distance, as brute force
//     finds them; hovering an entry plays it, clicking selects it.
//  4. The export carries the predictions (labels.tsv predicted/confidence, projections.json
//     metadata.predicted*) and ?dataset= loads them back, with the feature rows.
// Screenshots: tests/out/similar.png, tests/out/labels.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { unzipSync } from 'fflate';
import { copySite, launch, openPage, serve, waitStatus } from './harness.mjs';

const ROOT = process.cwd();
const FIX = path.join(ROOT, 'build/fixtures/browser');
const OUTDIR = path.join(ROOT, 'tests/out');
const KINDS = ['clicks', 'noise', 'plucks', 'sweeps', 'tones', 'words'];

let server, chromium, tmpRoot;

before(async () => {
  assert.ok(fs.existsSync(path.join(ROOT, 'dist/labels-worker.js')), 'dist/ is built (make)');
  assert.ok(fs.existsSync(FIX), 'fixtures are made (make fixtures)');
  fs.mkdirSync(OUTDIR, { recursive: true });
  tmpRoot = copySite('labels');
  server = await serve(tmpRoot);
  chromium = await launch({ acceptDownloads: true });
});

after(async () => {
  await chromium?.close();
  server?.close();
  if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
});

function soundFiles() {
  const out = [];
  for (const k of KINDS) {
    const walk = (dir) => {
      for (const e of fs
        .readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => (a.name < b.name ? -1 : 1)))
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else out.push({ kind: k, file: path.join(dir, e.name) });
    };
    walk(path.join(FIX, k));
  }
  return out;
}

/** In the page: the 10-NN similarity-weighted vote of every unlabelled point, and the
 *  leave-one-out accuracy over the labelled ones, by brute force over window.sonomap.features. */
function bruteForcePredictions() {
  const { n, d, X } = window.sonomap.features;
  const labels = window.sonomap.items.map((it) => it.label);
  const norm = (i) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[i * d + j] ** 2;
    return Math.sqrt(s);
  };
  const norms = Array.from({ length: n }, (_, i) => norm(i));
  const sim = (a, b) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[a * d + j] * X[b * d + j];
    return s / (norms[a] * norms[b]);
  };
  const vote = (q) => {
    const near = [];
    for (let i = 0; i < n; i++) if (i !== q && labels[i]) near.push([sim(q, i), i]);
    near.sort((a, b) => b[0] - a[0]);
    const w = new Map();
    let total = 0;
    for (const [s, i] of near.slice(0, 10)) {
      const v = Math.exp((s - near[0][0]) / 0.02);
      w.set(labels[i], (w.get(labels[i]) ?? 0) + v);
      total += v;
    }
    const ranked = [...w].sort((a, b) => b[1] - a[1]);
    const [label, top] = ranked[0];
    return { label, confidence: top / total, margin: (top - (ranked[1]?.[1] ?? 0)) / total };
  };
  const predicted = labels.map((l, i) => (l ? null : vote(i)));
  let right = 0,
    tested = 0;
  labels.forEach((l, i) => {
    if (!l) return;
    tested++;
    if (vote(i).label === l) right++;
  });
  return { predicted, accuracy: right / tested, tested };
}

/** In the page: point `from`'s 10 nearest by cosine distance, by brute force. */
function bruteForceSimilar(from) {
  const { n, d, X } = window.sonomap.features;
  const dot = (a, b) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[a * d + j] * X[b * d + j];
    return s;
  };
  const out = [];
  for (let i = 0; i < n; i++)
    if (i !== from)
      out.push({ index: i, distance: 1 - dot(from, i) / Math.sqrt(dot(from, from) * dot(i, i)) });
  return out.sort((a, b) => a.distance - b.distance).slice(0, 10);
}

function assertSameList(got, want, what) {
  assert.equal(got.length, want.length, `${what}: length`);
  got.forEach((g, r) => {
    assert.ok(Math.abs(g.distance - want[r].distance) < 1e-5, `${what}: distance at ${r + 1}`);
    if (g.index !== want[r].index) {
      const w = want.find((x) => x.index === g.index);
      assert.ok(w && Math.abs(w.distance - want[r].distance) < 1e-5, `${what}: rank ${r + 1}`);
    }
  });
}

const waitPredictions = (page) =>
  page.waitForFunction(
    () =>
      window.sonomap.prediction &&
      !window.sonomap.prediction.busy &&
      Number.isFinite(window.sonomap.predictionAccuracy),
    null,
    { timeout: 60000, polling: 100 },
  );

test('labels from a CSV, predicted labels, similar sounds, export and reload', async () => {
  const sounds = soundFiles();
  assert.equal(sounds.length, 48);
  // every other sound of each kind is labelled by its kind; one label holds markup
  const rows = ['file,label'];
  const labelled = new Map();
  KINDS.forEach((k) => {
    sounds
      .filter((s) => s.kind === k)
      .forEach((s, j) => {
        if (j % 2) return;
        const name = path.basename(s.file);
        const label = name === 'sine-110.wav' ? '<b>tones</b>' : k;
        rows.push(`${name},${label}`);
        labelled.set(name, label);
      });
  });
  rows.push('"<img src=x onerror=window.pwned=1>.wav",noise');
  const dir = fs.mkdtempSync(path.join(tmpRoot, 'in-'));
  const good = path.join(dir, 'labels.csv');
  fs.writeFileSync(good, `${rows.join('\n')}\n`);
  // a second labels file: a name twice, a line without a label, one good row
  const bad = path.join(dir, 'bad-labels.tsv');
  fs.writeFileSync(
    bad,
    'sine-440.wav\ttones\nsine-440.wav\tnoise\nword-dog.mp3\nclick-4.wav\tclicks\n',
  );
  labelled.set('sine-440.wav', 'tones');
  labelled.set('click-4.wav', 'clicks');
  const junk = path.join(dir, 'junk.csv');
  fs.writeFileSync(junk, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3]));

  const { page, errors } = await openPage(chromium.context, server.url);
  await page.setInputFiles('#file-input', [...sounds.map((s) => s.file), good, bad, junk]);
  const text = await waitStatus(page, /^(Mapped|No sounds|Could not)/, 180000);
  assert.match(text, /^Mapped 48 sounds/);
  const items = await page.evaluate(() => window.sonomap.items);
  for (const it of items) assert.equal(it.label, labelled.get(it.file) ?? '', `${it.file}'s label`);
  const failures = await page.evaluate(() => window.sonomap.failures);
  const said = failures.map((f) => `${f.file}: ${f.reason}`);
  for (const re of [
    /^labels\.csv: line 26: <img src=x onerror=window\.pwned=1>\.wav matches no sound$/,
    /^bad-labels\.tsv: line 2: names sine-440\.wav twice \(first on line 1\)/,
    /^bad-labels\.tsv: line 3: has no label/,
    /^junk\.csv: line 1: is not a CSV\/TSV of file,label rows$/,
  ])
    assert.ok(
      said.some((s) => re.test(s)),
      `${re} among the failures:\n${said.join('\n')}`,
    );
  // markup in names and labels is text
  const markup = await page.evaluate(() => ({
    pwned: window.pwned ?? null,
    elements: document.querySelectorAll('#side img, #side b, #failures img').length,
    legend: document.getElementById('legend').textContent,
    failures: document.getElementById('failures').textContent,
  }));
  assert.equal(markup.pwned, null);
  assert.equal(markup.elements, 0, 'no element made from a name or a label');
  assert.ok(markup.legend.includes('<b>tones</b>'), 'the label shows as text in the legend');
  assert.ok(markup.failures.includes('<img src=x'), 'the name shows as text in the failures');

  // Predictions: the unlabelled sounds, as a brute-force vote says
  await waitPredictions(page);
  const got = await page.evaluate(() => ({
    predicted: window.sonomap.predicted,
    accuracy: window.sonomap.predictionAccuracy,
    prediction: window.sonomap.prediction,
    colors: Array.from(window.sonomap.drawnColors ?? []),
    colorBy: window.sonomap.colorBy,
    quality: document.getElementById('quality').textContent,
  }));
  const want = await page.evaluate(bruteForcePredictions);
  let agree = 0;
  items.forEach((it, i) => {
    if (it.label) {
      assert.equal(got.predicted[i], null, `${it.file} is labelled: no prediction`);
      return;
    }
    const g = got.predicted[i];
    const w = want.predicted[i];
    assert.ok(g, `${it.file} has a predicted label`);
    assert.ok(g.confidence > 0 && g.confidence <= 1, `${it.file}: confidence ${g.confidence}`);
    if (g.label === w.label) {
      agree++;
      assert.ok(Math.abs(g.confidence - w.confidence) < 1e-3, `${it.file}'s confidence`);
    } else
      assert.ok(
        w.margin < 1e-3,
        `${it.file}: predicted ${g.label}, brute force ${w.label} (only on a near tie)`,
      );
    // drawn distinctly: the predicted label's colour, alpha 128 (hatched)
    assert.equal(got.colors[i * 4 + 3], 128, `${it.file} is drawn as predicted`);
  });
  assert.ok(agree >= items.filter((it) => !it.label).length - 1, 'the votes agree');
  for (let i = 0; i < items.length; i++)
    if (items[i].label) assert.equal(got.colors[i * 4 + 3], 255, 'labelled: full colour');
  assert.equal(got.colorBy, 'label');
  assert.equal(got.prediction.tested, want.tested, 'leave-one-out over every labelled sound');
  assert.ok(Math.abs(got.accuracy - want.accuracy) < 1e-9, 'held-out accuracy as brute force');
  assert.ok(
    got.quality.includes(`Predicted-label accuracy${(100 * want.accuracy).toFixed(1)} %`),
    `the quality panel reports it: ${got.quality}`,
  );
  console.log(
    `predicted-label accuracy (leave-one-out, ${want.tested} labelled): ${(100 * want.accuracy).toFixed(1)} %`,
  );

  // Similar sounds: click a point
  await page.mouse.move(5, 790);
  const from = items.findIndex((it) => it.file === 'pluck-C3.ogg');
  const p = await page.evaluate((i) => window.sonomap.screenPoint(i), from);
  await page.mouse.click(p.x, p.y);
  const panel = page.getByRole('region', { name: 'Similar sounds' });
  await panel.waitFor({ state: 'visible', timeout: 5000 });
  const sim = await page.evaluate(() => window.sonomap.similar);
  assert.equal(sim.from, from);
  assertSameList(sim.list, await page.evaluate(bruteForceSimilar, from), 'similar list');
  const shown = await panel
    .locator('button.similar-item')
    .evaluateAll((bs) => bs.map((b) => Number(b.dataset.index)));
  assert.deepEqual(
    shown,
    sim.list.map((e) => e.index),
    'the panel lists them in order',
  );
  // hovering an entry plays it; clicking selects it
  const third = panel.locator('button.similar-item').nth(2);
  const before = await page.evaluate(() => window.sonomap.plays);
  await third.hover();
  await page.waitForFunction((k) => window.sonomap.lastPlayed?.index === k, shown[2], {
    timeout: 5000,
  });
  assert.ok((await page.evaluate(() => window.sonomap.plays)) > before);
  await third.click();
  assert.deepEqual(await page.evaluate(() => window.sonomap.selection), [shown[2]]);
  assert.equal(await third.getAttribute('aria-pressed'), 'true');
  await page.mouse.move(5, 790);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUTDIR, 'similar.png') });

  // Confirm a prediction from the panel
  const target = items.findIndex((it, i) => !it.label && got.predicted[i]);
  await page.evaluate((i) => window.sonomap.openSimilar(i), target);
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(OUTDIR, 'labels.png') });
  await panel.getByRole('button', { name: 'Confirm' }).click();
  const after1 = await page.evaluate((i) => window.sonomap.items[i].label, target);
  assert.equal(after1, got.predicted[target].label, 'confirm makes the prediction the label');
  await waitPredictions(page);
  const after2 = await page.evaluate((i) => window.sonomap.predicted[i], target);
  assert.equal(after2, null, 'a confirmed sound has no prediction any more');
  assert.equal(await panel.getByRole('button', { name: 'Confirm' }).count(), 0);

  // Export (downloads) and load back with ?dataset=
  const final = await page.evaluate(() => ({
    predicted: window.sonomap.predicted,
    labels: window.sonomap.items.map((it) => it.label),
    accuracy: window.sonomap.predictionAccuracy,
  }));
  await page.evaluate(() => {
    window.showDirectoryPicker = undefined;
  });
  // one .zip of the dataset folder
  const download = page.waitForEvent('download');
  await page.click('#export');
  await waitStatus(page, /exported to|export failed/, 30000);
  const zipFile = path.join(tmpRoot, 'exported.zip');
  await (await download).saveAs(zipFile);
  const exp = path.join(tmpRoot, 'exported');
  fs.mkdirSync(exp, { recursive: true });
  for (const [name, bytes] of Object.entries(unzipSync(fs.readFileSync(zipFile))))
    fs.writeFileSync(path.join(exp, name.split('/').pop()), bytes);
  const tsv = fs.readFileSync(path.join(exp, 'labels.tsv'), 'utf8').trim().split('\n');
  assert.equal(tsv[0], 'file\tlabel\tcluster\ttags\tpredicted\tconfidence');
  const files = fs.readFileSync(path.join(exp, 'files.txt'), 'utf8').trim().split('\n');
  tsv.slice(1).forEach((line, i) => {
    const c = line.split('\t');
    assert.equal(c[0], files[i]);
    const pr = final.predicted[i];
    assert.equal(c[4], pr ? pr.label : '', `${c[0]}: predicted`);
    if (pr) assert.ok(Math.abs(Number(c[5]) - pr.confidence) < 1e-4, `${c[0]}: confidence`);
    else assert.equal(c[5], '');
  });
  const proj = JSON.parse(fs.readFileSync(path.join(exp, 'projections.json'), 'utf8'));
  assert.equal(proj.metadata.predicted.length, 48);
  const config = JSON.parse(fs.readFileSync(path.join(exp, 'config.json'), 'utf8'));
  assert.equal(config.prediction.method, 'leave-one-out');
  assert.ok(Math.abs(config.prediction.accuracy - final.accuracy) < 1e-4);

  await page.goto(`${server.url}?dataset=exported/`);
  await waitStatus(page, /^(Mapped|Could not)/, 30000);
  await page.waitForFunction(() => window.sonomap.features !== null, null, { timeout: 20000 });
  const back = await page.evaluate(() => ({
    predicted: window.sonomap.predicted,
    labels: window.sonomap.items.map((it) => it.label),
    accuracy: window.sonomap.predictionAccuracy,
    colors: Array.from(window.sonomap.drawnColors ?? []),
    quality: document.getElementById('quality').textContent,
  }));
  assert.deepEqual(back.labels, final.labels);
  back.predicted.forEach((pr, i) => {
    const f = final.predicted[i];
    assert.equal(pr?.label ?? null, f?.label ?? null, `row ${i}: predicted label back`);
    if (f) {
      assert.ok(Math.abs(pr.confidence - f.confidence) < 1e-4);
      assert.equal(back.colors[i * 4 + 3], 128, `row ${i}: drawn as predicted`);
    }
  });
  assert.ok(Math.abs(back.accuracy - final.accuracy) < 1e-4);
  assert.ok(back.quality.includes('Predicted-label accuracy'));
  const again = await page.evaluate((i) => window.sonomap.openSimilar(i), from);
  assertSameList(again.list, sim.list, 'similar sounds of the loaded map');

  // A labels file alone, on the map: it relabels the sounds (the ones it does not name lose
  // their labels, as with the CLI) and the predictions follow
  const some = files.filter((_, i) => final.predicted[i]).slice(0, 3);
  const kinds = ['tones', 'noise', 'words'];
  const alone = path.join(dir, 'more-labels.tsv');
  fs.writeFileSync(
    alone,
    `path\tclass\n${some.map((f, k) => `${f}\t${kinds[k]}`).join('\n')}\n${files[0]}\tclicks\n`,
  );
  await page.setInputFiles('#file-input', [alone]);
  await waitStatus(page, /labelled from more-labels\.tsv/, 20000);
  await waitPredictions(page);
  const relabelled = await page.evaluate(() => ({
    labels: window.sonomap.items.map((it) => it.label),
    predicted: window.sonomap.predicted,
  }));
  const named = new Map([...some.map((f, k) => [f, kinds[k]]), [files[0], 'clicks']]);
  files.forEach((f, i) => {
    assert.equal(relabelled.labels[i], named.get(f) ?? '', `${f} relabelled`);
    assert.equal(relabelled.predicted[i] === null, named.has(f), `${f}: predicted iff unlabelled`);
  });
  assert.deepEqual(errors, [], 'no console errors');
  await page.close();
});
