// predictions.js — labels predicted for the unlabelled sounds from the labelled ones (a vote of
// the 10 nearest labelled sounds in the feature space, made in workers/labels-worker.js), drawn
// hatched in the label colours, kept on the items as `predicted: {label, confidence}` (exported
// with the map), confirmed into labels one by one; and the feature rows of a map opened with
// ?dataset= (its embeddings.npy), which similar sounds and predictions need.
import { npyDecode } from '../core/npy.js';
import { SEED } from '../core/policy.js';
import { labelColor, labelColors } from '../view/legend.js';
import { applyColoring, fillColorChoices } from './coloring.js';
import { ui } from './context.js';
import { showQuality } from './quality.js';
import { refreshSimilar } from './similar.js';
import { state } from './state.js';
import { baseName } from './tooltip.js';

/** Alpha of a predicted point's colour: the view draws such points hatched (tile.frag). */
export const PREDICTED_ALPHA = 128;

/** The feature rows of a map {X, d}: its analysis', or a loaded map's embeddings.npy; or null. */
export function featureRows(m = state.model) {
  if (!m) return null;
  if (m.X) return { X: m.X, d: m.d };
  return m.loadedRows ?? null;
}

function worker() {
  state.labelsWorker ??= new Worker(new URL('./labels-worker.js', import.meta.url), {
    type: 'module',
  });
  return state.labelsWorker;
}

let requests = 0;

/** Predicts labels for the unlabelled points of the current map (when it has feature rows and
 *  labels) in the worker; the points, colours, quality panel and similar panel follow when it
 *  is done. */
export function refreshPredictions() {
  const m = state.model;
  const rows = featureRows(m);
  if (!m || !rows || !m.labelInfo) {
    if (m && !rows) return; // a loaded map keeps the predictions it was saved with
    if (m) for (const it of m.items) it.predicted = null;
    if (m) m.prediction = null;
    afterChange();
    return;
  }
  const n = m.items.length;
  const id = ++requests;
  state.predicting = id;
  m.prediction = { ...(m.prediction ?? {}), busy: true, done: 0, total: 0 };
  const w = worker();
  w.onmessage = (e) => {
    const r = e.data;
    if (r.id !== state.predicting || state.model !== m) return;
    if (r.type === 'progress') {
      m.prediction.done = r.done;
      m.prediction.total = r.total;
      const now = performance.now();
      if (!(now - (m.prediction.shownAt ?? 0) < 500)) {
        m.prediction.shownAt = now;
        showQuality(state.quality); // "predicting labels… 40 %"
      }
      return;
    }
    state.predicting = 0;
    if (r.type === 'error') {
      m.prediction = { busy: false, error: r.error, accuracy: NaN };
      return;
    }
    const names = m.labelInfo.names;
    m.items.forEach((it, i) => {
      it.predicted =
        r.code[i] >= 0 && !it.label
          ? { label: names[r.code[i]], confidence: r.confidence[i] }
          : null;
    });
    m.prediction = {
      busy: false,
      k: r.k,
      accuracy: r.accuracy,
      tested: r.tested,
      refs: r.refs,
      method: 'leave-one-out',
    };
    afterChange();
  };
  if (state.labelsRows !== rows.X) {
    w.postMessage({ type: 'rows', X: rows.X, n, d: rows.d });
    state.labelsRows = rows.X;
  }
  w.postMessage({ type: 'predict', id, codes: Int32Array.from(m.labelInfo.index), seed: SEED });
}

function afterChange() {
  if (state.colorBy === 'label') applyColoring();
  showQuality(state.quality);
  refreshSimilar();
}

/** The label colouring with the predicted points added in their predicted label's colour
 *  (alpha PREDICTED_ALPHA: drawn hatched). info: labelColors' shape. */
export function withPredicted(info) {
  const m = state.model;
  if (!info || !m?.items.some((it) => it.predicted)) return info;
  const colors = info.colors.slice();
  const code = new Map(info.names.map((name, k) => [name, k]));
  m.items.forEach((it, i) => {
    const k = it.predicted && !it.label ? code.get(it.predicted.label) : undefined;
    if (k !== undefined) colors.set([...labelColor(k), PREDICTED_ALPHA], i * 4);
  });
  return { ...info, colors };
}

/** Makes point i's predicted label its label; predictions are made again from the new set. */
export function confirmPrediction(i) {
  const m = state.model;
  const it = m?.items[i];
  if (!it?.predicted) return false;
  it.label = it.predicted.label;
  it.predicted = null;
  relabel(m);
  ui.announce.textContent = `${baseName(it.file)} is labelled ${it.label}`;
  return true;
}

/** After the items' labels changed: the legend, colour choices and predictions follow. */
export function relabel(m = state.model) {
  const had = !!m.labelInfo;
  m.labelInfo = labelColors(m.items.map((it) => it.label || ''));
  if (!had && m.labelInfo) fillColorChoices();
  if (featureRows(m)) refreshPredictions();
  else afterChange();
  applyColoring();
}

/** A map opened with ?dataset=: reads the feature rows its config.json names (`embeddings`,
 *  embeddings.npy in the folders sonomap writes), for similar sounds and predictions. Folders
 *  that name none (scatter-sounds ones) are not asked for one; rows that do not fit are left
 *  out (m.rowsNote says why). */
export async function loadFeatureRows(base, config, run) {
  const m = state.model;
  const name = config?.embeddings;
  if (typeof name !== 'string' || !/\.npy$/i.test(name) || /^[a-z]+:|^\/|\.\./i.test(name)) return;
  let res;
  try {
    res = await fetch(new URL(name, base));
  } catch {
    return;
  }
  if (!res.ok || run !== state.run) return;
  try {
    const { data, shape } = npyDecode(new Uint8Array(await res.arrayBuffer()), name);
    if (run !== state.run) return;
    const n = m.items.length;
    if (shape.length !== 2 || shape[0] !== n)
      throw new Error(`${name} has ${shape[0]} rows for ${n} points`);
    m.loadedRows = {
      X: data instanceof Float32Array ? data : Float32Array.from(data),
      d: shape[1],
    };
  } catch (e) {
    m.rowsNote = e.message;
    return;
  }
  if (m.labelInfo && !m.items.some((it) => it.predicted)) refreshPredictions();
  else refreshSimilar();
}
