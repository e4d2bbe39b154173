// bench-decode.mjs — decoding in Chromium: 100 five-second stereo 44.1 kHz files (WAV and Ogg
// Vorbis, made with sox and oggenc), the browser's decodeAudioData on all of them at once
// against the engine's decode + down-mix + resample to 16 kHz on the page's worker pool (as many
// workers as the page starts), in audio-seconds per second, cold (fresh context; workers
// started, wasm compiled and instantiated inside the time) and warm. decodeAudioData is timed
// twice: at 44.1 kHz (decode only) and into a 16 kHz context (decode + resample, like for like).
// Then the whole map of the same files (dropped on a fresh page, the time to "Mapped"), cold and
// dropped again, against decodeAudioData alone.
//
//   node scripts/bench-decode.mjs [--count 100] [--seconds 5]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { copySite, launch, openPage, serve } from '../tests/browser/harness.mjs';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '5' },
  },
  strict: true,
});
const COUNT = Number(args.count);
const SECONDS = Number(args.seconds);
const CACHE = path.resolve(`build/bench-decode/v2-${COUNT}x${SECONDS}s`);

/** COUNT different stereo files per format (cached between runs): tones, a sweep and noise. */
function makeFiles() {
  fs.mkdirSync(CACHE, { recursive: true });
  const out = { wav: [], ogg: [] };
  for (let i = 0; i < COUNT; i++) {
    const base = path.join(CACHE, `clip-${String(i).padStart(3, '0')}`);
    if (!fs.existsSync(`${base}.wav`)) {
      const f = 110 + 17 * i;
      execFileSync('sox', [
        '-V1',
        ...['-n', '-r', '44100', '-c', '2', '-b', '16', `${base}.wav`],
        ...['synth', String(SECONDS), 'sine', `${f}-${4 * f}`, 'pinknoise', 'sine', `${2 * f}`],
        ...['remix', '1,2v0.3', '2,3v0.3', 'gain', '-6'],
      ]);
    }
    if (!fs.existsSync(`${base}.ogg`))
      execFileSync('oggenc', ['-Q', '-q', '4', '-o', `${base}.ogg`, `${base}.wav`]);
    out.wav.push(`${base}.wav`);
    out.ogg.push(`${base}.ogg`);
  }
  return out;
}

/** In the page: decodeAudioData and the engine's pool on the same bytes, cold then warm. */
async function decodeRuns(page, names) {
  return page.evaluate(async (names) => {
    const bufs = await Promise.all(names.map((n) => fetch(n).then((r) => r.arrayBuffer())));
    const workers = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 4, names.length));
    const now = () => performance.now() / 1000;

    async function browser(rate) {
      const ctx = new OfflineAudioContext(1, 1, rate);
      const copies = bufs.map((b) => b.slice(0));
      const t0 = now();
      const out = await Promise.all(copies.map((b) => ctx.decodeAudioData(b)));
      return { t: now() - t0, audio: out.reduce((s, a) => s + a.duration, 0) };
    }

    // The page's worker pool, by hand: its analysis worker script and wasm module, one job per
    // worker at a time.
    async function startPool() {
      const module = await WebAssembly.compileStreaming(fetch('sonomap.wasm'));
      return Promise.all(
        Array.from({ length: workers }, () => {
          const w = new Worker('analysis-worker.js', { type: 'module' });
          return new Promise((resolve, reject) => {
            w.onmessage = (e) => {
              if (e.data.type === 'ready') resolve(w);
              else reject(new Error(e.data.error));
            };
            w.postMessage({ type: 'init', module, model: null });
          });
        }),
      );
    }
    async function engine(pool) {
      const copies = bufs.map((b) => b.slice(0));
      let next = 0;
      let samples = 0;
      let audio = 0;
      const t0 = now();
      if (!pool) pool = await startPool();
      await Promise.all(
        pool.map(
          (w) =>
            new Promise((resolve, reject) => {
              const feed = () => {
                if (next >= copies.length) return resolve();
                const id = next++;
                w.postMessage({ type: 'decode', id, bytes: copies[id] }, [copies[id]]);
              };
              w.onmessage = (e) => {
                if (!e.data.ok) return reject(new Error(e.data.error));
                samples += e.data.result.samples;
                audio += e.data.result.duration;
                feed();
              };
              feed();
            }),
        ),
      );
      return { t: now() - t0, audio, samples, pool };
    }

    const res = { workers };
    res.cold = { browser: await browser(44100), browser16k: await browser(16000) };
    const e = await engine(null);
    res.cold.engine = e;
    res.warm = {
      browser: await browser(44100),
      browser16k: await browser(16000),
      engine: await engine(e.pool),
    };
    for (const w of e.pool) w.terminate();
    delete res.cold.engine.pool;
    delete res.warm.engine.pool;
    return res;
  }, names);
}

