// map-tasks.mjs — the layouts of a dataset as independent tasks (one projection in 2-D or 3-D,
// with the main one's quality figures and clusters, and the grid after the 2-D one), run either
// in this thread's engine or side by side in worker threads (each with its own engine, the
// feature matrix shared). A task gives the same bytes wherever it runs: same rows, same seed,
// same engine build. Worker message in: {task, X, n, d}; out: {result} | {error}.
import fs from 'node:fs';
import { parentPort, Worker } from 'node:worker_threads';
import { loadEngine } from '../core/engine.js';

/** One task on an engine → {key, layout, quality?, clusters?, grid?, seconds, gridSeconds?}.
 *  task: {proj, k, seed, main: {qualityK, queries, labels, labelCount, clusters, spherical} |
 *  null, grid: {cols, rows} | null}. Throws with the reason. */
export function runMapTask(engine, X, n, d, task) {
  const t0 = Date.now();
  const { proj, k, seed, main, grid } = task;
  const m = engine.createMap(X, n, d, { projection: proj, dims: k, seed, standardize: false });
  const out = { key: `${proj}-${k}d` };
  try {
    if (m.excluded.length) throw new Error(`${m.excluded.length} rows have non-finite features`);
    const total = m.totalSteps;
    let left = total;
    while (left > 0) left = m.step(Math.max(1, Math.ceil(total / 20)));
    out.layout = m.layout();
    if (main) {
      out.quality = {};
      if (main.qualityK >= 1) Object.assign(out.quality, m.quality(main.qualityK, main.queries));
      if (main.labelCount > 1)
        out.quality.labelAccuracy = m.labelAccuracy(main.labels, main.queries);
      if (main.clusters) out.clusters = m.cluster(main.clusters, main.spherical);
    }
  } finally {
    m.free();
  }
  out.seconds = (Date.now() - t0) / 1000;
  if (grid) {
    const t1 = Date.now();
    out.grid = engine.gridAssign(out.layout, n, grid.cols, grid.rows);
    out.gridSeconds = (Date.now() - t1) / 1000;
  }
  return out;
}

/** Runs the tasks on a pool of at most `jobs` worker threads (the entry script dispatches to
 *  runMapWorker when workerData.sonomapMapWorker is set); onDone(result) as each one ends.
 *  Resolves the results in the order of the tasks; rejects with the first failure. */
export function runMapTasksInWorkers(tasks, X, n, d, { jobs, entryUrl, wasmUrl }, onDone) {
  const shared = new Float32Array(new SharedArrayBuffer(X.byteLength));
  shared.set(X);
  const results = new Array(tasks.length);
  const count = Math.max(1, Math.min(jobs, tasks.length));
  return new Promise((resolve, reject) => {
    let next = 0;
    let alive = count;
    let failed = false;
    const workers = [];
    const stopAll = () => {
      for (const w of workers) w.terminate();
    };
    for (let w = 0; w < count; w++) {
      const worker = new Worker(entryUrl, {
        workerData: { sonomapMapWorker: true, wasm: wasmUrl.href ?? String(wasmUrl) },
      });
      workers.push(worker);
      let current = -1;
      const feed = () => {
        if (failed) return;
        if (next >= tasks.length) {
          worker.terminate();
          if (--alive === 0) resolve(results);
          return;
        }
        current = next++;
        worker.postMessage({ task: tasks[current], X: shared, n, d });
      };
      worker.on('message', (msg) => {
        if (msg.error) {
          failed = true;
          stopAll();
          reject(new Error(msg.error));
          return;
        }
        results[current] = msg.result;
        onDone?.(msg.result);
        feed();
      });
      worker.on('error', (e) => {
        if (failed) return;
        failed = true;
        stopAll();
        reject(e);
      });
      feed();
    }
  });
}

/** The body of one map worker thread: its own engine, one task per message. */
export async function runMapWorker(wasm) {
  const engine = await loadEngine(fs.readFileSync(new URL(wasm)));
  parentPort.on('message', ({ task, X, n, d }) => {
    let result;
    try {
      result = runMapTask(engine, X, n, d, task);
    } catch (e) {
      parentPort.postMessage({ error: e.message });
      return;
    }
    const transfer = [result.layout.buffer];
    if (result.clusters) transfer.push(result.clusters.buffer);
    if (result.grid) transfer.push(result.grid.buffer);
    parentPort.postMessage({ result }, transfer);
  });
}
