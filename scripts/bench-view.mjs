#!/usr/bin/env node
// bench-view.mjs — how fluid the map stays with many points: frame times of pan (drag), zoom
// (wheel) and hover (the mouse moving over points) at 10,000 and 100,000 points, in Debian's
// Chromium (the browser tests' flags: headless, no GPU, so WebGL runs on the CPU through
// SwiftShader — an upper bound on what a GPU machine shows). The input goes through the
// page's own listeners: one pointer or wheel event dispatched on the map in every animation
// frame, so the driver's round trips never pace the frames; the page records every frame's
// timestamp (requestAnimationFrame) and the main thread's time in each drawn frame
// (window.sonomap.drawStats). Each interaction runs twice on a freshly mapped page: cold (the
// first time, right after the map is shown) and warm. The peer in the same run is the page's
// idle frame interval (nothing drawn): a ratio of 1 is as fluid as the browser gets here; and,
// for scale, a bare WebGL2 canvas drawing the same number of plain points (GL rendering time
// alone, waited for with readPixels): what any map of n points costs in this browser.
// The maps are synthetic feature rows (16-d, 20 clusters) laid out by PCA through
// window.sonomap.mapFeatures, each point with its own made-up tile in a sprite sheet of the
// page's size (12 px tiles at 100k). Timing-based: never part of `make test`.
// --bigmap n instead: opening a map of n rows with streamed sheets in the compact form against
// the same map as per-row JSON (the peer), and the frame cost of dragging it.
//   node scripts/bench-view.mjs [--sizes 10000,100000] [--steps 90] [--bigmap 1000000]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, serve, waitStatus } from '../tests/browser/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);
const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const SIZES = opt('--sizes', '10000,100000').split(',').map(Number);
const STEPS = Number(opt('--steps', '90'));

const quantile = (a, q) => {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const fmt = (v) => (Number.isFinite(v) ? v.toFixed(1) : '—');

/** Runs an interaction inside the page, one input event per animation frame (so the input
 *  never waits on the test driver), and records every frame: its timestamp and the draw stats.
 *  kind: 'idle' | 'pan' | 'zoom' | 'hover' → {interval: ms between frames, draw: main-thread
 *  ms per drawn frame, drawn: frames that drew}. */
async function drive(page, kind, steps) {
  const r = await page.evaluate(
    ({ kind, steps }) =>
      new Promise((resolve) => {
        const c = document.getElementById('map');
        const box = c.getBoundingClientRect();
        const cx = box.left + box.width * 0.45,
          cy = box.top + box.height * 0.5;
        // synthetic pointers cannot be captured: the view's capture is a no-op while we drive
        const capture = c.setPointerCapture;
        c.setPointerCapture = () => {};
        const ev = (type, x, y, extra = {}) =>
          c.dispatchEvent(
            new PointerEvent(type, {
              bubbles: true,
              clientX: x,
              clientY: y,
              pointerId: 7,
              pointerType: 'mouse',
              button: 0,
              buttons: type === 'pointerup' ? 0 : 1,
              ...extra,
            }),
          );
        const t = [],
          draws = [],
          ms = [],
          full = [];
        let k = 0;
        if (kind === 'pan') ev('pointerdown', cx, cy);
        const step = (ts) => {
          const s = window.sonomap.drawStats;
          t.push(ts);
          draws.push(s.draws);
          ms.push(s.ms);
          full.push(s.full ?? s.draws);
          const a = (k / steps) * 2 * Math.PI;
          if (kind === 'pan') ev('pointermove', cx + 120 * Math.sin(a), cy + 80 * Math.sin(2 * a));
          else if (kind === 'zoom')
            c.dispatchEvent(
              new WheelEvent('wheel', {
                bubbles: true,
                cancelable: true,
                clientX: cx,
                clientY: cy,
                deltaY: k < steps / 2 ? -40 : 40,
              }),
            );
          else if (kind === 'hover')
            ev('pointermove', cx + 260 * Math.cos(a), cy + 180 * Math.sin(a), { buttons: 0 });
          if (++k <= steps) requestAnimationFrame(step);
          else {
            if (kind === 'pan') ev('pointerup', cx, cy);
            c.setPointerCapture = capture;
            resolve({ t, draws, ms, full });
          }
        };
        requestAnimationFrame(step);
      }),
    { kind, steps },
  );
  const interval = [],
    draw = [];
  let drawn = 0;
  for (let k = 1; k < r.t.length; k++) {
    interval.push(r.t[k] - r.t[k - 1]);
    const d = r.draws[k] - r.draws[k - 1];
    if (d > 0) {
      drawn += d;
      draw.push((r.ms[k] - r.ms[k - 1]) / d);
    }
  }
  return { interval, draw, drawn, full: r.full.at(-1) - r.full[0] };
}

/** The peer: the least any page can do for n points in this browser — a bare WebGL2 canvas of
 *  the map's size drawing n 3-px GL points of one colour (what the map draws at its fitted
 *  zoom is n such points, sampled from the sheet), each frame waited for with a 1-px
 *  readPixels → median and p95 ms of 30 frames. */
async function bareDraw(browserContext, n) {
  const page = await browserContext.newPage();
  await page.setContent('<canvas id="c" width="1280" height="748"></canvas>');
  const r = await page.evaluate(async (n) => {
    const gl = document.getElementById('c').getContext('webgl2', { antialias: false });
    const prog = gl.createProgram();
    for (const [t, src] of [
      [
        gl.VERTEX_SHADER,
        '#version 300 es\nlayout(location=0) in vec2 a;void main(){gl_Position=vec4(a,0,1);gl_PointSize=3.0;}',
      ],
      [
        gl.FRAGMENT_SHADER,
        '#version 300 es\nprecision mediump float;out vec4 o;void main(){o=vec4(1,0.5,0.2,1);}',
      ],
    ]) {
      const sh = gl.createShader(t);
      gl.shaderSource(sh, src);
      gl.compileShader(sh);
      gl.attachShader(prog, sh);
    }
    gl.linkProgram(prog);
    gl.useProgram(prog);
    const xy = new Float32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) xy[i] = Math.sin(i * 12.9898) * 0.9;
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, xy, gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    const px = new Uint8Array(4),
      times = [];
    for (let k = 0; k < 30; k++) {
      await new Promise((res) => requestAnimationFrame(res));
      const t0 = performance.now();
      gl.clear(gl.COLOR_BUFFER_BIT);
      gl.drawArrays(gl.POINTS, 0, n);
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      times.push(performance.now() - t0);
    }
    return times;
  }, n);
  await page.close();
  return r;
}

