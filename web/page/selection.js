// selection.js — which points are dimmed (search, classes switched off in the legend), looping,
// focused or selected, drawn through the view's per-point states; the selection itself (box:
// shift-drag, lasso: alt-drag or the lasso tool; shift adds), and its sounds played in turn.
// state.selection is replaced, never changed in place, so a new array means a new selection
// (selection-panel.js redraws when it sees one).
import { tagName } from '../core/policy.js';
import { BOXED, DIMMED, HIDDEN, LOOPING, SELECTED } from '../view/map-view.js';
import { legend, player, ui, view } from './context.js';
import { playPoint } from './listening.js';
import { state } from './state.js';

const listeners = [];
let wholeSelection = false; // whether the sounds playing in turn are the whole selection

/** fn() is called after every updateStates (the panel compares state.selection itself). */
export function onStatesChange(fn) {
  listeners.push(fn);
}

export function stopBoxPlay() {
  clearTimeout(state.boxTimer);
  state.boxTimer = 0;
  state.selectionPlaying = -1;
  wholeSelection = false;
}

/** Whether the whole selection is being played in turn (space). */
export function playingSelection() {
  return wholeSelection && state.boxTimer !== 0;
}

/** Replaces the selection (indices, kept in the order given, without repeats). */
export function setSelection(indices) {
  stopBoxPlay();
  state.selection = [...new Set(indices)];
  updateStates();
  const m = state.model;
  const count = state.selection.length;
  ui.announce.textContent = count
    ? `${count} ${m?.unit ?? 'sound'}${count === 1 ? '' : 's'} selected`
    : 'Nothing selected';
}

export function clearSelection() {
  if (state.selection.length || state.boxTimer) setSelection([]);
}

export function removeFromSelection(i) {
  setSelection(state.selection.filter((k) => k !== i));
}

/** Box or lasso: the points inside (not dimmed) become the selection, or join it when add;
 *  a few of the new ones, picked at random, play one after another (as scatter-sounds does). */
export function onBox(indices, { add = false } = {}) {
  const m = state.model;
  if (!m) return;
  const fresh = indices.filter((i) => !isDimmed(i));
  setSelection(add ? state.selection.concat(fresh) : fresh);
  const pool = fresh.slice();
  const picks = [];
  while (pool.length && picks.length < 6)
    picks.push(pool.splice(Math.floor(Math.random() * pool.length), 1)[0]);
  playInTurn(picks, 0.7);
}

/** Plays the selection in its order, each sound whole (up to 5 s), one after another. */
export function playSelection() {
  playInTurn(state.selection.slice(), 5);
  wholeSelection = true;
}

function playInTurn(list, longest) {
  const m = state.model;
  stopBoxPlay();
  let k = 0;
  const next = () => {
    const i = list[k++];
    if (i === undefined || state.model !== m) {
      stopBoxPlay();
      listeners.forEach((f) => f());
      return;
    }
    playPoint(i);
    state.selectionPlaying = i;
    listeners.forEach((f) => f());
    const dur = m.items[i].clipDuration || 0.4;
    state.boxTimer = setTimeout(next, 1000 * Math.min(longest, Math.max(0.15, dur)) + 60);
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
  if (!m || !state.shown || !view) {
    listeners.forEach((f) => f());
    return;
  }
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
  listeners.forEach((f) => f());
}

/** Whether point i's class is switched off in the legend (it is left out of hover and search). */
export function isHiddenPoint(i) {
  const groups = state.coloring?.index;
  return !!groups && i >= 0 && legend.filtering && !legend.isShown(groups[i]);
}

export function isDimmed(i) {
  return view && (view.states[i] & DIMMED) !== 0;
}
