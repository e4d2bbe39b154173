// projection.js — the page's side of the projection worker: one worker, one map at a time.
//   const p = new Projector(workerUrl, wasmModule);
//   const {layout, excluded, note} = await p.run({X, n, d, blocks, projection, dims, seed},
//                                                (layout, done, total) => ...);
// A new run() cancels the one before (its promise rejects with err.cancelled = true).

export class Projector {
  constructor(url, module) {
    this.worker = new Worker(url, { type: 'module', name: 'sonomap-projection' });
    this.nextId = 1;
    this.pending = null;
    this.failed = null;
    this.ready = new Promise((resolve, reject) => { this.onReady = resolve; this.onFail = reject; });
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
    if (this.pending) { this.pending.reject(new Error(reason)); this.pending = null; }
  }

  onMessage(m) {
    if (m.type === 'ready') return this.onReady();
    if (m.type === 'init-error') return this.fail(`the projection engine could not start: ${m.error}`);
    const p = this.pending;
    if (!p || m.id !== p.id) return;
    if (m.type === 'layout') p.onLayout?.(m.layout, m.done, m.total);
    else if (m.type === 'done') { this.pending = null; p.resolve(m); }
    else if (m.type === 'error') { this.pending = null; p.reject(new Error(m.error)); }
  }

  cancel() {
    if (!this.pending) return;
    this.worker.postMessage({ type: 'cancel', id: this.pending.id });
    this.pending.reject(Object.assign(new Error('cancelled'), { cancelled: true }));
    this.pending = null;
  }

  async run(job, onLayout) {
    this.cancel();
    const id = this.nextId++;
    const result = new Promise((resolve, reject) => { this.pending = { id, resolve, reject, onLayout }; });
    if (this.failed) { this.pending.reject(new Error(this.failed)); this.pending = null; return result; }
    try {
      await this.ready;
    } catch {
      return result;  // already rejected by fail()
    }
    if (this.pending?.id !== id) return result;
    const X = job.X.slice();  // the caller keeps its features for the next projection
    this.worker.postMessage({ ...job, X, type: 'map', id }, [X.buffer]);
    return result;
  }

  terminate() { this.cancel(); this.worker.terminate(); }
}
