// labels-worker.js — labels predicted for the unlabelled sounds from the labelled ones, off the
// main thread: a similarity-weighted vote of the PREDICT_K nearest labelled sounds by cosine
// distance between the feature rows (core/neighbors.js), and how often that vote is right on
// the labelled sounds themselves (leave-one-out: each is predicted from the others).
// Messages in:
//   {type: 'rows', X: Float32Array(n*d), n, d}   the map's feature rows, kept for the predicts
//                                   that follow (sent once per map: no copy per prediction)
//   {type: 'predict', id, codes: Int32Array(n) (< 0 unlabelled), k?, seed?}   on the rows kept;
//                                   a new 'predict' supersedes the last
// Messages out:
//   {type: 'progress', id, done, total}
//   {type: 'predicted', id, code: Int32Array(n) (-1: labelled or no vote), confidence:
//    Float32Array(n), accuracy (NaN with fewer than two labels), tested, refs, k}
//   {type: 'error', id, error}
// Work is bounded: with more than MAX_WORK multiply-adds the labelled sounds that vote are a
// seeded sample (refs says how many voted), and leave-one-out tests at most MAX_TESTED of them.
import { knnVote, PREDICT_K, sampleOf, unitRows } from '../core/neighbors.js';

const MAX_WORK = 1e10;
const MAX_TESTED = 2000;
let current = 0;
let rows = null; // {U: unit rows, n, d}

const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldNow = () =>
  new Promise((r) => {
    waiting.push(r);
    channel.port2.postMessage(0);
  });

async function predict(m) {
  const { id, codes, seed = 42 } = m;
  if (!rows || rows.n !== codes.length) throw new Error('no feature rows for these labels');
  const { U, n, d } = rows;
  const k = m.k ?? PREDICT_K;
  const labelled = [];
  const unlabelled = [];
  for (let i = 0; i < n; i++) (codes[i] >= 0 ? labelled : unlabelled).push(i);
  const nLabels = new Set(labelled.map((i) => codes[i])).size;
  const tested = sampleOf(labelled, MAX_TESTED, seed);
  const budget = Math.max(
    100,
    Math.floor(MAX_WORK / (Math.max(1, unlabelled.length + tested.length) * d)),
  );
  const refs = Int32Array.from(sampleOf(labelled, budget, seed + 1));
  const code = new Int32Array(n).fill(-1);
  const confidence = new Float32Array(n);
  const total = unlabelled.length + (nLabels >= 2 ? tested.length : 0);
  let done = 0;
  let last = performance.now();
  const tick = async () => {
    done++;
    const now = performance.now();
    if (now - last > 50) {
      last = now;
      self.postMessage({ type: 'progress', id, done, total });
      await yieldNow();
      if (id !== current) throw Object.assign(new Error('superseded'), { cancelled: true });
    }
  };
  for (const q of unlabelled) {
    const v = knnVote(U, d, q, refs, codes, k);
    if (v) {
      code[q] = v.code;
      confidence[q] = v.confidence;
    }
    await tick();
  }
  let right = 0;
  if (nLabels >= 2)
    for (const q of tested) {
      const v = knnVote(U, d, q, refs, codes, k);
      if (v && v.code === codes[q]) right++;
      await tick();
    }
  const accuracy = nLabels >= 2 && tested.length ? right / tested.length : NaN;
  self.postMessage(
    {
      type: 'predicted',
      id,
      code,
      confidence,
      accuracy,
      tested: nLabels >= 2 ? tested.length : 0,
      refs: refs.length,
      k,
    },
    [code.buffer, confidence.buffer],
  );
}

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'rows') {
    rows = { U: unitRows(m.X, m.n, m.d), n: m.n, d: m.d };
    return;
  }
  if (m.type !== 'predict') return;
  current = m.id;
  try {
    await predict(m);
  } catch (err) {
    if (err?.cancelled) return;
    self.postMessage({ type: 'error', id: m.id, error: String(err?.message || err) });
  }
};
