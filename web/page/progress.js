// progress.js — says in words where the work stands, in the page's role="status" live region,
// and lists the files that failed with their reasons. The wording is a contract (tests rely on it):
//   "Analysing 12 of 50 files · 1 failed · about 20 s left", "Mapping 48 sounds…",
//   "Mapped 48 sounds · 2 failed".

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "about 20 s left" and the like, from an estimate in seconds. */
export function formatEta(s) {
  if (!Number.isFinite(s) || s < 0) return '';
  if (s < 5) return 'a few seconds left';
  if (s < 60) return `about ${Math.max(5, Math.round(s / 5) * 5)} s left`;
  const m = Math.round(s / 60);
  return m < 60 ? `about ${m} min left` : `about ${Math.floor(m / 60)} h ${m % 60} min left`;
}

export function analyzingText({ done, total, failed, eta }) {
  const parts = [`Analysing ${done} of ${plural(total, 'file')}`];
  if (failed > 0) parts.push(`${failed} failed`);
  const e = formatEta(eta);
  if (e && done > 0 && done < total) parts.push(e);
  return parts.join(' · ');
}

const NAMES = { umap: 'UMAP', tsne: 't-SNE', pca: 'PCA' };
const STAGES = { neighbours: 'finding neighbours', graph: 'building the graph' };

/** stage: 'neighbours' | 'graph' (the setup; done/total count its chunks) or 'layout' */
export function mappingText({ points, unit, done, total, projection, stage }) {
  const pct = total > 0 ? ` ${Math.round((100 * done) / total)} %` : '';
  const how = projection ? ` with ${NAMES[projection] || projection.toUpperCase()}` : '';
  const what = STAGES[stage] ? `: ${STAGES[stage]}` : '';
  return `Mapping ${plural(points, unit)}${how}${what}…${STAGES[stage] ? '' : pct}`;
}

export function mappedText({ points, unit, failed, extra }) {
  const parts = [`Mapped ${plural(points, unit)}`];
  if (failed > 0) parts.push(`${failed} failed`);
  if (extra) parts.push(extra);
  return parts.join(' · ');
}

/** Progress of one run. Updates are throttled to a few per second while busy (a screen reader
 *  is not flooded); the final state is written at once. */
export class Progress {
  constructor(statusEl, failuresEl, barEl = null) {
    this.statusEl = statusEl;
    this.barEl = barEl;
    this.extra = '';
    this.failuresEl = failuresEl;
    this.list = failuresEl.querySelector('ul');
    this.heading = failuresEl.querySelector('.failures-title');
    this.failures = [];
    this.timer = null;
    this.pendingText = null;
    this.lastWrite = 0;
  }

  get text() {
    return this.statusEl.textContent;
  }

  /** Writes now (final states) or soon (busy states). */
  say(text, { now = false } = {}) {
    clearTimeout(this.timer);
    this.timer = null;
    const t = performance.now();
    if (now || t - this.lastWrite > 250) {
      this.statusEl.textContent = text;
      this.lastWrite = t;
      this.pendingText = null;
      return;
    }
    this.pendingText = text;
    this.timer = setTimeout(
      () => this.say(this.pendingText, { now: true }),
      250 - (t - this.lastWrite),
    );
  }

  busy(on) {
    document.body.classList.toggle('busy', on);
    if (!on) this.fraction(null);
  }

  /** The thin bar under the top bar: 0..1, or null to hide it. */
  fraction(f) {
    if (!this.barEl) return;
    this.barEl.hidden = f === null;
    if (f !== null) this.barEl.style.setProperty('--f', Math.max(0, Math.min(1, f)).toFixed(4));
  }

  /** A remark added to the final "Mapped …" line. */
  note(text) {
    this.extra = text;
  }

  startAnalysis(total) {
    this.total = total;
    this.done = 0;
    this.ok = 0;
    this.startedAt = performance.now();
    this.extra = '';
    this.clearFailures();
    this.busy(true);
    this.fraction(0);
    this.say(analyzingText({ done: 0, total, failed: 0 }), { now: true });
  }

  fileDone(ok, _workers) {
    this.done++;
    if (ok) this.ok++;
    const elapsed = (performance.now() - this.startedAt) / 1000;
    // Files finish `workers` at a time: the mean rate so far is a fair guess at what is left.
    const eta = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : NaN;
    this.fraction((0.8 * this.done) / this.total);
    this.say(
      analyzingText({ done: this.done, total: this.total, failed: this.failures.length, eta }),
    );
  }

  fail(path, reason) {
    this.failures.push({ file: path, reason });
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'failure-name';
    name.textContent = path;
    const why = document.createElement('span');
    why.className = 'failure-reason';
    why.textContent = reason;
    li.append(name, why);
    this.list.append(li);
    this.heading.textContent = `${plural(this.failures.length, 'file')} could not be analysed`;
    this.failuresEl.hidden = false;
  }

  clearFailures() {
    this.failures = [];
    this.list.replaceChildren();
    this.failuresEl.hidden = true;
  }

  mapping(points, unit, done = 0, total = 0, projection = '', stage = 'layout') {
    // the bar: setup chunks fill the first third of the mapping share, iterations the rest
    const f = total > 0 ? done / total : 0;
    this.fraction(0.8 + 0.2 * (STAGES[stage] ? f / 3 : 1 / 3 + (2 * f) / 3));
    this.say(mappingText({ points, unit, done, total, projection, stage }), { now: done === 0 });
  }

  mapped(points, unit, extra = '') {
    this.busy(false);
    const more = [extra, this.extra].filter(Boolean).join(' · ');
    this.say(mappedText({ points, unit, failed: this.failures.length, extra: more }), {
      now: true,
    });
  }

  message(text) {
    this.busy(false);
    this.say(text, { now: true });
  }
}

/** An error as one line for the status or the failures list (at most 300 characters). */
export function reason(err) {
  const m = String(err?.message || err || 'unknown error');
  return m.length > 300 ? `${m.slice(0, 297)}…` : m;
}
