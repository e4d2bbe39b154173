// pool.js — a pool of module workers, each with its own wasm instance, taking one job at a time.
// Jobs are messages {type, ...}; a worker answers {id, ok, result} or {id, ok: false, error}.
// A worker that dies (a trap, out of memory) fails its job with a reason and is replaced, so one
// bad file never stops the rest.

/** Workers to run: the cores the browser reports, capped (each wasm instance holds its own
 *  memory), and never more than there are jobs. */
export function poolSize(jobs = Infinity, cap = 8) {
  const cores = (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 4;
  return Math.max(1, Math.min(cap, cores, jobs));
}

class Slot {
  constructor(pool) {
    this.pool = pool;
    this.job = null;
    this.spawn();
  }

  spawn() {
    const w = new Worker(this.pool.url, { type: 'module', name: 'sonomap-analysis' });
    this.worker = w;
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => {});
    w.onmessage = (e) => this.onMessage(e.data);
    w.onerror = (e) => {
      e.preventDefault?.();
      this.die(e.message || 'the analysis worker stopped');
    };
    w.onmessageerror = () => this.die('a message from the analysis worker could not be read');
    w.postMessage({ type: 'init', module: this.pool.module, model: this.pool.model });
  }

  onMessage(m) {
    if (m.type === 'ready') {
      this.pool.modelLoaded(m.modelError ?? null, m.modelInfo ?? null);
      return this.readyResolve();
    }
    if (m.type === 'init-error') {
      this.readyReject(new Error(m.error));
      this.pool.initFailed(m.error);
      return;
    }
    const job = this.job;
    if (!job || m.id !== job.id) return;
    this.job = null;
    if (m.ok) job.resolve(m.result);
    else
      job.reject(Object.assign(new Error(m.error), { needsBrowserDecode: !!m.needsBrowserDecode }));
    this.pool.pump();
  }

  die(reason) {
    const job = this.job;
    this.job = null;
    this.worker.terminate();
    if (this.pool.closed) return;
    if (job) job.reject(new Error(`the analysis stopped: ${reason}`));
    this.spawn();
    this.pool.pump();
  }

  async run(job) {
    this.job = job;
    try {
      await this.ready;
    } catch (e) {
      this.job = null;
      job.reject(e);
      return;
    }
    if (this.job !== job) return;
    this.worker.postMessage({ ...job.msg, id: job.id }, job.transfer);
  }
}

export class WorkerPool {
  /** url: the worker script; module: a compiled WebAssembly.Module for each worker; model:
   *  the bytes of a model file every worker loads (or null). `modelStatus` resolves to
   *  {error, info} once the first worker has tried it. */
  constructor(url, module, size, model = null) {
    this.url = url;
    this.module = module;
    this.model = model;
    this.modelStatus = new Promise((resolve) => {
      this.modelResolve = resolve;
    });
    this.queue = [];
    this.nextId = 1;
    this.closed = false;
    this.initError = null;
    this.slots = Array.from({ length: size }, () => new Slot(this));
  }

  get size() {
    return this.slots.length;
  }

  /** Queue a job; resolves with the worker's result or rejects with its reason. Urgent jobs go
   *  to the front of the queue. */
  run(msg, transfer = [], { urgent = false } = {}) {
    if (this.closed) return Promise.reject(new Error('the analysis was cancelled'));
    if (this.initError) return Promise.reject(new Error(this.initError));
    return new Promise((resolve, reject) => {
      const job = { id: this.nextId++, msg, transfer, resolve, reject };
      if (urgent) this.queue.unshift(job);
      else this.queue.push(job);
      this.pump();
    });
  }

  pump() {
    for (const s of this.slots) {
      if (this.queue.length === 0) return;
      if (!s.job) s.run(this.queue.shift());
    }
  }

  modelLoaded(error, info) {
    this.modelResolve({ error, info });
  }

  initFailed(reason) {
    if (this.initError) return;
    this.initError = `the analysis engine could not start: ${reason}`;
    this.modelResolve({ error: this.initError, info: null });
    for (const job of this.queue.splice(0)) job.reject(new Error(this.initError));
  }

  /** Stops every worker; queued and running jobs reject. */
  close() {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the analysis was cancelled'));
    for (const s of this.slots) {
      s.worker.terminate();
      if (s.job) s.job.reject(new Error('the analysis was cancelled'));
      s.job = null;
    }
  }
}
