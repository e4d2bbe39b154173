// harness.mjs — what the browser tests share: scripts/serve.mjs on a free port, Debian's
// Chromium through playwright-core (headless, no sandbox, no GPU, no background traffic), and
// pages that record their errors and requests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { unzipSync } from 'fflate';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Serves `root` (on `port`, 0: a free one); resolves {url, port, close()}. */
export function serve(root, port = 0) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['scripts/serve.mjs', root, String(port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve({ url: m[1], port: Number(new URL(m[1]).port), close: () => proc.kill() });
    });
    proc.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${out}`)));
  });
}

/** A fresh Chromium profile; resolves {context, close()}. */
export async function launch(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: false,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  return {
    context,
    dir,
    close: async () => {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A page recording console errors, page errors and every request URL. */
export async function openPage(context, url) {
  const page = await context.newPage();
  const errors = [],
    requests = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  // Every request of the page and of its workers (they count against "nothing leaves localhost").
  const onRequest = (r) => requests.push(r.url());
  context.on('request', onRequest);
  page.on('close', () => context.off('request', onRequest));
  await page.goto(url);
  return { page, errors, requests };
}

/** Waits until the status line matches re; returns its text. */
export async function waitStatus(page, re, timeout = 120000) {
  const h = await page
    .waitForFunction(
      (src) => new RegExp(src).test(document.getElementById('status').textContent),
      re.source,
      { timeout, polling: 100 },
    )
    .catch(async (e) => {
      throw new Error(
        `status never matched ${re}: "${await page.locator('#status').textContent()}" (${e.message.split('\n')[0]})`,
      );
    });
  await h.dispose();
  return page.locator('#status').textContent();
}

/** A temporary copy of dist/ (without the demo map) to serve, so a test can put dataset folders
 *  inside the site. Remove it with fs.rmSync(dir, {recursive: true, force: true}). */
export function copySite(name = 'site') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sonomap-${name}-`));
  fs.cpSync('dist', dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}demo`) });
  return dir;
}

/** Clicks Export (as a download, not a folder picker), unzips the one .zip it gives into `dir`
 *  (without the zip's top folder) and returns the file names. */
export async function exportToFolder(page, dir) {
  await page.evaluate(() => {
    window.showDirectoryPicker = undefined;
  });
  const download = page.waitForEvent('download', { timeout: 60000 });
  await page.click('#export');
  const d = await download;
  fs.mkdirSync(dir, { recursive: true });
  const zip = path.join(dir, '..', `${path.basename(dir)}.zip`);
  await d.saveAs(zip);
  const names = [];
  for (const [name, bytes] of Object.entries(unzipSync(fs.readFileSync(zip)))) {
    const rel = name.split('/').slice(1).join('/') || name;
    if (!rel || name.endsWith('/')) continue;
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), bytes);
    names.push(rel);
  }
  return names.sort();
}

/** One test file's site and browser: before its tests, a copy of dist/ (copySite(name)) served
 *  and a fresh Chromium (launch(options)); after them, all closed and removed. Returns the
 *  session, whose fields are set once `before` has run: {url, root (the site's folder),
 *  context}. */
export function siteSession(name, options = {}) {
  const session = { url: null, root: null, context: null };
  let server = null;
  let browser = null;
  before(async () => {
    assert.ok(fs.existsSync('dist/index.html'), 'dist/ is built (make)');
    assert.ok(fs.existsSync('dist/sonomap.wasm'), 'dist/sonomap.wasm is built (make)');
    assert.ok(fs.existsSync('build/fixtures/browser'), 'fixtures are made (make fixtures)');
    fs.mkdirSync('tests/out', { recursive: true });
    session.root = copySite(name);
    server = await serve(session.root);
    session.url = server.url;
    browser = await launch(options);
    session.context = browser.context;
  });
  after(async () => {
    await browser?.close();
    server?.close();
    if (session.root) fs.rmSync(session.root, { recursive: true, force: true });
  });
  return session;
}

/** Indices of the points whose centres lie on the bare map (no panel or bar drawn over them). */
export function visiblePoints(page) {
  return page.evaluate(() => {
    const s = window.sonomap,
      out = [];
    for (let i = 0; i < s.count; i++) {
      const p = s.screenPoint(i);
      if (p && document.elementFromPoint(p.x, p.y)?.id === 'map') out.push(i);
    }
    return out;
  });
}
