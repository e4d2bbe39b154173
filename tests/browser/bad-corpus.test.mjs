// A representative part of the bad-input corpus (build/fixtures/bad, expected.tsv) dropped on
// the page: the good sources are mapped, and every file the table says must be reported is in
// window.sonomap.failures with a reason matching the expected expression, as in the engine's
// native test and the CLI's (tests/native/test_bad_corpus.c, tests/node/bad-corpus.test.mjs).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copySite, launch, openPage, serve, waitStatus } from './harness.mjs';

const BAD = path.resolve('build/fixtures/bad');
let server, chromium, root;

before(async () => {
  assert.ok(fs.existsSync(path.join(BAD, 'expected.tsv')), 'fixtures are made (make fixtures)');
  root = copySite('bad-site');
  server = await serve(root);
  chromium = await launch();
});

after(async () => {
  await chromium?.close();
  server?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('dropped bad files: the page reports each with the reason the engine gives', async () => {
  const rows = fs
    .readFileSync(path.join(BAD, 'expected.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t'));
  // the engine's formats only (MP3 and Opus go to the browser's decoders, whose reasons are
  // the browser's): every lying header, the finding, a quarter of the cuts
  const pick = rows.filter(([f, outcome]) => outcome !== 'either' && !/\.(mp3|opus)$/.test(f));
  const sample = pick.filter(([f], i) => !f.startsWith('cut-') || i % 4 === 0);
  const expected = new Map(sample.map(([f, o, r]) => [f, { outcome: o, reason: r }]));
  const { page, errors } = await openPage(chromium.context, server.url);
  await page
    .locator('#features')
    .selectOption('descriptors')
    .catch(() => {});
  await page.setInputFiles(
    '#file-input',
    sample.map(([f]) => path.join(BAD, f)),
  );
  const text = await waitStatus(page, /^(Mapped|No sounds|Could not|The )/, 240000);
  const failures = new Map(
    (await page.evaluate(() => window.sonomap.failures)).map((f) => [
      path.basename(f.file),
      f.reason,
    ]),
  );
  const analysed = [...expected].filter(([, e]) => e.outcome === 'analysed').length;
  assert.match(text, new RegExp(`^Mapped ${analysed} sounds · ${expected.size - analysed} failed`));
  for (const [f, e] of expected) {
    if (e.outcome === 'analysed') assert.ok(!failures.has(f), `${f}: ${failures.get(f)}`);
    else {
      assert.ok(failures.has(f), `${f} is reported`);
      assert.match(failures.get(f), new RegExp(e.reason), `${f}: reason`);
    }
  }
  console.log(
    `# ${expected.size} files dropped: ${analysed} analysed, ${expected.size - analysed} reported`,
  );
  assert.ok(expected.size > 60, `${expected.size} files`);
  assert.deepEqual(errors, []);
  await page.close();
});
