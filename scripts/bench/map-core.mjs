// map-core.mjs — the measurement behind `make bench-map`, shared by the Node run
// (scripts/bench-map.mjs) and the Chromium run (scripts/bench/map-browser.mjs, bundled).
// sonomap's wasm engine (dist/sonomap.wasm through web/core/engine.js) against umap-js 1.4.0, tsne-js
// 1.0.3 and @keckelt/tsne 1.0.2 on the same clustered synthetic data, one after the other in one
// runtime. Times are wall-clock from the raw rows to the finished layout (setup + all steps) on
// both sides; the quality figure is trustworthiness at k = 10 of each layout against the same
// raw rows, computed by sonomap's engine (sm_layout_quality) for both.
import { loadEngine } from '../../web/core/engine.js';

const CLUSTERS = 20;

/** Clustered data: CLUSTERS centres drawn N(0, 1) per coordinate, each point its centre plus
 *  N(0, 1) noise, label i % CLUSTERS; seeded (mulberry32 + Box-Muller). */
export function makeClusters(n, d, seed = 1) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const C = new Float32Array(CLUSTERS * d);
  for (let i = 0; i < C.length; i++) C[i] = normal();
  const X = new Float32Array(n * d),
    labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = i % CLUSTERS,
      off = l * d;
    labels[i] = l;
    for (let j = 0; j < d; j++) X[i * d + j] = C[off + j] + normal();
  }
  return { X, labels, rnd };
}

const rows = (X, n, d) =>
  Array.from({ length: n }, (_, i) => Array.from(X.subarray(i * d, (i + 1) * d)));
const flat = (Y, dims) => {
  const o = new Float32Array(Y.length * dims);
  Y.forEach((r, i) => {
    for (let c = 0; c < dims; c++) o[i * dims + c] = r[c];
  });
  return o;
};
const umapJsEpochs = (n) => (n <= 2500 ? 500 : n <= 5000 ? 400 : n <= 7500 ? 300 : 200); // umap-js's own default
// trustworthiness on a sample of rows: about 3e9 distance terms at most
const queriesFor = (n, d) => Math.max(200, Math.min(1000, n, Math.round(3e9 / (n * d))));

function quality(eng, X, n, d, Y, dims) {
  const px = eng.copyIn(X),
    py = eng.copyIn(Y),
    pr = eng.alloc(16);
  try {
    if (eng.x.sm_layout_quality(px, n, d, py, dims, 10, queriesFor(n, d), 7, pr, pr + 8) < 0)
      return NaN;
    return new Float64Array(eng.memory.buffer, pr, 1)[0];
  } finally {
    eng.free(px);
    eng.free(py);
    eng.free(pr);
  }
}

async function timeOurs(eng, X, n, d, opts, now, yieldTo) {
  const t0 = now();
  const map = eng.createMap(X, n, d, opts);
  while (map.prepare() > 0) if (yieldTo) await yieldTo(); // the neighbour search and the graph
  const t1 = now();
  let left = map.totalSteps;
  while (left > 0) {
    left = map.step(10);
    if (yieldTo) await yieldTo();
  }
  const t2 = now();
  const Y = map.layout();
  map.free();
  return { setup: (t1 - t0) / 1000, total: (t2 - t0) / 1000, Y, steps: opts.iterations };
}

/**
 * env: { label, wasm (URL or bytes), now(), umap(), tsnejs() (class or null), keckelt(), log(line) }
 * opts: { quick, peers50k, big, peers, tsnejs, only ('umap' | 'tsne' | '') }
 * Returns { label, rows: [...] } with one row per measurement.
 */
