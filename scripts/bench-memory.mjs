// bench-memory.mjs — memory in Debian's Chromium while the page analyses (make bench-memory):
//  1. soak: N tiny files (default 5,000) dropped at once; every second the files done, each
//     analysis worker's wasm memory (it only grows: its peak), the page's JS heap and the
//     renderer processes' resident memory. The growth per file from 20 % of the files to the
//     end is fitted by least squares: the workers must stay flat (no per-file growth); the page
//     grows by what the map keeps per sound (its features, tile and clip), printed beside it.
//  2. peak memory per worker for 10,000 files, and for one 1-hour recording in long mode.
//   node scripts/bench-memory.mjs [--files 5000] [--many 10000] [--hour 3600] [--skip-long]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launch, openPage, serve } from '../tests/browser/harness.mjs';
import { wavBytes } from '../tests/wav.mjs';

const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '5000' },
    many: { type: 'string', default: '10000' },
    hour: { type: 'string', default: '3600' },
    'skip-long': { type: 'boolean', default: false },
  },
  strict: true,
});
const DIR = path.resolve('build/soak');
const MB = 1 / (1 << 20);

/** n tiny files (0.2–0.6 s: a tone, a chirp or noise, seeded), made once. */
function tinyFiles(n) {
  const dir = path.join(DIR, `tiny-${n}`);
  if (!fs.existsSync(path.join(dir, '.ok'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    let s = 12345;
    const rnd = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
    const rate = 16000;
    for (let i = 0; i < n; i++) {
      const len = Math.round(rate * (0.2 + 0.4 * rnd()));
      const kind = i % 3;
      const f0 = 100 + 3000 * rnd();
      const x = new Float32Array(len);
      let ph = 0;
      for (let k = 0; k < len; k++) {
        const env = Math.min(1, k / 80, (len - k) / 400);
        const f = kind === 1 ? f0 * (1 + k / len) : f0;
        ph += (2 * Math.PI * f) / rate;
        x[k] = env * (kind === 2 ? 0.3 * (2 * rnd() - 1) : 0.5 * Math.sin(ph));
      }
      fs.writeFileSync(path.join(dir, `s${String(i).padStart(5, '0')}.wav`), wavBytes(x, rate));
    }
    fs.writeFileSync(path.join(dir, '.ok'), '');
  }
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** One recording of `seconds` s (16 kHz): sounds that change every few seconds over noise. */
function longFile(seconds) {
  const f = path.join(DIR, `long-${seconds}.wav`);
  if (!fs.existsSync(f)) {
    fs.mkdirSync(DIR, { recursive: true });
    const rate = 16000;
    const x = new Float32Array(seconds * rate);
    let ph = 0;
    let s = 7;
    for (let k = 0; k < x.length; k++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const t = k / rate;
      const part = Math.floor(t / 3);
      const f0 = 150 + ((part * 397) % 2500);
      ph += (2 * Math.PI * f0) / rate;
      x[k] = 0.3 * Math.sin(ph) * (part % 4 === 3 ? 0 : 1) + 0.03 * (s / 2 ** 31 - 1);
    }
    fs.writeFileSync(f, wavBytes(x, rate));
  }
  return f;
}

/** Resident memory (bytes) of the renderer processes (the page and its workers) of the
 *  browser whose profile is `profileDir`: the descendants of its main process. */
function rendererRss(profileDir) {
  let out = '';
  try {
    out = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
  } catch {
    return NaN;
  }
  const procs = out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [pid, ppid, rss, ...a] = l.trim().split(/\s+/);
      return { pid: +pid, ppid: +ppid, rss: +rss, args: a.join(' ') };
    });
  const root = procs.find(
    (p) => p.args.includes(`--user-data-dir=${profileDir}`) && !/--type=/.test(p.args),
  );
  if (!root) return NaN;
  const mine = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs)
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
  }
  return procs
    .filter((p) => mine.has(p.pid) && p.args.includes('--type=renderer'))
    .reduce((a, p) => a + p.rss * 1024, 0);
}

async function sample(page, profileDir) {
  const s = await page.evaluate(() => ({
    status: document.querySelector('[role="status"]').textContent,
    heap: performance.memory?.usedJSHeapSize ?? NaN,
  }));
  const workers = [];
  for (const w of page.workers()) {
    const m = await w.evaluate(() => globalThis.__sonomapMemory?.() ?? null).catch(() => null);
    if (m) workers.push(m.wasm);
  }
  const done = /^Mapped/.test(s.status)
    ? Infinity
    : Number(/Analysing ([\d,]+) of/.exec(s.status)?.[1].replace(/,/g, '') ?? NaN);
  return { done, heap: s.heap, workers, rss: rendererRss(profileDir), status: s.status };
}