async function mapOf(page, n) {
  await page.waitForFunction(() => window.sonomap);
  const res = await page.evaluate(async (n) => {
    const d = 16,
      X = new Float32Array(n * d);
    let s = 12345;
    const rnd = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648 - 0.5;
    };
    const centres = Array.from({ length: 20 }, () => Array.from({ length: d }, () => 8 * rnd()));
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) X[i * d + j] = centres[i % 20][j] + rnd();
    const t0 = performance.now();
    const r = await window.sonomap.mapFeatures(X, n, d, {
      projection: 'pca',
      dims: 2,
      features: 'timbre',
      tiles: true,
    });
    return { ...r, wall: performance.now() - t0 };
  }, n);
  await waitStatus(page, /^Mapped/, 600000);
  return res;
}

/** --bigmap n: opening a dataset folder of n rows (tests/fixtures/bigmap.mjs, streamed sheets)
 *  in the compact form big maps are written in and, as the peer, the same map as per-row JSON:
 *  the time until it is shown and the longest main-thread task of each; then the main thread's
 *  time per frame while the compact one is dragged. */
async function benchBigMap(n) {
  const fs = await import('node:fs');
  const { makeBigMap } = await import('../tests/fixtures/bigmap.mjs');
  const { buildDataset } = await import('../web/core/dataset.js');
  const { filesSource, readDataset } = await import('../web/core/dataset-source.js');
  const { copySite } = await import('../tests/browser/harness.mjs');
  const site = copySite('bench-bigmap');
  const compact = path.join(site, 'compact');
  await makeBigMap(compact, { n, tile: 16 });
  // the peer: the same folder with projections.json in the JSON form
  const json = path.join(site, 'json');
  fs.cpSync(compact, json, { recursive: true });
  const files = new Map(
    fs
      .readdirSync(json)
      .filter((f) => f.endsWith('.json') || f.endsWith('.npy') || f.endsWith('.txt'))
      .map((f) => [f, new Blob([fs.readFileSync(path.join(json, f))])]),
  );
  const { model, config } = await readDataset(filesSource(files));
  const ds = buildDataset({ ...model, compact: false });
  for (const k of ['layoutFiles', 'columns']) delete config[k];
  fs.writeFileSync(path.join(json, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(path.join(json, 'projections.json'), JSON.stringify(ds.projections));
  const srv = await serve(site);
  const b = await launch({ viewport: { width: 1280, height: 800 } });
  const out = {};
  try {
    for (const form of ['json', 'compact']) {
      const page = await b.context.newPage();
      await page.addInitScript(() => {
        window.__long = [];
        new PerformanceObserver((l) => {
          for (const e of l.getEntries()) window.__long.push(e.duration);
        }).observe({ type: 'longtask' });
      });
      const t0 = Date.now();
      await page.goto(`${srv.url}?dataset=${form}/`);
      await page.waitForFunction((k) => window.sonomap.count === k && !window.sonomap.busy, n, {
        timeout: 600000,
        polling: 100,
      });
      const ms = Date.now() - t0;
      const longest = await page.evaluate(() => Math.max(0, ...window.__long));
      out[form] = { ms, longest };
      if (form === 'compact') {
        await page.waitForTimeout(500);
        const pan = await drive(page, 'pan', STEPS);
        out.pan = quantile(pan.draw, 0.5);
      }
      await page.close();
    }
  } finally {
    await b.close();
    srv.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
  const r = (a, c) => (a / c).toFixed(1);
  console.log(`| rows | form | shown after (ms) | longest main-thread task (ms) |`);
  console.log('| ---: | --- | ---: | ---: |');
  for (const f of ['json', 'compact'])
    console.log(
      `| ${n} | ${f === 'json' ? 'per-row JSON (peer)' : 'compact (.npy)'} | ${out[f].ms} | ${Math.round(out[f].longest)} |`,
    );
  console.log(
    `compact vs JSON: shown ${r(out.json.ms, out.compact.ms)}x sooner, longest task ${r(out.json.longest, out.compact.longest)}x shorter; ` +
      `dragging the compact map: ${fmt(out.pan)} ms of main thread per drawn frame (median)`,
  );
}

if (args.includes('--bigmap')) {
  await benchBigMap(Number(opt('--bigmap', '1000000')));
  process.exit(0);
}

const server = await serve('dist');
const browser = await launch({ viewport: { width: 1280, height: 800 } });
const rows = [];
try {
  for (const n of SIZES) {
    const { page } = await openPage(browser.context, server.url);
    await mapOf(page, n);
    await page.waitForTimeout(500);
    const idle = await drive(page, 'idle', STEPS);
    const idleMed = quantile(idle.interval, 0.5);
    rows.push({ n, what: 'idle (peer)', run: '', ...idle, idleMed });
    const bare = await bareDraw(browser.context, n);
    rows.push({
      n,
      what: `bare GL: ${n.toLocaleString('en')} points (peer)`,
      run: '',
      interval: bare,
      draw: [],
      drawn: bare.length,
      idleMed,
    });
    for (const what of ['pan', 'zoom', 'hover']) {
      for (const run of ['cold', 'warm']) {
        await page.keyboard.press('0').catch(() => {});
        await page.waitForTimeout(300);
        rows.push({ n, what, run, ...(await drive(page, what, STEPS)), idleMed });
      }
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}

console.log(
  `\nMap frame times in Chromium ${process.env.CHROMIUM || '/usr/bin/chromium'} (no GPU: SwiftShader), 1280×800, ${STEPS} input steps each`,
);
console.log(
  '| points | interaction | run | frames (drawn, full) | frame interval median / p95 (ms) | median × idle | main-thread draw median / p95 (ms) |',
);
console.log('| ---: | --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const med = quantile(r.interval, 0.5),
    p95 = quantile(r.interval, 0.95);
  console.log(
    `| ${r.n.toLocaleString('en')} | ${r.what} | ${r.run} | ${r.interval.length} (${r.drawn}, ${r.full ?? '—'}) | ${fmt(med)} / ${fmt(p95)} | ${fmt(med / r.idleMed)} | ${fmt(quantile(r.draw, 0.5))} / ${fmt(quantile(r.draw, 0.95))} |`,
  );
}
