// selection.js — which points are dimmed (search, classes switched off in the legend), looping, focused or in the
// shift-drag box, drawn through the view's per-point states; the box's sounds are played in
// turn.
import { tagName } from '../core/policy.js';
import { BOXED, DIMMED, HIDDEN, LOOPING, SELECTED } from '../view/map-view.js';
import { legend, player, ui, view } from './context.js';
import { playPoint } from './listening.js';
import { state } from './state.js';

export function stopBoxPlay() {
  clearTimeout(state.boxTimer);
  state.boxTimer = 0;
}

/** Shift-drag: the points in the box are highlighted and a few of them, picked at random,
 *  play one after another (as scatter-sounds does). */
export function onBox(indices) {
  const m = state.model;
  if (!m) return;
  stopBoxPlay();
  state.selection = indices.filter((i) => !isDimmed(i));
  updateStates();
  const count = state.selection.length;
  ui.announce.textContent = count
    ? `${count} ${m.unit}${count === 1 ? '' : 's'} selected`
    : 'Nothing selected';
  ui.searchCount.textContent = count ? `${count} selected` : '';
  const pool = state.selection.slice();
  const picks = [];
  while (pool.length && picks.length < 6)
    picks.push(pool.splice(Math.floor(Math.random() * pool.length), 1)[0]);
  const next = () => {
    const i = picks.shift();
    if (i === undefined || state.model !== m) {
      state.boxTimer = 0;
      return;
    }
    playPoint(i);
    const dur = m.items[i].clipDuration || 0.4;
    state.boxTimer = setTimeout(next, 1000 * Math.min(0.7, Math.max(0.15, dur)) + 60);
  };
  next();
}

export function matches(item, q) {
  return (
    item.file.toLowerCase().includes(q) ||
    (item.label || '').toLowerCase().includes(q) ||
    (item.tags || []).some((t) => tagName(t).toLowerCase().includes(q))
  );
}

export function updateStates() {
  const m = state.model;
  if (!m || !state.shown || !view) return;
  const q = ui.search.value.trim().toLowerCase();
  const groups = state.coloring?.index;
  const filtering = !!groups && legend.filtering;
  const states = new Uint8Array(m.items.length);
  let shown = 0;
  m.items.forEach((it, i) => {
    let s = 0;
    const off = filtering && !legend.isShown(groups[i]);
    const dim = (q && !matches(it, q)) || off;
    if (dim) s |= DIMMED;
    else shown++;
    if (off) s |= HIDDEN;
    if (player.isLooping(i)) s |= LOOPING;
    if (i === state.focus) s |= SELECTED;
    states[i] = s;
  });
  for (const i of state.selection) states[i] |= BOXED;
  view.setStates(states);
  ui.searchCount.textContent = q || filtering ? `${shown} of ${m.items.length}` : '';
}

/** Whether point i's class is switched off in the legend (it is left out of hover and search). */
export function isHiddenPoint(i) {
  const groups = state.coloring?.index;
  return !!groups && i >= 0 && legend.filtering && !legend.isShown(groups[i]);
}

export function isDimmed(i) {
  return view && (view.states[i] & DIMMED) !== 0;
}
