// cold.mjs — the cold, whole-command half of `make bench-map`: what a person pays running a
// command once or opening a page once, with nothing warmed up (V8's baseline tiers, start-up,
// reading and writing included). The same rows are laid out by both sides, with the same
// number of epochs / iterations, each run in a process or browser profile of its own:
//   node:     `node dist/sonomap.mjs project x.npy --out D --iterations N` against
//             scripts/bench/cold-peer.mjs (the same command with umap-js or @keckelt/tsne),
//             timed from spawn to exit;
//   chromium: scripts/bench/cold-page.mjs in a fresh profile, from the navigation's start to a
//             finished layout in a worker: sonomap's projection worker as the page runs it,
//             against the peer in a worker of its own.
// Runs alternate (ours, peer, ours, peer...) and the median of each side is kept.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { npyEncode } from '../../web/core/npy.js';
import { runInChromium } from './chromium.mjs';
import { makeClusters } from './map-core.mjs';

const DIR = 'build/bench/cold';
/** The cases: the UMAP case (umap-js's own epoch count at this N) and t-SNE where the
 *  exact peer still runs (200 iterations: @keckelt/tsne takes about 30 s a run here). */
export const COLD_CASES = [
  { algo: 'umap', peer: 'umap-js', n: 10000, d: 128, iters: 200 },
  { algo: 'tsne', peer: '@keckelt/tsne', n: 2000, d: 128, iters: 200 },
];
const SEED = 42;

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function dataFor(c) {
  const file = path.join(DIR, `${c.algo}-${c.n}x${c.d}.npy`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(DIR, { recursive: true });
    const { X } = makeClusters(c.n, c.d, c.n + c.d);
    fs.writeFileSync(file, npyEncode(X, [c.n, c.d]));
  }
  return file;
}

/** Seconds from spawn to exit of one command; throws when it fails. */
function timed(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return s;
}

function checkLayout(dir, n) {
  const b = fs.readFileSync(path.join(dir, 'layout.npy'));
  if (b.length < n * 8) throw new Error(`${dir}/layout.npy is short`);
}

async function nodeCase(c, runs) {
  const x = dataFor(c);
  const outO = path.join(DIR, 'out-ours'),
    outP = path.join(DIR, 'out-peer');
  const ours = [],
    peer = [];
  for (let r = 0; r < runs; r++) {
    fs.rmSync(outO, { recursive: true, force: true });
    fs.rmSync(outP, { recursive: true, force: true });
    ours.push(
      timed([
        'dist/sonomap.mjs',
        'project',
        x,
        '--out',
        outO,
        '--projection',
        c.algo,
        '--iterations',
        String(c.iters),
        '--seed',
        String(SEED),
        '--quiet',
      ]),
    );
    checkLayout(outO, c.n);
    peer.push(
      timed(['scripts/bench/cold-peer.mjs', c.algo, x, outP, String(c.iters), String(SEED)]),
    );
    checkLayout(outP, c.n);
  }
  return { ours, peer };
}

async function chromiumCase(c, runs, root) {
  const x = `/${dataFor(c)}`;
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: ['scripts/bench/cold-peer-worker.mjs'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: 'build/bench/cold-peer-worker.js',
    logLevel: 'error',
  });
  const ours = [],
    peer = [];
  for (let r = 0; r < runs; r++)
    for (const side of ['ours', 'peer']) {
      const q = new URLSearchParams({ side, algo: c.algo, npy: x, iters: c.iters, seed: SEED });
      const res = await runInChromium({
        root,
        name: 'cold',
        entry: 'scripts/bench/cold-page.mjs',
        query: q.toString(),
        polling: 50,
      });
      if (res.n !== c.n || res.finite !== 2 * c.n)
        throw new Error(`${side}: ${res.finite} finite values for ${c.n} rows`);
      (side === 'ours' ? ours : peer).push(res.ms / 1000);
    }
  return { ours, peer };
}

/** opts: {runs, node, chromium, only ('umap'|'tsne'|''), root, log}. Returns rows
 *  {runtime, algo, peer, n, d, iters, ours, peerTime, ratio, oursRuns, peerRuns}. */
export async function runColdBench(opts) {
  const { runs = 3, log = console.log, root } = opts;
  const cases = COLD_CASES.filter((c) => !opts.only || c.algo === opts.only);
  const rows = [];
  log(
    `\n== cold, whole command (median of ${runs} runs each, alternating; fresh process / fresh ` +
      'browser profile per run; same rows, same epochs / iterations)',
  );
  for (const [runtime, run] of [
    ['node', opts.node !== false && nodeCase],
    ['chromium', opts.chromium !== false && ((c, k) => chromiumCase(c, k, root))],
  ]) {
    if (!run) continue;
    for (const c of cases) {
      const t = await run(c, runs);
      const row = {
        runtime,
        algo: c.algo === 'umap' ? 'UMAP' : 'tSNE',
        peer: c.peer,
        n: c.n,
        d: c.d,
        iters: c.iters,
        ours: median(t.ours),
        peerTime: median(t.peer),
        oursRuns: t.ours,
        peerRuns: t.peer,
      };
      row.ratio = row.peerTime / row.ours;
      rows.push(row);
      const list = (a) => a.map((v) => v.toFixed(2)).join(' ');
      log(
        `  ${runtime.padEnd(8)} ${row.algo} N=${c.n} D=${c.d} ${c.iters} ${c.algo === 'umap' ? 'ep' : 'it'}` +
          `  sonomap ${row.ours.toFixed(2)} s [${list(t.ours)}]  | ${c.peer} ${row.peerTime.toFixed(2)} s` +
          ` [${list(t.peer)}]  ratio ${row.ratio.toFixed(1)}x`,
      );
    }
  }
  return rows;
}
