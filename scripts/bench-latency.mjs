// bench-latency.mjs — how long from the pointer to the sound, in Debian's Chromium: real mouse
// moves (page.mouse.move → pointermove) onto points of a map opened with ?dataset=, measured in
// the page from the pointermove event's timeStamp to the moment the voice's start() is called
// (window.sonomap.latency), plus what the AudioContext says it adds (baseLatency,
// outputLatency). Cold: the first hover after the page loaded (the AudioContext and the
// spriteclip's AudioBuffer are made then); warm: later hovers. The peer, measured in the same
// run: a bare page whose pointermove handler starts an AudioBufferSourceNode at once, the floor
// the browser itself sets (it draws a frame every frame, as the map does while the pointer
// moves). Each figure is split in two: the browser handing the event to the page (its
// timeStamp to the first listener, a capturing one on window) and the page's own work (that
// listener to start()). Prints median and p95, and sonomap's figures as ratios to the peer's.
//
//   node scripts/bench-latency.mjs [--cold 7] [--warm 60]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { copySite, launch, openPage, serve, waitStatus } from '../tests/browser/harness.mjs';

const { values: args } = parseArgs({
  options: { cold: { type: 'string', default: '7' }, warm: { type: 'string', default: '60' } },
  strict: true,
});
const COLD = Number(args.cold);
const WARM = Number(args.warm);
const FIX = 'build/fixtures/browser';

const PEER = `<!doctype html><meta charset="utf-8"><title>peer</title>
<style>html,body{margin:0;height:100%}canvas{display:block;width:100vw;height:100vh}</style>
<canvas id="c"></canvas><script>
let ctx = null, buffer = null, voice = null;
window.peer = { latency: null, plays: 0, context: null };
// frames keep coming, as on the map (Chromium hands pointermoves to a page at its next frame)
const c = document.getElementById('c').getContext('2d');
const frame = (t) => { c.fillRect(0, 0, 1 + (t % 7), 1); requestAnimationFrame(frame); };
requestAnimationFrame(frame);
document.getElementById('c').addEventListener('pointermove', (e) => {
  if (e.clientX < 10) return; // the harness's resting place: off every "point"
  if (!ctx) {
    ctx = new AudioContext({ latencyHint: 'interactive' });
    buffer = ctx.createBuffer(1, 16000, 16000);
    const d = buffer.getChannelData(0);
    for (let i = 0; i < d.length; i++) d[i] = 0.2 * Math.sin(i * 0.17);
  }
  voice?.stop();
  voice = ctx.createBufferSource();
  voice.buffer = buffer;
  voice.connect(ctx.destination);
  voice.start(ctx.currentTime + 0.002, 0, 0.3);
  const t = performance.now();
  window.peer = { latency: t - e.timeStamp, plays: window.peer.plays + 1,
    context: { base: ctx.baseLatency ?? null, output: ctx.outputLatency ?? null } };
});
</script>`;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
};
const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');

/** The points' screen positions on the map (centres on the canvas, apart from each other). */
async function targets(page) {
  return page.evaluate(() => {
    const s = window.sonomap,
      out = [];
    for (let i = 0; i < s.count; i++) {
      const p = s.screenPoint(i);
      if (!p || document.elementFromPoint(p.x, p.y)?.id !== 'map') continue;
      if (out.every((q) => Math.hypot(q.x - p.x, q.y - p.y) > 30)) out.push(p);
    }
    return out;
  });
}

/** Moves the mouse onto p (one pointermove) and waits for the sound it starts; returns the
 *  page's figure. read() gives {latency, plays, context} from the page. */
async function hover(page, p, read) {
  const before = (await page.evaluate(read)).plays;
  await page.mouse.move(p.x, p.y);
  await page
    .waitForFunction(`${read}.plays > ${before}`, null, {
      timeout: 10000,
      polling: 'raf',
    })
    .catch(() => {});
  const r = await page.evaluate(read);
  return r.plays > before ? r : null;
}

// Expressions evaluated in the page: {latency, plays, context}.
const readMap = `(() => {
  const l = window.sonomap.latency;
  return l
    ? { latency: l.eventToStart, plays: l.plays, context: l.context, dispatch: window.__dispatch }
    : { plays: 0 };
})()`;
const readPeer = '({ ...window.peer, dispatch: window.__dispatch })';

/** In every page: the time from a pointermove's timeStamp to its first listener (the window's,
 *  capturing), i.e. what the browser takes to hand the event to the page. */
