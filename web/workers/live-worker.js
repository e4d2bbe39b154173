// live-worker.js — the live input's engine: keeps the last second of the microphone (blocks
// from mic-worklet.js through a MessagePort), and every HOP_MS embeds it with the map's own
// features and model (the engine's analysis of PCM, features.js) and answers the k map points
// nearest to it (core/live-match.js on the map's rows, scaled as the projection scales them).
//   in:  {type: 'init', module, model: bytes|null, X, n, d, features, mode, rate, port}
//   out: {type: 'ready'} | {type: 'error', error} | {type: 'match', nearest: [{index, distance}],
//         rms, ms} | {type: 'quiet', rms}
import { loadEngine } from '../core/engine.js';
import { embedSegments, featureVector } from '../core/features.js';
import { nearestRows, scaledRows } from '../core/live-match.js';

const HOP_MS = 250;
const QUIET_RMS = 0.003; // about -50 dBFS: nothing to place
const K = 8;

let engine = null,
  model = null,
  map = null,
  ring = null,
  filled = 0,
  pos = 0,
  fresh = 0,
  opts = null,
  busy = false;

function take(block) {
  for (let t = 0; t < block.length; t++) {
    ring[pos] = block[t];
    pos = (pos + 1) % ring.length;
  }
  filled = Math.min(ring.length, filled + block.length);
  fresh += block.length;
}

/** The last second, oldest first. */
function lastSecond() {
  const out = new Float32Array(ring.length);
  out.set(ring.subarray(pos));
  out.set(ring.subarray(0, pos), ring.length - pos);
  return out;
}

function match() {
  if (busy || filled < ring.length || fresh < (opts.rate * HOP_MS) / 1000) return;
  busy = true;
  fresh = 0;
  const t0 = performance.now();
  try {
    const pcm = lastSecond();
    let e = 0;
    for (const v of pcm) e += v * v;
    const rms = Math.sqrt(e / pcm.length);
    if (rms < QUIET_RMS) {
      self.postMessage({ type: 'quiet', rms });
      return;
    }
    const r = engine.analyzePcm([pcm], opts.rate, { mode: opts.mode });
    if (r.error || !r.segments.length) {
      self.postMessage({ type: 'quiet', rms, error: r.error });
      return;
    }
    if (model) embedSegments(model, r);
    const q = map.scale(featureVector(r.segments[0], opts.features));
    const nearest = nearestRows(map.rows, opts.n, opts.d, q, K);
    self.postMessage({ type: 'match', nearest, rms, ms: performance.now() - t0 });
  } catch (err) {
    self.postMessage({ type: 'error', error: String(err?.message || err) });
  } finally {
    busy = false;
  }
}

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type !== 'init') return;
  try {
    engine = await loadEngine(m.module);
    model = m.model ? engine.loadModel(m.model) : null;
    opts = {
      n: m.n,
      d: m.d,
      features: m.features,
      // one window of the map's kind: long recordings' windows are 0.96 s ('clip')
      mode: m.mode === 'long' ? 'clip' : m.mode,
      rate: m.rate,
    };
    map = scaledRows(m.X, m.n, m.d, m.features);
    ring = new Float32Array(Math.round(m.rate));
    m.port.onmessage = (ev) => take(ev.data);
    setInterval(match, HOP_MS / 2);
    self.postMessage({ type: 'ready' });
  } catch (err) {
    self.postMessage({ type: 'error', error: String(err?.message || err) });
  }
};
