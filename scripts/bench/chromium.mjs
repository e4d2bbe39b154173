// chromium.mjs — runs a benchmark page in Debian's Chromium for the bench scripts: bundles the
// page script with esbuild, serves the repository with scripts/serve.mjs, opens the page in a
// fresh profile with the browser tests' flags (headless, no sandbox, nothing fetched from
// elsewhere), relays its console, and resolves with what the page puts in window.benchResult
// (or rejects with window.benchError).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS } from '../../tests/browser/harness.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** name: 'nn' | 'map' ...; entry: the page script; head: extra HTML before it; query: URL
 *  query string; build: extra esbuild options. */
export async function runInChromium({
  root,
  name,
  entry,
  head = '',
  query = '',
  build = {},
  polling = 1000,
}) {
  const esbuild = await import('esbuild');
  fs.mkdirSync('build/bench', { recursive: true });
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: `build/bench/${name}-browser.js`,
    logLevel: 'error',
    ...build,
  });
  fs.writeFileSync(
    `build/bench/${name}.html`,
    `<!doctype html><meta charset="utf-8"><title>bench-${name}</title><link rel="icon" href="data:,">` +
      `${head}<script type="module" src="/build/bench/${name}-browser.js"></script>\n`,
  );
  const server = spawn(process.execPath, ['scripts/serve.mjs', root, '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let browser, profile;
  try {
    const url = await new Promise((resolve, reject) => {
      let buf = '';
      server.stdout.on('data', (d) => {
        buf += d;
        const m = buf.match(/https?:\/\/\S+/);
        if (m) resolve(m[0].replace(/\/$/, ''));
      });
      server.on('exit', (c) => reject(new Error(`serve.mjs exited (${c})`)));
    });
    const { chromium } = await import('playwright-core');
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-bench-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      // a fresh --user-data-dir
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const page = browser.pages()[0] || (await browser.newPage());
    page.on('console', (m) => {
      if (m.type() === 'log') console.log(m.text());
      else if (m.type() === 'error') console.error(`  [chromium] ${m.text()}`);
    });
    page.on('pageerror', (e) => console.error(`  [chromium] ${e.message}`));
    await page.goto(`${url}/build/bench/${name}.html?${query}`);
    const h = await page.waitForFunction(() => window.benchResult || window.benchError, null, {
      timeout: 0,
      polling,
    });
    const res = await h.jsonValue();
    if (typeof res === 'string') throw new Error(`in Chromium: ${res}`);
    return res;
  } finally {
    if (browser) await browser.close();
    server.kill();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  }
}
