// projection.js — the page's side of the projection worker: one worker, one map at a time.
//   const p = new Projector(workerUrl, wasmModule);
//   const {layout, excluded, note} = await p.run({X, n, d, blocks, projection, dims, seed, labels},
//                                                (layout, done, total, stage) => ..., (quality) => ...);
//   layout is null while the setup runs without a new layout to show.
//   const {clusters} = await p.cluster(k, spherical);   // on the last finished map
//   const {cells} = await p.grid(xy, n, cols, rows);
// A new run() cancels the one before (its promise rejects with err.cancelled = true); the
// quality figures of a run come after its layout, through the third callback.

export class Projector {
  constructor(url, module) {
    this.worker = new Worker(url, { type: 'module', name: 'sonomap-projection' });
    this.nextId = 1;
    this.pending = null;
    this.requests = new Map(); // id → {resolve, reject} of cluster / grid requests
    this.onQuality = null; // {id, fn} of the last finished run
    this.failed = null;
    this.ready = new Promise((resolve, reject) => {
      this.onReady = resolve;
      this.onFail = reject;
    });
    this.ready.catch(() => {});
    this.worker.onmessage = (e) => this.onMessage(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      this.fail(e.message || 'the projection worker stopped');
    };
    this.worker.postMessage({ type: 'init', module });
  }

  fail(reason) {
    this.failed = reason;
    this.onFail(new Error(reason));
    if (this.pending) {
      this.pending.reject(new Error(reason));
      this.pending = null;
    }
    for (const r of this.requests.values()) r.reject(new Error(reason));
    this.requests.clear();
  }

  onMessage(m) {
    if (m.type === 'ready') return this.onReady();
    if (m.type === 'init-error')
      return this.fail(`the projection engine could not start: ${m.error}`);
    const r = this.requests.get(m.id);
    if (r) {
      this.requests.delete(m.id);
      if (m.type === 'error') r.reject(new Error(m.error));
      else r.resolve(m);
      return;
    }
    if (m.type === 'quality') {
      if (this.onQuality?.id === m.id) this.onQuality.fn?.(m.quality);
      return;
    }
    const p = this.pending;
    if (!p || m.id !== p.id) return;
    if (m.type === 'layout') p.onLayout?.(m.layout, m.done, m.total, m.stage);
    else if (m.type === 'done') {
      this.pending = null;
      this.onQuality = { id: p.id, fn: p.onQuality };
      p.resolve(m);
    } else if (m.type === 'error') {
      this.pending = null;
      p.reject(new Error(m.error));
    }
  }

  cancel() {
    this.onQuality = null;
    if (!this.pending) return;
    this.worker.postMessage({ type: 'cancel', id: this.pending.id });
    this.pending.reject(Object.assign(new Error('cancelled'), { cancelled: true }));
    this.pending = null;
  }

  async run(job, onLayout, onQuality) {
    this.cancel();
    const id = this.nextId++;
    const result = new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject, onLayout, onQuality };
    });
    if (this.failed) {
      this.pending.reject(new Error(this.failed));
      this.pending = null;
      return result;
    }
    try {
      await this.ready;
    } catch {
      return result; // already rejected by fail()
    }
    if (this.pending?.id !== id) return result;
    const X = job.X.slice(); // the caller keeps its features for the next projection
    this.worker.postMessage({ ...job, X, type: 'map', id }, [X.buffer]);
    return result;
  }

  async #request(msg, transfer = []) {
    if (this.failed) throw new Error(this.failed);
    await this.ready;
    const id = this.nextId++;
    const result = new Promise((resolve, reject) => this.requests.set(id, { resolve, reject }));
    this.worker.postMessage({ ...msg, id }, transfer);
    return result;
  }

  /** k-means clusters of the last finished map → {clusters: Int32Array(n) (-1 unmapped), k}. */
  cluster(k, spherical = false) {
    return this.#request({ type: 'cluster', k, spherical });
  }

  /** Cells (row * cols + col) of a grid for a 2-D cloud → {cells: Int32Array(n)}. */
  grid(xy, n, cols, rows) {
    const copy = Float32Array.from(xy);
    return this.#request({ type: 'grid', xy: copy, n, cols, rows }, [copy.buffer]);
  }

  terminate() {
    this.cancel();
    this.worker.terminate();
  }
}