export async function runMapBench(env, opts) {
  const log = env.log,
    now = env.now;
  const eng = await loadEngine(await env.wasm());
  const out = { label: env.label, rows: [] };
  const Ns = opts.quick ? [2000, 10000] : [2000, 10000, 50000];
  const Ds = opts.quick ? [128] : [128, 1024];
  const tsneIters = opts.quick ? 200 : 500; // both sides run this many (sonomap's default is 1000)
  log(`\n== ${env.label} — ${new Date().toISOString().slice(0, 10)}`);
  log(
    'ratio = peer time / sonomap time (same runtime, same data, same epochs / iterations); ' +
      'T = trustworthiness at k=10 (sonomap engine, raw rows, sampled queries)',
  );
  const pad = (s, w) => String(s).padEnd(w);
  const fmt = (r) =>
    `  ${pad(r.algo, 5)} N=${pad(r.n, 6)} D=${pad(r.d, 5)} ${pad(r.iters + (r.algo === 'UMAP' ? ' ep' : ' it'), 8)}` +
    ` sonomap ${r.ours.toFixed(2).padStart(7)} s (setup ${r.setup.toFixed(2)}) T ${r.tOurs.toFixed(4)}` +
    (r.peer
      ? `  | ${pad(r.peer, 13)} ${r.peerTime.toFixed(2).padStart(7)} s T ${r.tPeer.toFixed(4)}  ratio ${r.ratio.toFixed(1)}x` +
        `  ΔT ${(r.tOurs - r.tPeer >= 0 ? '+' : '') + (r.tOurs - r.tPeer).toFixed(4)}`
      : `  | ${r.note || ''}`);
  // warm-up, not timed: wasm functions start in V8's baseline tier and are optimised after
  // their first calls (no on-stack replacement), as JavaScript code is within its first run
  {
    const { X } = makeClusters(1500, 64, 3);
    for (const projection of ['umap', 'tsne'])
      for (const knn of ['exact', 'approx'])
        await timeOurs(
          eng,
          X,
          1500,
          64,
          { projection, dims: 2, seed: 1, iterations: 20, knn },
          now,
          env.yieldTo,
        );
  }
  for (const d of Ds)
    for (const n of Ns) {
      const { X, rnd } = makeClusters(n, d, n + d);
      // UMAP: both sides run umap-js's default epoch count for this N
      const ep = umapJsEpochs(n);
      if (opts.only !== 'tsne') {
        const o = await timeOurs(
          eng,
          X,
          n,
          d,
          { projection: 'umap', dims: 2, seed: 1, iterations: ep },
          now,
          env.yieldTo,
        );
        const r = {
          algo: 'UMAP',
          n,
          d,
          iters: ep,
          ours: o.total,
          setup: o.setup,
          tOurs: quality(eng, X, n, d, o.Y, 2),
        };
        if (opts.peers && (n <= 10000 || opts.peers50k)) {
          const UMAP = await env.umap();
          const data = rows(X, n, d);
          const t0 = now();
          const u = new UMAP({
            nComponents: 2,
            nNeighbors: 15,
            minDist: 0.1,
            spread: 1,
            nEpochs: ep,
            random: rnd,
          });
          const ne = u.initializeFit(data);
          for (let i = 0; i < ne; i++) u.step();
          const t1 = now();
          const Y = flat(u.getEmbedding(), 2);
          Object.assign(r, {
            peer: 'umap-js',
            peerTime: (t1 - t0) / 1000,
            tPeer: quality(eng, X, n, d, Y, 2),
          });
          r.ratio = r.peerTime / r.ours;
        } else
          r.note = opts.peers
            ? 'umap-js skipped at this N (minutes per run; --peers-50k runs it)'
            : '';
        out.rows.push(r);
        log(fmt(r));
      }
      // t-SNE (D = 128 only, and not beyond 50k: the D = 1024 rows differ only by the PCA step).
      // The peers are exact O(N^2) in time and memory (N x N float64 matrices): N = 2,000 only;
      // tsne-js runs about a second per iteration there, so it gets a short run of TSNEJS_ITERS
      // iterations against sonomap running the same count, and only with --tsne-js (about 500 s at
      // 30 iterations on a 2-core machine).
      if (d !== 128 || opts.only === 'umap') continue;
      const t = await timeOurs(
        eng,
        X,
        n,
        d,
        { projection: 'tsne', dims: 2, seed: 1, iterations: tsneIters },
        now,
        env.yieldTo,
      );
      const base = {
        algo: 'tSNE',
        n,
        d,
        iters: tsneIters,
        ours: t.total,
        setup: t.setup,
        tOurs: quality(eng, X, n, d, t.Y, 2),
      };
      const peersHere = opts.peers && n <= 2000;
      if (!peersHere) {
        base.note = opts.peers
          ? 'tsne-js / @keckelt/tsne skipped: exact O(N^2) (N x N float64 matrices)'
          : '';
        out.rows.push(base);
        log(fmt(base));
        continue;
      }
      const data = rows(X, n, d);
      const Kt = await env.keckelt();
      let t0 = now();
      const k = new Kt({ epsilon: 10, perplexity: 30, dim: 2 });
      k.initDataRaw(data);
      for (let i = 0; i < tsneIters; i++) k.step();
      let t1 = now();
      const rk = {
        ...base,
        peer: '@keckelt/tsne',
        peerTime: (t1 - t0) / 1000,
        tPeer: quality(eng, X, n, d, flat(k.getSolution(), 2), 2),
      };
      rk.ratio = rk.peerTime / rk.ours;
      out.rows.push(rk);
      log(fmt(rk));
      const Tj = opts.tsnejs ? await env.tsnejs() : null;
      if (Tj) {
        const it = opts.quick ? 10 : 30;
        const s = await timeOurs(
          eng,
          X,
          n,
          d,
          { projection: 'tsne', dims: 2, seed: 1, iterations: it },
          now,
          env.yieldTo,
        );
        t0 = now();
        const m = new Tj({
          dim: 2,
          perplexity: 30,
          earlyExaggeration: 4,
          learningRate: 100,
          nIter: it,
          metric: 'euclidean',
        });
        m.init({ data, type: 'dense' });
        m.run();
        t1 = now();
        const rj = {
          ...base,
          iters: it,
          ours: s.total,
          setup: s.setup,
          tOurs: quality(eng, X, n, d, s.Y, 2),
          peer: 'tsne-js',
          peerTime: (t1 - t0) / 1000,
          tPeer: quality(eng, X, n, d, flat(m.getOutput(), 2), 2),
        };
        rj.ratio = rj.peerTime / rj.ours;
        out.rows.push(rj);
        log(fmt(rj));
      }
    }
  if (opts.big && opts.only !== 'tsne') {
    const n = 100000,
      d = 1024;
    const { X } = makeClusters(n, d, 5);
    const o = await timeOurs(
      eng,
      X,
      n,
      d,
      { projection: 'umap', dims: 2, seed: 1 },
      now,
      env.yieldTo,
    );
    const r = {
      algo: 'UMAP',
      n,
      d,
      iters: 200,
      ours: o.total,
      setup: o.setup,
      tOurs: quality(eng, X, n, d, o.Y, 2),
      note: 'no peer (target: under 60 s)',
    };
    out.rows.push(r);
    log(fmt(r));
  }
  return out;
}
