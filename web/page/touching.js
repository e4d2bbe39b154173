// touching.js — what the page does for the map's touch gestures (view/touch.js): a tap plays
// the point and shows its card, a long press adds it to the selection (or takes it out), a
// finger drawn across the map hears what it passes. Points of hidden classes are not there.

import { player, ui, view } from './context.js';
import { onHover, playPoint } from './listening.js';
import { isDimmed, isHiddenPoint, setSelection } from './selection.js';
import { state } from './state.js';
import { baseName, hideTooltip, showTooltip } from './tooltip.js';

const visible = (i) => (isHiddenPoint(i) ? -1 : i);

export function onTap(i) {
  i = visible(i);
  if (!state.model) return;
  state.hover = i;
  view.setHover(i);
  if (i < 0) {
    hideTooltip();
    return;
  }
  showTooltip(i);
  if (!isDimmed(i)) playPoint(i);
}

export function onLongPress(i) {
  i = visible(i);
  const m = state.model;
  if (!m || i < 0) return;
  const at = state.selection.indexOf(i);
  setSelection(at >= 0 ? state.selection.filter((k) => k !== i) : state.selection.concat(i));
  state.hover = i;
  view.setHover(i);
  showTooltip(i);
  const n = state.selection.length;
  ui.announce.textContent = `${baseName(m.items[i].file)} ${at >= 0 ? 'unselected' : 'selected'} · ${n} selected`;
  if (!player.isLooping(i) && !isDimmed(i)) playPoint(i);
}

export function onScrub(i) {
  onHover(visible(i));
}
