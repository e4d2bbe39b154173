// timeline.js — long recordings (mode 'long'): their time path drawn on the map, a *Play
// recording* button that plays the recording while a cursor runs along its path, and a click
// on one of its windows that plays the recording from that window's time. The recording plays
// from the spriteclip (both the CLI and the page keep a long recording there as one stretch;
// where its windows are stored apart they are played one after another).
import { recordingSpan, windowAt } from '../core/timepath.js';
import { player, ui, view } from './context.js';
import { between, makeMarker } from './markers.js';
import { state } from './state.js';
import { baseName } from './tooltip.js';

const FADE = 0.005;
let marker = null;
let button = null;
// {model, path (index into model.paths), from (s into the recording where it started),
//  at (context time of recording time 0), end (s), voices, window, index, time, frame}
let playing = null;
let last = null; // the playhead of the last playback, kept after it ends

/** The recording's paths of the map shown ([] when none). */
function paths() {
  return (state.shown && state.model?.paths) || [];
}

function voice(ctx, when, offset, duration) {
  const src = ctx.createBufferSource();
  src.buffer = player.buffer;
  const gain = ctx.createGain();
  src.connect(gain).connect(player.master);
  gain.gain.setValueAtTime(0, when);
  gain.gain.linearRampToValueAtTime(1, when + FADE);
  gain.gain.setValueAtTime(1, when + Math.max(FADE, duration - FADE));
  gain.gain.linearRampToValueAtTime(0, when + duration);
  src.start(when, Math.max(0, offset), duration);
  return { src, gain };
}

/** Plays recording p (index into the map's paths) from its window w; returns whether it plays. */
export function playRecording(p = 0, w = 0) {
  const m = state.model;
  const path = paths()[p];
  if (!m || !path) return false;
  stopRecording();
  const ctx = player.context();
  if (!ctx || !player.buffer) {
    ui.hint.hidden = false;
    return false;
  }
  if (ctx.state === 'suspended') ctx.resume().catch(() => {});
  const items = m.items;
  const from = items[path[w]].start;
  const when = ctx.currentTime + 0.02;
  const voices = [];
  const span = recordingSpan(items, path);
  let end;
  if (span) {
    end = span.duration;
    voices.push(voice(ctx, when, span.offset + from, end - from));
  } else {
    // windows stored apart: each plays up to where the next one starts
    for (let k = w; k < path.length; k++) {
      const it = items[path[k]];
      const len =
        k + 1 < path.length ? items[path[k + 1]].start - it.start : it.clipDuration || it.length;
      if (len > 0) voices.push(voice(ctx, when + it.start - from, it.clipStart, len));
    }
    const lastIt = items[path[path.length - 1]];
    end = lastIt.start + (lastIt.clipDuration || lastIt.length);
  }
  playing = { model: m, path: p, from, at: when - from, end, voices, frame: 0 };
  player.plays++;
  setButton();
  ui.announce.textContent = `Playing ${baseName(items[path[w]].file)} from ${from.toFixed(1)} s`;
  tick();
  return true;
}

export function stopRecording() {
  if (!playing) return;
  const ctx = player.ctx;
  for (const v of playing.voices) {
    try {
      const t = ctx.currentTime;
      v.gain.gain.cancelScheduledValues(t);
      v.gain.gain.setValueAtTime(v.gain.gain.value, t);
      v.gain.gain.linearRampToValueAtTime(0, t + FADE);
      v.src.stop(t + FADE + 0.001);
    } catch {
      /* already stopped */
    }
  }
  cancelAnimationFrame(playing.frame);
  playing = null;
  marker?.hide();
  setButton();
}

/** Moves the cursor to where the recording is now; ends the playback at its end. */
function tick() {
  const pl = playing;
  if (!pl) return;
  if (state.model !== pl.model || !state.shown) return stopRecording();
  const items = pl.model.items;
  const path = pl.model.paths[pl.path];
  const t = Math.max(pl.from, player.ctx.currentTime - pl.at);
  if (t >= pl.end) return stopRecording();
  const w = windowAt(items, path, t);
  const a = items[path[w]];
  const next = w + 1 < path.length ? path[w + 1] : -1;
  const f = next >= 0 ? Math.min(1, (t - a.start) / (items[next].start - a.start || 1)) : 0;
  last = { model: pl.model, path: pl.path, window: w, index: path[w], time: t };
  const pos = between(path[w], next, f);
  if (pos) marker.place(pos.x, pos.y, Math.max(14, Math.min(40, view.pointSize() * 1.3)));
  else marker.hide();
  pl.frame = requestAnimationFrame(tick);
}

/** A click on point i: when it is a window of a long recording, plays the recording from its
 *  time and returns true (the click is taken); otherwise false. */
export function clickPlaysRecording(i) {
  const ps = paths();
  for (let p = 0; p < ps.length; p++) {
    const w = ps[p].indexOf(i);
    if (w >= 0) return playRecording(p, w);
  }
  return false;
}

function setButton() {
  if (!button) return;
  const has = paths().length > 0;
  button.hidden = !has;
  button.textContent = playing ? 'Stop recording' : 'Play recording';
  button.setAttribute('aria-pressed', String(!!playing));
}

/** The button, the cursor and the keys (Escape stops); the button shows for maps with paths. */
export function wireTimeline() {
  marker = makeMarker('playhead', 'Where the recording is');
  button = document.getElementById('play-recording');
  button?.addEventListener('click', () => {
    if (playing) stopRecording();
    else playRecording(0, 0);
  });
  // a new map (or one loaded) changes the status line: the button follows the map shown
  new MutationObserver(() => {
    if (playing && state.model !== playing.model) stopRecording();
    setButton();
  }).observe(ui.status, { childList: true, characterData: true, subtree: true });
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') stopRecording();
  });
  setButton();
}

/** For window.sonomap: the paths, and the playhead {path, window, index, time, playing}. */
export const timelineDebug = {
  get timePath() {
    return paths().map((p) => p.slice());
  },
  get timePathDrawn() {
    return view ? view.lineCount / 2 : 0;
  },
  get playhead() {
    if (!last || last.model !== state.model) return null;
    const { model, ...at } = last;
    return { ...at, playing: !!playing };
  },
};
