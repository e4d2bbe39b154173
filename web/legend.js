// legend.js — colours for labels and the legend that names them. Clicking a label in the legend
// shows only that label's points (the rest are dimmed); clicking it again shows all.

const PALETTE = ['#4cc9f0', '#f72585', '#ffd166', '#06d6a0', '#f77f00', '#b388ff', '#ef476f',
  '#90be6d', '#4895ef', '#ff9f1c', '#e9c46a', '#2ec4b6', '#ff70a6', '#a0c4ff', '#caffbf', '#ffadad'];

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

export class Legend {
  constructor(el, onChange) {
    this.el = el;
    this.onChange = onChange;
    this.active = null;
  }

  /** info: labelColors(...) result or null. */
  show(info) {
    this.info = info;
    this.active = null;
    this.el.replaceChildren();
    this.el.hidden = !info;
    if (!info) return;
    const title = document.createElement('h2');
    title.textContent = 'Labels';
    const list = document.createElement('ul');
    info.names.forEach((name, k) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('aria-pressed', 'false');
      b.title = `Show only ${name}`;
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = `rgb(${labelColor(k).join(',')})`;
      const label = document.createElement('span');
      label.className = 'legend-name';
      label.textContent = name;
      const count = document.createElement('span');
      count.className = 'legend-count';
      count.textContent = info.counts[k];
      b.append(sw, label, count);
      b.addEventListener('click', () => this.toggle(k));
      li.append(b);
      list.append(li);
    });
    this.el.append(title, list);
  }

  toggle(k) {
    this.active = this.active === k ? null : k;
    this.el.querySelectorAll('button').forEach((b, j) => b.setAttribute('aria-pressed', String(j === this.active)));
    this.el.classList.toggle('filtering', this.active !== null);
    this.onChange(this.active);
  }
}
