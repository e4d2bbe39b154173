// charts.js — small SVG figures for the side panel.
//   clusterLabelTable(clusters, k, labelIndex, labelCount) → counts[c][l] (sound-eval's
//     comparison of k-means clusters with labels)
//   clusterLabelChart(el, table, {labelNames, labelColor, clusterColor, onCluster})
//     stacked bars: one per cluster, its height the cluster's size, split by label.
const SVG = 'http://www.w3.org/2000/svg';

export function clusterLabelTable(clusters, k, labelIndex, labelCount) {
  const t = Array.from({ length: k }, () => new Array(labelCount + 1).fill(0)); // last: unlabelled
  for (let i = 0; i < clusters.length; i++) {
    const c = clusters[i];
    if (c < 0 || c >= k) continue;
    const l = labelIndex[i];
    t[c][l >= 0 && l < labelCount ? l : labelCount]++;
  }
  return t;
}

/** Purity: the share of points whose cluster's most common label is theirs. */
export function purity(table) {
  let top = 0,
    all = 0;
  for (const row of table) {
    const labelled = row.slice(0, -1);
    top += Math.max(0, ...labelled);
    all += labelled.reduce((a, b) => a + b, 0);
  }
  return all ? top / all : NaN;
}

function el(name, attrs = {}, text = null) {
  const e = document.createElementNS(SVG, name);
  for (const [a, v] of Object.entries(attrs)) e.setAttribute(a, v);
  if (text !== null) e.textContent = text;
  return e;
}

export function clusterLabelChart(
  container,
  table,
  { labelNames, labelColor, clusterColor, onCluster = () => {} },
) {
  container.replaceChildren();
  const h2 = document.createElement('h2');
  h2.textContent = 'Clusters against labels';
  const p = purity(table);
  const note = document.createElement('p');
  note.className = 'chart-note';
  note.textContent = Number.isFinite(p)
    ? `purity ${(100 * p).toFixed(0)} % · each bar is a cluster, split by label`
    : '';
  const k = table.length,
    L = labelNames.length;
  const W = 256,
    H = 120,
    top = 6,
    bottom = 18,
    left = 2;
  const max = Math.max(1, ...table.map((r) => r.reduce((a, b) => a + b, 0)));
  const slot = (W - left) / k,
    bw = Math.max(2, Math.min(28, slot * 0.72));
  const svg = el('svg', {
    viewBox: `0 0 ${W} ${H}`,
    width: '100%',
    role: 'img',
    'aria-label': `Stacked bars: ${k} clusters split by ${L} labels`,
  });
  table.forEach((row, c) => {
    const x = left + c * slot + (slot - bw) / 2;
    let y = H - bottom;
    const g = el('g', { class: 'bar', tabindex: '0' });
    const total = row.reduce((a, b) => a + b, 0);
    const parts = [];
    row.forEach((v, l) => {
      if (!v) return;
      const h = ((H - top - bottom) * v) / max;
      y -= h;
      const fill = l < L ? `rgb(${labelColor(l).join(',')})` : 'rgb(90,96,108)';
      g.append(
        el('rect', {
          x: x.toFixed(1),
          y: y.toFixed(1),
          width: bw.toFixed(1),
          height: Math.max(0.5, h).toFixed(1),
          fill,
        }),
      );
      parts.push(`${l < L ? labelNames[l] : 'unlabelled'} ${v}`);
    });
    g.append(el('title', {}, `cluster ${c + 1}: ${total} — ${parts.join(', ')}`));
    g.append(
      el('rect', {
        x: x.toFixed(1),
        y: H - bottom + 3,
        width: bw.toFixed(1),
        height: 3,
        rx: 1,
        fill: `rgb(${clusterColor(c).join(',')})`,
      }),
    );
    if (k <= 16)
      g.append(
        el(
          'text',
          { x: (x + bw / 2).toFixed(1), y: H - 2, 'text-anchor': 'middle' },
          String(c + 1),
        ),
      );
    g.addEventListener('click', () => onCluster(c));
    svg.append(g);
  });
  const key = document.createElement('ul');
  key.className = 'chart-key';
  labelNames.forEach((name, l) => {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = `rgb(${labelColor(l).join(',')})`;
    li.append(sw, document.createTextNode(name));
    key.append(li);
  });
  container.append(h2, svg, key, note);
  container.hidden = false;
}
