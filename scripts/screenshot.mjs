// screenshot.mjs — docs/screenshot.png, the README's picture: the demo map (make demo builds it)
// in Debian's Chromium, with one point hovered. usage: node scripts/screenshot.mjs [out.png]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../tests/browser/harness.mjs';

const out = process.argv[2] ?? 'docs/screenshot.png';
if (!fs.existsSync('dist/demo/config.json')) {
  console.error('screenshot: run `node scripts/make-demo.mjs` first');
  process.exit(1);
}
const server = spawn(process.execPath, ['scripts/serve.mjs', 'dist', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let buf = '';
  server.stdout.on('data', (d) => {
    buf += d;
    const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(buf);
    if (m) resolve(m[1]);
  });
  server.on('exit', (c) => reject(new Error(`serve.mjs exited with ${c}`)));
});
const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-shot-'));
const ctx = await chromium.launchPersistentContext(userDir, {
  executablePath: '/usr/bin/chromium',
  headless: false,
  viewport: { width: 1280, height: 760 },
  args: CHROMIUM_ARGS,
});
try {
  const page = await ctx.newPage();
  await page.goto(`${url}?dataset=demo/`);
  await page.waitForFunction(
    () => /^Mapped/.test(document.getElementById('status').textContent),
    null,
    { timeout: 60000 },
  );
  await page.waitForTimeout(800);
  const p = await page.evaluate(() => {
    const n = window.sonomap.count;
    for (let i = 0; i < n; i++) {
      const s = window.sonomap.screenPoint(i);
      if (s && s.x > 300 && s.x < 700 && s.y > 250 && s.y < 550) return s;
    }
    return window.sonomap.screenPoint(0);
  });
  if (p) {
    await page.mouse.move(p.x, p.y);
    await page.waitForTimeout(300);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await ctx.close();
  server.kill();
  fs.rmSync(userDir, { recursive: true, force: true });
}