function recordDispatch() {
  window.__dispatch = Number.NaN;
  window.addEventListener(
    'pointermove',
    (e) => {
      window.__dispatch = performance.now() - e.timeStamp;
    },
    { capture: true },
  );
}

async function measure(context, url, ready, read, pick) {
  const cold = [],
    warm = [],
    dispatch = { cold: [], warm: [] };
  let ctxInfo = null;
  for (let r = 0; r < COLD; r++) {
    const { page } = await openPage(context, url);
    await ready(page);
    const pts = await pick(page);
    await page.mouse.move(2, 200); // off every point
    const got = await hover(page, pts[0], read);
    if (got) {
      cold.push(got.latency);
      dispatch.cold.push(got.dispatch);
    }
    if (r === COLD - 1) {
      for (let k = 0; warm.length < WARM && k < WARM * 3; k++) {
        const p = pts[1 + (k % (pts.length - 1))];
        // off the point first, so the next move is a new hover
        await page.mouse.move(p.x + 200 > 1200 ? p.x - 200 : p.x + 200, 80);
        const g = await hover(page, p, read);
        if (g) {
          warm.push(g.latency);
          dispatch.warm.push(g.dispatch);
          ctxInfo = g.context;
        }
      }
    }
    await page.close();
  }
  return { cold, warm, dispatch, context: ctxInfo };
}

const site = copySite('bench-latency');
try {
  const ds = path.join(site, 'ds');
  const cli = spawnSync(
    process.execPath,
    ['dist/sonomap.mjs', 'analyze', FIX, '--out', ds, '--features', 'fingerprint', '--quiet'],
    { encoding: 'utf8' },
  );
  if (cli.status !== 0) throw new Error(`the CLI could not make the map: ${cli.stderr}`);
  fs.writeFileSync(path.join(site, 'peer.html'), PEER);
  const server = await serve(site);
  const browser = await launch();
  await browser.context.addInitScript(recordDispatch);
  try {
    const map = await measure(
      browser.context,
      `${server.url}?dataset=ds/`,
      (page) => waitStatus(page, /^Mapped/, 60000),
      readMap,
      targets,
    );
    const peer = await measure(
      browser.context,
      `${server.url}peer.html`,
      async () => {},
      readPeer,
      async () =>
        Array.from({ length: 12 }, (_, k) => ({ x: 100 + 80 * k, y: 200 + 30 * (k % 3) })),
    );
    const row = (name, xs) =>
      `${name.padEnd(26)} ${String(xs.length).padStart(3)}  median ${f2(quantile(xs, 0.5)).padStart(6)} ms  p95 ${f2(quantile(xs, 0.95)).padStart(6)} ms`;
    console.log('pointer event → start() called (in the page, performance.now() base)');
    console.log(row('sonomap, cold (1st hover)', map.cold));
    console.log(row('sonomap, warm', map.warm));
    console.log(row('peer page, cold', peer.cold));
    console.log(row('peer page, warm', peer.warm));
    const own = (m, k) => m[k].map((v, j) => v - m.dispatch[k][j]);
    console.log('of which: the browser handing the event to the page (event → first listener)');
    console.log(row('sonomap, cold', map.dispatch.cold));
    console.log(row('sonomap, warm', map.dispatch.warm));
    console.log(row('peer page, warm', peer.dispatch.warm));
    console.log("and the page's own work (first listener → start(): pick, tooltip, voice)");
    console.log(row('sonomap, cold', own(map, 'cold')));
    console.log(row('sonomap, warm', own(map, 'warm')));
    console.log(row('peer page, warm', own(peer, 'warm')));
    const ratio = (a, b) => f2(quantile(a, 0.5) / quantile(b, 0.5));
    console.log(
      `ratios to the peer (median): event → start() cold ${ratio(map.cold, peer.cold)}x, warm ` +
        `${ratio(map.warm, peer.warm)}x; the page's own work warm ` +
        `${ratio(own(map, 'warm'), own(peer, 'warm'))}x`,
    );
    const c = map.context;
    if (c)
      console.log(
        `then the voice starts 2 ms after start() (its fade-in), and the AudioContext adds ` +
          `baseLatency ${f2(1000 * c.base)} ms + outputLatency ${f2(1000 * c.output)} ms ` +
          '(headless Chromium: the audio device is a fake one; a real one reports its own)',
      );
  } finally {
    await browser.close();
    server.close();
  }
} finally {
  fs.rmSync(site, { recursive: true, force: true });
}
