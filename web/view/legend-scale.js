// legend-scale.js — the legend of a continuous colour mode: the descriptor's name, a small
// histogram of the points along the scale, the colour bar and its values (min, middle, max).
import { viridisCss } from './colormap.js';

/** Fills el with scale = {title, ticks: [{t, text}], hist}. */
export function renderScale(el, scale) {
  const title = document.createElement('p');
  title.className = 'scale-title';
  title.textContent = scale.title;
  const hist = document.createElement('div');
  hist.className = 'scale-hist';
  hist.setAttribute('aria-hidden', 'true');
  const top = Math.max(1, ...scale.hist);
  for (const c of scale.hist) {
    const b = document.createElement('span');
    b.style.height = `${c ? Math.max(8, (100 * c) / top) : 0}%`;
    hist.append(b);
  }
  const bar = document.createElement('div');
  bar.className = 'ramp scale-bar';
  bar.style.background = viridisCss();
  const ends = document.createElement('div');
  ends.className = 'ramp-ends scale-ticks';
  for (const tick of scale.ticks) {
    const s = document.createElement('span');
    s.textContent = tick.text;
    ends.append(s);
  }
  ends.setAttribute(
    'aria-label',
    `${scale.title}: from ${scale.ticks[0].text} (dark purple) to ${scale.ticks.at(-1).text} (yellow)`,
  );
  el.append(title, hist, bar, ends);
}
