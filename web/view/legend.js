// legend.js — colours for labels and the legend that names them. Each class in the legend
// switches on and off (hidden classes fade out and leave hover and search); its "only" button
// shows that class alone, and again shows all. Continuous modes show a colour bar instead.
import { renderScale } from './legend-scale.js';

const PALETTE = [
  '#4cc9f0',
  '#f72585',
  '#ffd166',
  '#06d6a0',
  '#f77f00',
  '#b388ff',
  '#ef476f',
  '#90be6d',
  '#4895ef',
  '#ff9f1c',
  '#e9c46a',
  '#2ec4b6',
  '#ff70a6',
  '#a0c4ff',
  '#caffbf',
  '#ffadad',
];

function hexToRgb(h) {
  const v = parseInt(h.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function hslToRgb(h, s, l) {
  const f = (n) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Colour of the k-th label (a fixed palette, then evenly spread hues). */
export function labelColor(k) {
  if (k < PALETTE.length) return hexToRgb(PALETTE[k]);
  return hslToRgb((k * 137.508) % 360, 0.65, 0.62);
}

/** labels: per point ('' = none). Returns {names, index (per point, -1 none), colors
 *  (Uint8Array n*4, alpha 0 for unlabelled), counts} — null when nothing is labelled. */
export function labelColors(labels) {
  const counts = new Map();
  for (const l of labels) if (l) counts.set(l, (counts.get(l) || 0) + 1);
  if (counts.size === 0) return null;
  const names = [...counts.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const id = new Map(names.map((n, k) => [n, k]));
  const colors = new Uint8Array(labels.length * 4);
  const index = new Int32Array(labels.length).fill(-1);
  labels.forEach((l, i) => {
    if (!l) return;
    const k = id.get(l);
    index[i] = k;
    const [r, g, b] = labelColor(k);
    colors.set([r, g, b, 255], i * 4);
  });
  return { names, index, colors, counts: names.map((n) => counts.get(n)) };
}

/** Groups → the legend/colour shape of labelColors: names (in legend order), index per point
 *  (-1: none), colors, counts. groups: per point a name or '' ; at most `max` names get a
 *  colour of their own (the most common), the rest fall into "other". */
export function groupColors(groups, { max = 12, order = 'count', colorOf = labelColor } = {}) {
  const counts = new Map();
  for (const g of groups) if (g) counts.set(g, (counts.get(g) || 0) + 1);
  if (counts.size === 0) return null;
  let names = [...counts.keys()];
  if (order === 'count') names.sort((a, b) => counts.get(b) - counts.get(a) || a.localeCompare(b));
  else names.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  let other = 0;
  if (names.length > max) {
    for (const n of names.slice(max - 1)) other += counts.get(n);
    names = names.slice(0, max - 1);
  }
  const id = new Map(names.map((n, k) => [n, k]));
  const otherK = other ? names.length : -1;
  const colors = new Uint8Array(groups.length * 4);
  const index = new Int32Array(groups.length).fill(-1);
  const swatches = names.map((_, k) => colorOf(k));
  if (other) swatches.push([120, 128, 142]);
  groups.forEach((g, i) => {
    if (!g) return;
    const k = id.has(g) ? id.get(g) : otherK;
    index[i] = k;
    colors.set([...swatches[k], 255], i * 4);
  });
  const outNames = other ? [...names, 'other'] : names;
  return {
    names: outNames,
    index,
    colors,
    counts: outNames.map((n, k) => (k === otherK ? other : counts.get(n))),
    swatches,
  };
}

// A dark-to-bright ramp for distances (near: bright), readable on the dark page.
const RAMP = [
  [253, 231, 37],
  [94, 201, 98],
  [33, 145, 140],
  [59, 82, 139],
  [68, 1, 84],
];
export function rampColor(t) {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const k = Math.min(RAMP.length - 2, Math.floor(x)),
    f = x - k;
  return RAMP[k].map((v, j) => Math.round(v + (RAMP[k + 1][j] - v) * f));
}
export const rampCss = () =>
  `linear-gradient(90deg, ${RAMP.map((c, k) => `rgb(${c.join(',')}) ${(100 * k) / (RAMP.length - 1)}%`).join(', ')})`;

export class Legend {
  constructor(el, onChange) {
    this.el = el;
    this.onChange = onChange;
    this.only = null; // the class shown alone ("only this class"), or null
    this.hidden = new Set(); // classes switched off one by one (when only is null)
  }

  /** The class shown alone, or null (kept for the chart and older callers). */
  get active() {
    return this.only;
  }

  /** Whether points of class k (-1: none) are shown. */
  isShown(k) {
    if (this.only !== null) return k === this.only;
    return !this.hidden.has(k);
  }

  /** Whether any class is switched off. */
  get filtering() {
    return this.only !== null || this.hidden.size > 0;
  }

  /** Names of the classes not shown now. */
  hiddenNames() {
    const names = this.info?.names || [];
    return names.filter((_, k) => !this.isShown(k));
  }

  /** info: labelColors(...) / groupColors(...) result, {ramp: {near, far, from}},
   *  {scale} (a continuous colour mode: view/legend-scale.js) or null. */
  show(info) {
    this.info = info;
    this.only = null;
    this.hidden = new Set();
    this.el.replaceChildren();
    this.el.classList.remove('filtering');
    this.el.hidden = !info;
    if (!info) return;
    if (info.scale) {
      renderScale(this.el, info.scale);
      return;
    }
    if (info.ramp) {
      const r = info.ramp;
      const p = document.createElement('p');
      p.className = 'ramp-note';
      p.textContent = r.from
        ? `from ${r.from}`
        : 'Click a point to colour the map by its distance (cosine, in feature space) to it.';
      this.el.append(p);
      if (r.from) {
        const bar = document.createElement('div');
        bar.className = 'ramp';
        bar.style.background = rampCss();
        const ends = document.createElement('div');
        ends.className = 'ramp-ends';
        ends.innerHTML = '<span></span><span></span>';
        ends.children[0].textContent = `near ${r.near.toFixed(2)}`;
        ends.children[1].textContent = `far ${r.far.toFixed(2)}`;
        this.el.append(bar, ends);
      }
      return;
    }
    const head = document.createElement('div');
    head.className = 'legend-head';
    const note = document.createElement('span');
    note.className = 'legend-note';
    const all = document.createElement('button');
    all.type = 'button';
    all.className = 'legend-all';
    all.textContent = 'Show all';
    all.addEventListener('click', () => this.showAll());
    head.append(note, all);
    const list = document.createElement('ul');
    info.names.forEach((name, k) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'legend-toggle';
      b.setAttribute('aria-pressed', 'true');
      b.title = `Show or hide ${name}`;
      const sw = document.createElement('span');
      sw.className = 'swatch';
      const rgb = `rgb(${(info.swatches ? info.swatches[k] : labelColor(k)).join(',')})`;
      sw.style.setProperty('--c', rgb);
      sw.style.background = rgb;
      const label = document.createElement('span');
      label.className = 'legend-name';
      label.textContent = name;
      const count = document.createElement('span');
      count.className = 'legend-count';
      count.textContent = info.counts[k];
      b.append(sw, label, count);
      b.addEventListener('click', () => this.toggleClass(k));
      const only = document.createElement('button');
      only.type = 'button';
      only.className = 'legend-only';
      only.textContent = 'only';
      only.setAttribute('aria-label', `Show only ${name}`);
      only.addEventListener('click', () => this.toggle(k));
      li.append(b, only);
      list.append(li);
    });
    this.el.append(head, list);
    this.#refresh();
  }

  /** "Only this class": shows class k alone, or everything again when it is already alone. */
  toggle(k) {
    this.only = this.only === k ? null : k;
    this.hidden = new Set();
    this.#changed();
  }

  /** Switches class k on or off, leaving the others as they are. */
  toggleClass(k) {
    if (this.only !== null) {
      // from "only one": every other class is off; this click switches k
      const n = this.info?.names?.length ?? 0;
      this.hidden = new Set(Array.from({ length: n }, (_, j) => j).filter((j) => j !== this.only));
      this.only = null;
    }
    if (this.hidden.has(k)) this.hidden.delete(k);
    else this.hidden.add(k);
    this.#changed();
  }

  showAll() {
    this.only = null;
    this.hidden = new Set();
    this.#changed();
  }

  #changed() {
    this.#refresh();
    this.onChange(this.only);
  }

  #refresh() {
    const names = this.info?.names;
    if (!names) return;
    const rows = this.el.querySelectorAll('li');
    rows.forEach((li, k) => {
      const on = this.isShown(k);
      li.classList.toggle('off', !on);
      li.querySelector('.legend-toggle').setAttribute('aria-pressed', String(on));
      const only = li.querySelector('.legend-only');
      const alone = this.only === k;
      only.textContent = alone ? 'all' : 'only';
      only.setAttribute('aria-label', alone ? 'Show all classes' : `Show only ${names[k]}`);
      only.setAttribute('aria-pressed', String(alone));
    });
    const shown = names.filter((_, k) => this.isShown(k)).length;
    this.el.classList.toggle('filtering', this.filtering);
    const note = this.el.querySelector('.legend-note');
    if (note) note.textContent = this.filtering ? `${shown} of ${names.length} shown` : '';
    const all = this.el.querySelector('.legend-all');
    if (all) all.hidden = !this.filtering;
  }
}
