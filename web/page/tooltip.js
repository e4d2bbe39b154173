// tooltip.js — the card beside the hovered or focused point: its spectrogram tile enlarged, name,
// folder, label (and a predicted label when one is known), length, whether it loops, its top
// tags and its six descriptors. Every name, label and tag is set as text, never as markup.
import { tagName } from '../core/policy.js';
import { labelColor } from '../view/legend.js';
import { player, ui, view } from './context.js';
import { DESCRIPTORS, descriptorValues, formatDescriptor } from './descriptors.js';
import { state } from './state.js';

export const baseName = (p) => p.split('/').pop();
const dirName = (p) => p.split('/').slice(0, -1).join('/');
/** "0.96 s", "12.4 s", "2:05" */
export const fmtTime = (s) =>
  s >= 60
    ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`
    : `${s.toFixed(s < 10 ? 2 : 1)} s`;

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

/** The point's spectrogram tile from the sprite sheet, drawn large; null without tiles. */
function tileCanvas(m, i) {
  const sp = m.sprite;
  const src = sp?.canvas || sp?.image;
  if (!src || !sp.tile || sp.tileIndex) return null; // tileIndex: plain placeholder squares
  const t = sp.tile,
    cols = sp.cols || 1;
  const c = document.createElement('canvas');
  const css = 104,
    dpr = Math.min(2, window.devicePixelRatio || 1);
  c.width = c.height = Math.round(css * dpr);
  c.className = 'tt-tile';
  c.setAttribute('aria-hidden', 'true');
  const g = c.getContext('2d');
  g.imageSmoothingQuality = 'high';
  g.drawImage(src, (i % cols) * t, Math.floor(i / cols) * t, t, t, 0, 0, c.width, c.height);
  return c;
}

export function showTooltip(i) {
  const m = state.model;
  const it = m.items[i];
  const t = ui.tooltip;
  t.replaceChildren();
  t.dataset.index = String(i);
  const head = el('div', 'tt-head');
  const tile = tileCanvas(m, i);
  if (tile) head.append(tile);
  const who = el('div', 'tt-who');
  who.append(el('div', 'tt-name', baseName(it.file)));
  const dir = dirName(it.file);
  if (dir) who.append(el('div', 'tt-dir', dir));
  const meta = el('div', 'tt-meta');
  if (it.label) {
    const chip = el('span', 'tt-label', it.label);
    const k = m.labelInfo ? m.labelInfo.index[i] : -1;
    if (k >= 0) chip.style.setProperty('--c', `rgb(${labelColor(k).join(',')})`);
    meta.append(chip);
  }
  const predicted = typeof it.predicted === 'string' ? it.predicted : it.predicted?.label;
  if (predicted) {
    const p = el('span', 'tt-predicted', predicted);
    p.title = 'Label predicted from its nearest labelled neighbours';
    meta.append(p);
  }
  // how long it plays; "plays" when the map keeps only part of a longer file
  const cut = it.descriptors?.[5] > it.clipDuration + 0.05;
  const time =
    m.mode === 'long'
      ? `at ${fmtTime(it.start)}`
      : `${cut ? 'plays ' : ''}${fmtTime(it.clipDuration)}`;
  meta.append(el('span', '', time));
  if (player.isLooping(i)) meta.append(el('span', 'tt-loop', 'looping'));
  who.append(meta);
  head.append(who);
  t.append(head);
  const tags = (it.tags || []).filter((x) => tagName(x));
  if (tags.length) {
    const tg = el('ul', 'tt-tags');
    tg.setAttribute('aria-label', 'top tags');
    for (const x of tags.slice(0, 5)) {
      const li = el('li', '', tagName(x));
      if (Number.isFinite(x?.score))
        li.append(el('span', 'tt-score', ` ${Math.round(100 * x.score)} %`));
      tg.append(li);
    }
    t.append(tg);
  }
  if (it.descriptors?.some((v) => Number.isFinite(v) && v !== 0)) {
    const values = descriptorValues(it);
    const dl = el('dl', 'tt-desc');
    for (const d of DESCRIPTORS) {
      const row = el('div', state.colorBy === d.key ? 'on' : '');
      row.append(el('dt', '', d.short), el('dd', '', formatDescriptor(d.key, values[d.key])));
      dl.append(row);
    }
    t.append(dl);
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
  // beside the point, inside the map (never under the side column)
  const right = Math.min(window.innerWidth, r.right) - 8;
  if (x + w > right) x = Math.max(r.left + 8, r.left + p.x - off - w);
  y = Math.max(8, Math.min(window.innerHeight - h - 8, y));
  t.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
}

export function hideTooltip() {
  ui.tooltip.hidden = true;
}

export function hideTooltipIfMoved() {
  if (state.hover >= 0) placeTooltip(state.hover);
}
