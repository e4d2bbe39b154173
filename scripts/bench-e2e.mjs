// bench-e2e.mjs — what a person pays: 1,000 real clips dropped on the page → a map with the
// default model, in seconds, from the moment the files are handed to the page to the final
// "Mapped …" line, in Debian's Chromium. Prints the phases and the share each takes.
//
// The page's own timeline (read from its status line every 50 ms) splits the wall time into
// analysis (workers: decode, features, network, tiles) and projection (neighbours, graph,
// layout, quality). Inside the analysis the workers interleave the four steps file by file, so
// their shares are measured on the same files with the same engine and model under Node, one
// step at a time, and applied to the analysis wall time.
//
//   node scripts/bench-e2e.mjs [--count 1000] [--keep]
// Clips: Sonic Pi's samples, Wesnoth's and Tux Paint's sounds (Debian packages, installed by
// scripts/model/setup.sh or apt-get), at most 2 MB each, in a fixed order.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { launch, openPage, serve } from '../tests/browser/harness.mjs';
import { loadEngine } from '../web/core/engine.js';
import { DEFAULT_MODEL } from '../web/core/policy.js';
import { realClips, SOURCES } from './bench/real-clips.mjs';

const { values: args } = parseArgs({
  options: { count: { type: 'string', default: '1000' } },
  strict: true,
});
const COUNT = Number(args.count);
async function pageRun(files) {
  const server = await serve('dist');
  const browser = await launch();
  try {
    const { page } = await openPage(browser.context, server.url);
    await page.waitForSelector('#file-input', { state: 'attached' });
    const t0 = Date.now();
    await page.setInputFiles('#file-input', files);
    const timeline = [];
    let last = '';
    for (;;) {
      const text = await page.evaluate(() => document.querySelector('[role="status"]').textContent);
      const stage = /^Analysing/.test(text)
        ? 'analysis'
        : /^Mapped/.test(text)
          ? 'done'
          : 'projection';
      if (stage !== last) timeline.push({ stage, t: (Date.now() - t0) / 1000, text });
      last = stage;
      if (stage === 'done') break;
      if (Date.now() - t0 > 30 * 60e3) throw new Error(`no map after 30 minutes: ${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const end = timeline.at(-1);
    const firstAnalysis = timeline.find((s) => s.stage === 'analysis');
    const lastAnalysis = timeline.findLastIndex((s) => s.stage === 'analysis');
    const projectionStart = timeline[lastAnalysis + 1]?.t ?? end.t;
    return {
      total: end.t,
      reading: firstAnalysis?.t ?? 0,
      analysis: projectionStart - (firstAnalysis?.t ?? 0),
      projection: end.t - projectionStart,
      status: end.text,
    };
  } finally {
    await browser.close();
    server.close();
  }
}

async function nodeShares(files) {
  const engine = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));
  const model = engine.loadModel(fs.readFileSync(DEFAULT_MODEL.file));
  const mode = engine.abi.modes.whole !== undefined ? 'whole' : 'clip';
  const ms = { 'decode + resample': 0, features: 0, network: 0, 'sprite tiles': 0 };
  const now = () => performance.now();
  for (const f of files) {
    const bytes = fs.readFileSync(f);
    let t = now();
    const a = engine.analyzeFile(bytes, { mode });
    const tFile = now() - t;
    if (a.error) continue;
    t = now();
    engine.analyzePcm([a.audio], 16000, { mode });
    const tPcm = now() - t;
    ms.features += tPcm;
    ms['decode + resample'] += Math.max(0, tFile - tPcm);
    for (const seg of a.segments) {
      const patches = seg.patches ?? seg.logmel;
      t = now();
      model.embed(patches, patches.length / (96 * 64));
      ms.network += now() - t;
      t = now();
      engine.logmelTile(seg.logmel, 64);
      ms['sprite tiles'] += now() - t;
    }
  }
  const sum = Object.values(ms).reduce((s, v) => s + v, 0);
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, v / sum]));
}

const files = realClips(COUNT);
console.log(
  `bench-e2e: ${files.length} clips (${SOURCES.length} sources), default model ${DEFAULT_MODEL.name}`,
);
const run = await pageRun(files);
console.log(`page: ${run.status}`);
const shares = await nodeShares(files);
const rows = [
  ['reading the files', run.reading],
  ...Object.entries(shares).map(([k, s]) => [k, s * run.analysis]),
  ['projection (neighbours, layout, quality)', run.projection],
];
console.log(
  `\n${files.length} clips dropped → map, Chromium, cold page: ${run.total.toFixed(1)} s (${(files.length / run.total).toFixed(0)} clips/s)`,
);
console.log('| phase | s | share |\n| --- | ---: | ---: |');
for (const [k, s] of rows)
  console.log(`| ${k} | ${s.toFixed(1)} | ${((100 * s) / run.total).toFixed(0)} % |`);
console.log(
  '(decode, features, network and sprites split the analysis wall time by their CPU shares measured in Node on the same files)',
);
