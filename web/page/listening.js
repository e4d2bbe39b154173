// listening.js — hearing the map: hover plays a point, click loops it (and measures distances
// from it), panned by where it sits on the screen.
import { setDistanceFrom } from './coloring.js';
import { player, ui, view } from './context.js';
import { isDimmed, stopBoxPlay, updateStates } from './selection.js';
import { openSimilar } from './similar.js';
import { state } from './state.js';
import { baseName, hideTooltip, placeTooltip, showTooltip } from './tooltip.js';

function panOf(i) {
  const p = view.screenOf(i);
  return p ? Math.max(-1, Math.min(1, (p.x / view.width) * 2 - 1)) * 0.8 : 0;
}

/** Plays point i; eventTime (a pointer event's timeStamp) is kept to measure the latency. */
export function playPoint(i, eventTime) {
  const it = state.model?.items[i];
  if (!it) return;
  const ok = player.play(i, it.clipStart, it.clipDuration, panOf(i), eventTime);
  if (!ok && player.state !== 'running') ui.hint.hidden = false;
}

export function onHover(i, e) {
  if (!state.model) return;
  // the pointer on the map: make the AudioContext and the spriteclip's buffer now, so the
  // first sound does not wait for them (bench-latency: cold)
  if (!player.ctx) player.context();
  if (i === state.hover) {
    if (i >= 0) placeTooltip(i);
    return;
  }
  state.hover = i;
  if (i < 0) {
    hideTooltip();
    return;
  }
  showTooltip(i);
  if (!isDimmed(i)) playPoint(i, e?.timeStamp);
}

export function onClick(i) {
  ui.canvas.focus({ preventScroll: true });
  // a click beside the points clears the selection; on a point it loops that point
  if (i < 0 && state.selection.length) {
    state.selection = [];
    stopBoxPlay();
    updateStates();
  }
  if (i < 0 || !state.model) return;
  state.focus = i;
  setDistanceFrom(i);
  openSimilar(i);
  toggleLoop(i);
}

export function toggleLoop(i) {
  const it = state.model.items[i];
  const on = player.toggleLoop(i, it.clipStart, it.clipDuration, panOf(i));
  updateStates();
  showTooltip(i);
  ui.announce.textContent = `${baseName(it.file)} ${on ? 'loops' : 'stopped'}`;
}

// The AudioContext may only start after a gesture: the first press anywhere resumes it.
// The AudioContext may only start after a gesture: the first press anywhere resumes it.
export function unlockAudio() {
  player.resume().then(() => {
    if (player.state === 'running') ui.hint.hidden = true;
  });
}