/** Drops `files` on the page (mode: the Points select), samples memory until the map is made. */
async function run(files, mode = 'whole') {
  const server = await serve('dist');
  const browser = await launch();
  const profileDir = browser.dir;
  try {
    const { page } = await openPage(browser.context, server.url);
    await page.waitForSelector('#file-input', { state: 'attached' });
    if (mode !== 'whole') await page.selectOption('#mode', mode);
    const t0 = Date.now();
    await page.setInputFiles('#file-input', files);
    const samples = [];
    let peakWorker = 0;
    let peakRss = 0;
    for (;;) {
      const s = await sample(page, profileDir);
      s.t = (Date.now() - t0) / 1000;
      samples.push(s);
      peakWorker = Math.max(peakWorker, ...s.workers);
      peakRss = Math.max(peakRss, s.rss || 0);
      if (s.done === Infinity) {
        // then, the map made and kept: what stays once the garbage is collected
        await page.waitForTimeout(8000);
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('HeapProfiler.collectGarbage');
        await page.waitForTimeout(500);
        const kept = await sample(page, profileDir);
        kept.t = (Date.now() - t0) / 1000;
        kept.kept = true;
        samples.push(kept);
        break;
      }
      if (s.t > 40 * 60) throw new Error(`no map after 40 minutes: ${s.status}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const mapped = samples.find((x) => x.done === Infinity && !x.kept);
    return {
      samples,
      peakWorker,
      peakRss,
      seconds: mapped.t,
      status: mapped.status,
      kept: samples.at(-1),
    };
  } finally {
    await browser.close();
    server.close();
  }
}

/** Least-squares slope of y over x. */
function slope(pts) {
  const n = pts.length;
  if (n < 2) return NaN;
  const mx = pts.reduce((a, p) => a + p[0], 0) / n;
  const my = pts.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of pts) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx ? sxy / sxx : NaN;
}

const fmt = (b) => `${(b * MB).toFixed(1)} MB`;

const N = Number(args.files);
const soak = await run(tinyFiles(N));
const mid = soak.samples.filter((s) => Number.isFinite(s.done) && s.done >= 0.2 * N);
const per = (key) =>
  slope(
    mid.map((s) => [s.done, key === 'workers' ? s.workers.reduce((a, b) => a + b, 0) : s[key]]),
  );
console.log(`# memory while the page analyses, Debian's Chromium\n`);
console.log(`## soak: ${N} files in ${soak.seconds.toFixed(0)} s (${soak.status})\n`);
console.log("| files done | workers' wasm (each) | page JS heap | renderer RSS |");
console.log('| ---: | --- | ---: | ---: |');
const step = Math.max(1, Math.floor(soak.samples.length / 12));
soak.samples
  .filter((_, i) => i % step === 0 || i === soak.samples.length - 1)
  .forEach((s) =>
    console.log(
      `| ${Number.isFinite(s.done) ? s.done : s.kept ? 'kept (after GC)' : 'mapped'} | ${s.workers.map(fmt).join(', ')} | ${fmt(s.heap)} | ${fmt(s.rss)} |`,
    ),
  );
const wSlope = per('workers');
console.log(
  `\ngrowth per file from ${Math.round(0.2 * N)} files on (least squares over ${mid.length} samples):` +
    ` workers' wasm ${wSlope.toFixed(0)} B, page JS heap ${per('heap').toFixed(0)} B,` +
    ` renderer RSS ${per('rss').toFixed(0)} B` +
    ` — workers ${Math.abs(wSlope) < 256 ? 'flat' : 'GROWING'}`,
);
console.log(
  `peak per worker: ${fmt(soak.peakWorker)} wasm; renderer RSS peak ${fmt(soak.peakRss)}; ` +
    `the map kept (after GC): page JS heap ${fmt(soak.kept.heap)}, ${(soak.kept.heap / N / 1024).toFixed(1)} KB per sound\n`,
);

const many = await run(tinyFiles(Number(args.many)));
console.log(
  `## ${args.many} files: ${many.seconds.toFixed(0)} s; peak per worker ${fmt(many.peakWorker)} wasm; renderer RSS peak ${fmt(many.peakRss)}; kept after GC: page JS heap ${fmt(many.kept.heap)}\n`,
);
if (!args['skip-long']) {
  const hour = await run([longFile(Number(args.hour))], 'long');
  console.log(
    `## one ${(Number(args.hour) / 60).toFixed(0)}-minute recording (every 0.48 s): ${hour.seconds.toFixed(0)} s; peak per worker ${fmt(hour.peakWorker)} wasm; renderer RSS peak ${fmt(hour.peakRss)} (${hour.status})`,
  );
}
