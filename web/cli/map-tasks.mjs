// map-tasks.mjs — the layouts of a dataset as independent tasks (one projection in 2-D or 3-D,
// with the main one's quality figures and clusters, and the grid after the 2-D one), run either
// in this thread's engine or side by side in worker threads (each with its own engine, the
// feature matrix shared). A task gives the same bytes wherever it runs: same rows, same seed,
// same engine build. The spriteclip's encoding runs on the same pool. Worker message in:
// {task, X, n, d} or {encode, audio, rate}; out: {result} | {error}.
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

/** A pool of at most `jobs` worker threads (the entry script dispatches to runMapWorker when
 *  workerData.sonomapMapWorker is set), started as tasks come: run(msg, transfer) queues a
 *  message ({task, X, n, d} for a layout, {encode: 'flac'|'wav', audio, rate} for a spriteclip)
 *  and resolves its result; close() ends the threads. A failed task rejects its own promise. */
export class TaskPool {
  constructor({ jobs, entryUrl, wasmUrl }) {
    this.jobs = Math.max(1, jobs);
    this.entryUrl = entryUrl;
    this.wasm = wasmUrl.href ?? String(wasmUrl);
    this.queue = [];
    this.idle = [];
    this.workers = [];
  }

  run(msg, transfer = []) {
    return new Promise((resolve, reject) => {
      this.queue.push({ msg, transfer, resolve, reject });
      this.pump();
    });
  }

  pump() {
    while (this.queue.length) {
      let w = this.idle.pop();
      if (!w && this.workers.length < this.jobs) w = this.spawn();
      if (!w) return;
      const job = this.queue.shift();
      w.job = job;
      w.postMessage(job.msg, job.transfer);
    }
  }

  spawn() {
    const w = new Worker(this.entryUrl, {
      workerData: { sonomapMapWorker: true, wasm: this.wasm },
    });
    this.workers.push(w);
    const done = (fn) => {
      const job = w.job;
      w.job = null;
      if (job) fn(job);
    };
    w.on('message', (msg) => {
      done((job) => (msg.error ? job.reject(new Error(msg.error)) : job.resolve(msg.result)));
      this.idle.push(w);
      this.pump();
    });
    w.on('error', (e) => {
      done((job) => job.reject(e));
      this.workers = this.workers.filter((x) => x !== w);
      this.pump();
    });
    return w;
  }

  close() {
    for (const w of this.workers) w.terminate();
    this.workers = [];
    this.idle = [];
  }
}

/** The layout tasks on the pool, the feature matrix shared; onDone(result) as each one ends.
 *  Resolves the results in the order of the tasks; rejects with the first failure. */
export function runMapTasksInWorkers(tasks, X, n, d, pool, onDone) {
  const shared = new Float32Array(new SharedArrayBuffer(X.byteLength));
  shared.set(X);
  return Promise.all(
    tasks.map((task) =>
      pool.run({ task, X: shared, n, d }).then((r) => {
        onDone?.(r);
        return r;
      }),
    ),
  );
}

/** The spriteclip's file bytes (FLAC or WAV, 16 kHz) made on the pool, or here without one. */
export function encodeAudio(engine, pool, audio, format) {
  if (!pool) return Promise.resolve(encodeWith(engine, audio, format));
  const own = audio.byteOffset === 0 && audio.byteLength === audio.buffer.byteLength;
  const a = own ? audio : audio.slice();
  return pool.run({ encode: format, audio: a, rate: 16000 }, [a.buffer]);
}

function encodeWith(engine, audio, format) {
  return format === 'flac' ? engine.flacEncode(audio, 16000) : engine.wavEncode(audio, 16000);
}

/** The body of one map worker thread: its own engine, one task per message. */
export async function runMapWorker(wasm) {
  const engine = await loadEngine(fs.readFileSync(new URL(wasm)));
  parentPort.on('message', ({ task, X, n, d, encode, audio }) => {
    let result;
    try {
      if (encode) {
        result = encodeWith(engine, audio, encode);
        parentPort.postMessage({ result }, [result.buffer]);
        return;
      }
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
