// screenshot.mjs — docs/screenshot.png, the README's picture: the demo map (make demo builds it)
// in Debian's Chromium, with one point hovered. usage: node scripts/screenshot.mjs [out.png]
import fs from 'node:fs';
import path from 'node:path';
import { launch, serve } from '../tests/browser/harness.mjs';

const out = process.argv[2] ?? 'docs/screenshot.png';
if (!fs.existsSync('dist/demo/config.json')) {
  console.error('screenshot: run `node scripts/make-demo.mjs` first');
  process.exit(1);
}
const server = await serve('dist');
const browser = await launch({ viewport: { width: 1280, height: 760 } });
const url = server.url;
try {
  const page = await browser.context.newPage();
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
  await browser.close();
  server.close();
}
