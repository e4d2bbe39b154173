// tooltip.js — the card beside the hovered or focused point: its name, folder, label, length,
// tags and whether it loops.
import { tagName } from '../core/policy.js';
import { labelColor } from '../view/legend.js';
import { player, ui, view } from './context.js';
import { state } from './state.js';

export const baseName = (p) => p.split('/').pop();
const dirName = (p) => p.split('/').slice(0, -1).join('/');
/** "0.96 s", "12.4 s", "2:05" */
export const fmtTime = (s) =>
  s >= 60
    ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`
    : `${s.toFixed(s < 10 ? 2 : 1)} s`;

export function showTooltip(i) {
  const m = state.model;
  const it = m.items[i];
  const t = ui.tooltip;
  t.replaceChildren();
  const name = document.createElement('div');
  name.className = 'tt-name';
  name.textContent = baseName(it.file);
  t.append(name);
  const dir = dirName(it.file);
  if (dir) {
    const d = document.createElement('div');
    d.className = 'tt-dir';
    d.textContent = dir;
    t.append(d);
  }
  const meta = document.createElement('div');
  meta.className = 'tt-meta';
  if (it.label) {
    const chip = document.createElement('span');
    chip.className = 'tt-label';
    const k = m.labelInfo ? m.labelInfo.index[i] : -1;
    if (k >= 0) chip.style.setProperty('--c', `rgb(${labelColor(k).join(',')})`);
    chip.textContent = it.label;
    meta.append(chip);
  }
  const time = document.createElement('span');
  time.textContent = m.mode === 'long' ? `at ${fmtTime(it.start)}` : fmtTime(it.clipDuration);
  meta.append(time);
  if (player.isLooping(i)) {
    const l = document.createElement('span');
    l.className = 'tt-loop';
    l.textContent = 'looping';
    meta.append(l);
  }
  t.append(meta);
  const tags = (it.tags || []).map(tagName).filter(Boolean);
  if (tags.length) {
    const tg = document.createElement('div');
    tg.className = 'tt-tags';
    tg.textContent = tags.slice(0, 5).join(' · ');
    t.append(tg);
  }
  t.hidden = false;
  placeTooltip(i);
}

export function placeTooltip(i) {
  const p = view.screenOf(i);
  if (!p) return hideTooltip();
  const t = ui.tooltip;
  const r = ui.canvas.getBoundingClientRect();
  const off = view.pointSize() * 0.9 + 8;
  let x = r.left + p.x + off,
    y = r.top + p.y - 12;
  const w = t.offsetWidth,
    h = t.offsetHeight;
  if (x + w > window.innerWidth - 8) x = r.left + p.x - off - w;
  y = Math.max(8, Math.min(window.innerHeight - h - 8, y));
  t.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
}

export function hideTooltip() {
  ui.tooltip.hidden = true;
}

export function hideTooltipIfMoved() {
  if (state.hover >= 0) placeTooltip(state.hover);
}