/** The whole map: the files dropped on the page, seconds to "Mapped"; cold, then again. */
async function mapRuns(context, url, files) {
  const { page } = await openPage(context, url);
  await page.waitForSelector('#file-input', { state: 'attached' });
  const times = [];
  for (let pass = 0; pass < 2; pass++) {
    await page.evaluate(() => {
      const el = document.getElementById('status');
      window.__mapped = null;
      let left = !/^Mapped/.test(el.textContent);
      new MutationObserver(() => {
        if (!/^Mapped/.test(el.textContent)) left = true;
        else if (left && window.__mapped === null) window.__mapped = Date.now();
      }).observe(el, { childList: true, subtree: true, characterData: true });
    });
    const t0 = Date.now();
    await page.setInputFiles('#file-input', files);
    const h = await page.waitForFunction(() => window.__mapped, null, {
      timeout: 600e3,
      polling: 20,
    });
    times.push(((await h.jsonValue()) - t0) / 1000);
    await h.dispose();
  }
  await page.close();
  return times;
}

const files = makeFiles();
const site = copySite('bench-decode');
for (const f of [...files.wav, ...files.ogg]) fs.copyFileSync(f, path.join(site, path.basename(f)));
const server = await serve(site);
const browser = await launch();
try {
  const audio = COUNT * SECONDS;
  console.log(
    `bench-decode: ${COUNT} files of ${SECONDS} s, stereo 44.1 kHz, ${audio} audio-seconds per format, Chromium`,
  );
  const rate = (t) => `${(audio / t).toFixed(0)}`;
  for (const fmt of ['wav', 'ogg']) {
    const { page } = await openPage(browser.context, server.url);
    const r = await decodeRuns(
      page,
      files[fmt].map((f) => path.basename(f)),
    );
    await page.close();
    const maps = await mapRuns(browser.context, server.url, files[fmt]);
    console.log(
      `\n${fmt === 'wav' ? 'WAV' : 'Ogg Vorbis'} (engine: ${r.workers} workers, as the page)`,
    );
    console.log(
      '| pass | decodeAudioData 44.1 kHz | decodeAudioData 16 kHz | engine decode + resample | engine / decodeAudioData | whole map | map / decodeAudioData |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [k, pass] of [
      [0, 'cold'],
      [1, 'warm'],
    ]) {
      const p = r[pass];
      const m = maps[k];
      console.log(
        `| ${pass} | ${p.browser.t.toFixed(2)} s (${rate(p.browser.t)} audio-s/s) | ` +
          `${p.browser16k.t.toFixed(2)} s (${rate(p.browser16k.t)}) | ` +
          `${p.engine.t.toFixed(2)} s (${rate(p.engine.t)}) | ` +
          `${(p.browser.t / p.engine.t).toFixed(2)}x (16 kHz: ${(p.browser16k.t / p.engine.t).toFixed(2)}x) | ` +
          `${m.toFixed(2)} s (${rate(m)}) | ${(p.browser.t / m).toFixed(2)}x |`,
      );
      if (Math.abs(p.engine.audio - audio) > 0.01 * audio)
        console.log(`  (the engine decoded ${p.engine.audio.toFixed(1)} s, not ${audio})`);
    }
  }
  console.log(
    '\n(ratios: how many times the audio-seconds per second of decodeAudioData at 44.1 kHz; targets: engine >= 2x, whole map >= 1x)',
  );
} finally {
  await browser.close();
  server.close();
  fs.rmSync(site, { recursive: true, force: true });
}
