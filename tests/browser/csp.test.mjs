// csp.test.mjs — nothing leaves the page: one session (files given, analysed, hovered, coloured,
// box-selected, exported, reloaded offline) records every request of the page and its workers
// and every Content-Security-Policy violation: no request goes to another origin, the policy is
// never broken by the app, and it does stop what it is there to stop (a control: an image from
// another origin is blocked by it).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copySite, launch, openPage, serve, waitStatus } from './harness.mjs';

const FIX = path.resolve('build/fixtures/browser');
let server, chromium, site;

before(async () => {
  site = copySite('csp');
  server = await serve(site);
  chromium = await launch({ acceptDownloads: true });
});

after(async () => {
  await chromium?.close();
  server?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

const RECORD_VIOLATIONS = () => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__csp.push(`${e.effectiveDirective} ${e.blockedURI}`),
  );
};

test('a whole session stays on this origin and inside its Content-Security-Policy', async () => {
  const { page, errors, requests } = await openPage(chromium.context, 'about:blank');
  await page.addInitScript(RECORD_VIOLATIONS);
  await page.goto(server.url);
  const policy = await page.evaluate(
    () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content,
  );
  assert.match(policy, /default-src 'self'/);
  const files = ['tones', 'plucks'].flatMap((d) =>
    fs.readdirSync(path.join(FIX, d)).map((f) => path.join(FIX, d, f)),
  );
  await page.setInputFiles('#file-input', files);
  await waitStatus(page, /Mapped 16 sounds/, 180000);
  // hover, colour, box-select
  const p = await page.evaluate(() => window.sonomap.screenPoint(0));
  await page.mouse.move(p.x, p.y, { steps: 3 });
  await page.waitForFunction(() => window.sonomap.plays > 0, null, { timeout: 10000 });
  await page.selectOption('#color-by', 'cluster');
  const box = await page.locator('#map').boundingBox();
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + 10, box.y + 80);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 10, box.y + box.height - 10, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  // export (downloads), then a reload with the server gone (the offline app)
  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  await page.evaluate(() => {
    window.showDirectoryPicker = undefined; // downloads, not a folder picker
  });
  await page.click('#export');
  await waitStatus(page, /exported/, 60000);
  await page.waitForFunction(() => window.sonomap.offline.ready, null, { timeout: 60000 });
  server.close();
  server = null;
  await page.reload();
  await waitStatus(page, /Drop sounds/);
  const violations = await page.evaluate(() => window.__csp);
  assert.deepEqual(violations, [], 'the app never breaks its own policy');
  const origin = new URL(page.url()).origin;
  const foreign = requests.filter(
    (u) => !u.startsWith(`${origin}/`) && !/^(data|blob|about):/.test(u),
  );
  assert.deepEqual(foreign, [], 'no request leaves the origin');
  assert.ok(requests.length > 10, `requests are recorded (${requests.length})`);
  assert.ok(downloads.length > 0, 'the export happened');
  assert.deepEqual(
    errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)),
    [],
  );
  // control: the policy is live — an image from elsewhere is blocked by it (Chromium reports
  // the attempt as a request that failed with the reason "csp": nothing went out)
  const failed = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  await page.evaluate(() => {
    const img = document.createElement('img');
    img.src = 'http://192.0.2.1/pixel.png';
    document.body.append(img);
  });
  await page.waitForFunction(() => window.__csp.length > 0, null, { timeout: 5000 });
  assert.match((await page.evaluate(() => window.__csp))[0], /^img-src http:\/\/192\.0\.2\.1/);
  for (let t = 0; t < 20 && !failed.length; t++) await page.waitForTimeout(100);
  assert.deepEqual(failed, ['http://192.0.2.1/pixel.png csp']);
});
