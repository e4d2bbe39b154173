// The same folder gives the same map on the page and in the CLI: same engine, same feature
// scaling, same seed.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, openPage, serve, waitStatus } from './harness.mjs';

const FOLDER = path.resolve('build/fixtures/cli/sweeps');
let server, browser;
before(async () => {
  server = await serve('dist');
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});

test('page and CLI lay the same sounds out identically (UMAP, same seed)', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-agree-'));
  const r = spawnSync(
    process.execPath,
    ['dist/sonomap.mjs', 'analyze', FOLDER, '--out', out, '--quiet'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const proj = JSON.parse(fs.readFileSync(path.join(out, 'projections.json'), 'utf8'));
  const cli = new Map(proj.metadata.filenames.map((f, i) => [f, proj.layouts['umap-2d'][i]]));

  const { page, errors } = await openPage(browser.context, server.url);
  await page.setInputFiles('#folder-input', FOLDER);
  await waitStatus(page, /^Mapped 20 sounds · sonomap-s embeddings$/);
  const got = await page.evaluate(() => ({
    items: window.sonomap.items.map((it) => it.file),
    layout: window.sonomap.rawLayout,
  }));
  assert.equal(got.items.length, 20);
  let worst = 0;
  got.items.forEach((f, i) => {
    const c = cli.get(f);
    assert.ok(c, `${f} is in the CLI's map`);
    worst = Math.max(
      worst,
      Math.abs(c[0] - got.layout[2 * i]),
      Math.abs(c[1] - got.layout[2 * i + 1]),
    );
  });
  // projections.json rounds to 5 decimals
  assert.ok(worst < 1e-4, `largest coordinate difference ${worst}`);
  assert.deepEqual(errors, []);
  await page.close();
  fs.rmSync(out, { recursive: true, force: true });
});
