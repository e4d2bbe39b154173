// similar.js — the "Similar sounds" panel: clicking a point lists its 10 nearest sounds in the
// feature space (cosine distance between feature rows, not distance on the map). Each entry
// plays on hover or focus and is selected (added to the map's selection) on click; the point's
// predicted label, when it has one, can be confirmed here. Names and labels go in as text.
import { nearestIn, nearestTo } from '../core/neighbors.js';
import { view } from './context.js';
import { playPoint } from './listening.js';
import { confirmPrediction, featureRows } from './predictions.js';
import { updateStates } from './selection.js';
import { state } from './state.js';
import { baseName } from './tooltip.js';

export const SIMILAR_K = 10;

const panel = () => document.getElementById('similar');

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Opens the panel for point i (k nearest, SIMILAR_K by default). */
export function openSimilar(i, k = SIMILAR_K) {
  const m = state.model;
  if (!m || !(i >= 0 && i < m.items.length)) return;
  const rows = featureRows(m);
  let list = null;
  if (rows) {
    const n = m.items.length;
    // the distance colouring measured the same distances from this point already
    list =
      state.distances?.from === i && rows.X === m.X
        ? nearestIn(state.distances.values, i, k)
        : nearestTo(rows.X, n, rows.d, i, k);
  }
  state.similar = { from: i, list };
  render();
}

/** Shows the panel again (labels or predictions changed). */
export function refreshSimilar() {
  if (state.similar && state.model) render();
}

export function closeSimilar() {
  state.similar = null;
  const p = panel();
  if (p) p.hidden = true;
}

function render() {
  const p = panel();
  const m = state.model;
  const s = state.similar;
  if (!p || !m || !s) return;
  const it = m.items[s.from];
  const head = el('div', 'similar-head');
  head.append(el('h2', null, 'Similar sounds'));
  const close = el('button', 'similar-close', '×');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close similar sounds');
  close.addEventListener('click', closeSimilar);
  head.append(close);
  const from = el('p', 'similar-from');
  from.append('to ', el('strong', null, baseName(it.file)));
  if (it.label) from.append(' · ', el('span', 'similar-label', it.label));
  p.replaceChildren(head, from);
  if (it.predicted) {
    const pr = el('p', 'similar-prediction');
    pr.append(
      'Predicted: ',
      el('span', 'predicted-label', it.predicted.label),
      ` · ${Math.round(100 * it.predicted.confidence)} %`,
    );
    const ok = el('button', 'confirm', 'Confirm');
    ok.type = 'button';
    ok.title = 'Make the predicted label this sound’s label';
    ok.addEventListener('click', () => confirmPrediction(s.from));
    pr.append(' ', ok);
    p.append(pr);
  }
  if (!s.list) {
    p.append(
      el(
        'p',
        'similar-none',
        'This map has no feature rows (embeddings.npy), so its similar sounds cannot be found.',
      ),
    );
    p.hidden = false;
    return;
  }
  const ol = el('ol', 'similar-list');
  for (const { index, distance } of s.list) {
    const other = m.items[index];
    const li = el('li');
    const b = el('button', 'similar-item');
    b.type = 'button';
    b.dataset.index = String(index);
    b.setAttribute('aria-pressed', String(state.selection.includes(index)));
    b.title = `${other.file} · cosine distance ${distance.toFixed(4)} · click to select`;
    b.append(el('span', 'similar-name', baseName(other.file)));
    if (other.label) b.append(el('span', 'similar-label', other.label));
    else if (other.predicted)
      b.append(el('span', 'similar-label predicted-label', `${other.predicted.label}?`));
    b.append(el('span', 'similar-distance', distance.toFixed(3)));
    const hear = () => {
      view?.setHover(index);
      playPoint(index);
    };
    b.addEventListener('pointerenter', hear);
    b.addEventListener('focus', hear);
    b.addEventListener('pointerleave', () => view?.setHover(state.hover));
    b.addEventListener('click', () => {
      const at = state.selection.indexOf(index);
      if (at >= 0) state.selection.splice(at, 1);
      else state.selection.push(index);
      b.setAttribute('aria-pressed', String(at < 0));
      updateStates();
    });
    li.append(b);
    ol.append(li);
  }
  const all = el('button', 'similar-all', 'Select all');
  all.type = 'button';
  all.addEventListener('click', () => {
    state.selection = [...new Set([...state.selection, ...s.list.map((e) => e.index)])];
    for (const b of ol.querySelectorAll('button')) b.setAttribute('aria-pressed', 'true');
    updateStates();
  });
  p.append(ol, all);
  p.hidden = false;
}
