// bench-latency.mjs — how long from the pointer to the sound, in Debian's Chromium: real mouse
// moves (page.mouse.move → pointermove) onto points of a map opened with ?dataset=, measured in
// the page from the pointermove event's timeStamp to the moment the voice's start() is called
// (window.sonomap.latency), plus what the AudioContext says it adds (baseLatency,
// outputLatency). Cold: the first hover after the page loaded, either as the pointer's first
// event on the map (the AudioContext and the spriteclip's AudioBuffer are made then) or after
// it came onto the map beside the points (the page makes them on that first move); warm: later
// hovers. The peer, measured in the same
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
  const r = { direct: [], entered: [], warm: [], context: null };
  const d = { direct: [], entered: [], warm: [] };
  const keep = (kind, got) => {
    if (!got) return;
    r[kind].push(got.latency);
    d[kind].push(got.dispatch);
  };
  for (let round = 0; round < COLD; round++) {
    for (const kind of ['direct', 'entered']) {
      const { page } = await openPage(context, url);
      await ready(page);
      const pts = await pick(page);
      // direct: the pointer's first event on the map is on a point; entered: it came onto the
      // map beside the points first
      if (kind === 'entered') await page.mouse.move(2, 200);
      keep(kind, await hover(page, pts[0], read));
      if (kind === 'entered' && round === COLD - 1) {
        for (let k = 0; r.warm.length < WARM && k < WARM * 3; k++) {
          const p = pts[1 + (k % (pts.length - 1))];
          // off the point first, so the next move is a new hover
          await page.mouse.move(p.x + 200 > 1200 ? p.x - 200 : p.x + 200, 80);
          const g = await hover(page, p, read);
          keep('warm', g);
          if (g) r.context = g.context;
        }
      }
      await page.close();
    }
  }
  r.dispatch = d;
  return r;
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
      `${name.padEnd(40)} ${String(xs.length).padStart(3)}  median ${f2(quantile(xs, 0.5)).padStart(6)} ms  p95 ${f2(quantile(xs, 0.95)).padStart(6)} ms`;
    const own = (m, k) => m[k].map((v, j) => v - m.dispatch[k][j]);
    const KINDS = [
      ['direct', 'cold, 1st event on a point'],
      ['entered', 'cold, came onto the map first'],
      ['warm', 'warm'],
    ];
    const table = (title, get) => {
      console.log(title);
      for (const [k, name] of KINDS) console.log(row(`sonomap, ${name}`, get(map, k)));
      for (const [k, name] of KINDS.filter(([k]) => k !== 'entered'))
        console.log(row(`peer page, ${name}`, get(peer, k)));
    };
    table('pointer event → start() called (in the page, performance.now() base)', (m, k) => m[k]);
    table(
      'of which the browser handing the event over (its timeStamp → the first listener)',
      (m, k) => m.dispatch[k],
    );
    table("and the page's own work (first listener → start(): pick, tooltip, voice)", own);
    const ratio = (a, b) => f2(quantile(a, 0.5) / quantile(b, 0.5));
    console.log(
      `ratios to the peer (median): event → start() cold ${ratio(map.direct, peer.direct)}x, ` +
        `warm ${ratio(map.warm, peer.warm)}x; the page's own work cold ` +
        `${ratio(own(map, 'direct'), own(peer, 'direct'))}x, warm ` +
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
