// screenshot-guide.mjs — the README's pictures of colour, the tooltip and the phone layout, from
// the demo map (make demo builds it) in Debian's Chromium:
//   docs/colour.png   1280 × 720, coloured by spectral centroid, two classes switched off
//                     before (the legend's state is shown in the side column)
//   docs/tooltip.png  the tooltip of one sound, cropped
//   docs/phone.png    three 390 × 844 phone screens side by side: a tapped sound, the menu, the
//                     panels sheet
//   docs/transition.png  UMAP, a switch to PCA caught halfway, PCA
// usage: node scripts/screenshot-guide.mjs [out-dir]
import fs from 'node:fs';
import path from 'node:path';
import { launch, serve } from '../tests/browser/harness.mjs';

const outDir = process.argv[2] ?? 'docs';
if (!fs.existsSync('dist/demo/config.json')) {
  console.error('screenshot-guide: run `node scripts/make-demo.mjs` first');
  process.exit(1);
}
const server = await serve('dist');
const url = server.url;

async function open(options) {
  const browser = await launch(options);
  const ctx = browser.context;
  const page = await ctx.newPage();
  await page.goto(`${url}?dataset=demo/`);
  await page.waitForFunction(
    () => /^Mapped/.test(document.getElementById('status').textContent),
    null,
    { timeout: 60000 },
  );
  await page.waitForTimeout(900);
  return {
    page,
    close: () => browser.close(),
  };
}

/** PNG screenshots side by side, `gap` px apart on the page's dark ground, scaled by `scale`
 *  (the README's pictures stay small); drawn in the page. Returns a PNG Buffer. */
async function compose(page, shots, { gap = 0, scale = 1 } = {}) {
  const b64 = await page.evaluate(
    async ([list, gap, scale]) => {
      const imgs = await Promise.all(
        list.map(async (src) => {
          const img = new Image();
          img.src = `data:image/png;base64,${src}`;
          await img.decode();
          return img;
        }),
      );
      const c = document.createElement('canvas');
      c.width = Math.round(
        scale * (imgs.reduce((w, im) => w + im.width, 0) + gap * (imgs.length + 1)),
      );
      c.height = Math.round(scale * (imgs[0].height + 2 * gap));
      const g = c.getContext('2d');
      g.imageSmoothingQuality = 'high';
      g.fillStyle = '#05070a';
      g.fillRect(0, 0, c.width, c.height);
      g.scale(scale, scale);
      let x = gap;
      for (const im of imgs) {
        g.drawImage(im, x, gap);
        x += im.width + gap;
      }
      return c.toDataURL('image/png').split(',')[1];
    },
    [shots.map((b) => b.toString('base64')), gap, scale],
  );
  return Buffer.from(b64, 'base64');
}

/** A point near the middle of the bare map. */
const middlePoint = (page, box) =>
  page.evaluate((b) => {
    const s = window.sonomap;
    let best = null,
      bestD = Infinity;
    for (let i = 0; i < s.count; i++) {
      const p = s.screenPoint(i);
      if (!p || document.elementFromPoint(p.x, p.y)?.id !== 'map') continue;
      const d = Math.hypot(p.x - b.x, p.y - b.y);
      if (d < bestD) [best, bestD] = [{ ...p, i }, d];
    }
    return best;
  }, box);

try {
  fs.mkdirSync(outDir, { recursive: true });
  // colour: a descriptor on a continuous scale
  {
    const { page, close } = await open({ viewport: { width: 1280, height: 720 } });
    await page.selectOption('#color-by', 'centroid');
    await page.mouse.move(2, 715);
    await page.waitForTimeout(300);
    const shot = await page.screenshot();
    fs.writeFileSync(path.join(outDir, 'colour.png'), await compose(page, [shot], { scale: 0.72 }));
    // the tooltip: hover one sound, crop around its card
    await page.selectOption('#color-by', 'label');
    const p = await middlePoint(page, { x: 420, y: 380 });
    await page.mouse.move(p.x, p.y);
    await page.waitForTimeout(400);
    const t = await page.locator('#tooltip').boundingBox();
    const x0 = Math.max(0, Math.min(t.x, p.x) - 40),
      y0 = Math.max(0, t.y - 30);
    await page.screenshot({
      path: path.join(outDir, 'tooltip.png'),
      clip: {
        x: x0,
        y: y0,
        width: Math.min(1280 - x0, t.x + t.width + 30 - x0),
        height: Math.min(720 - y0, t.height + 60),
      },
    });
    await close();
  }
  // the phone: three screens side by side
  {
    const { page, close } = await open({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 1,
    });
    const shots = [];
    const p = await middlePoint(page, { x: 195, y: 360 });
    await page.touchscreen.tap(p.x, p.y);
    await page.waitForTimeout(300);
    shots.push(await page.screenshot());
    await page.tap('#menu-button');
    await page.waitForTimeout(200);
    shots.push(await page.screenshot());
    await page.tap('#menu-button');
    await page.tap('#panels-button');
    await page.waitForTimeout(400);
    shots.push(await page.screenshot());
    const png = await compose(page, shots, { gap: 24, scale: 0.75 });
    fs.writeFileSync(path.join(outDir, 'phone.png'), png);
    await close();
  }
  // a layout switch caught halfway: UMAP → PCA, the points on their way
  {
    const { page, close } = await open({ viewport: { width: 1280, height: 720 } });
    await page.mouse.move(2, 715);
    const first = await page.screenshot();
    await page.selectOption('#projection', 'pca');
    await page.waitForFunction(() => window.sonomap.transitioning, null, { timeout: 10000 });
    await page.waitForTimeout(170);
    const mid = await page.screenshot();
    await page.waitForFunction(() => !window.sonomap.transitioning, null, { timeout: 10000 });
    await page.waitForTimeout(200);
    const last = await page.screenshot();
    const png = await compose(page, [first, mid, last], { gap: 16, scale: 0.34 });
    fs.writeFileSync(path.join(outDir, 'transition.png'), png);
    await close();
  }
  for (const f of ['colour.png', 'tooltip.png', 'phone.png', 'transition.png'])
    console.log(`wrote ${path.join(outDir, f)} (${fs.statSync(path.join(outDir, f)).size} bytes)`);
} finally {
  server.close();
}
