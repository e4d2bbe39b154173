// coloring.js — what the points are coloured by (none, label, tag, cluster, distance, or one of
// the six descriptors on a continuous scale: descriptors.js), the
// legend that names the colours and the cluster-by-label chart. To add a colour mode: an
// <option> in index.html's #color-by, whether the map offers it in fillColorChoices, and the
// {names, index, colors} (or {ramp}) it gives in applyColoring.
import { cosineDistances } from '../core/features.js';
import { autoClusterCount, tagName } from '../core/policy.js';
import { clusterLabelChart, clusterLabelTable } from '../view/charts.js';
import { groupColors, labelColor, rampColor } from '../view/legend.js';
import { legend, progress, ui, view } from './context.js';
import { DESCRIPTOR_KEYS, descriptorColoring, hasDescriptors } from './descriptors.js';
import { withPredicted } from './predictions.js';
import { reason } from './progress.js';
import { updateStates } from './selection.js';
import { projector, wasmModule } from './services.js';
import { state } from './state.js';
import { baseName } from './tooltip.js';

/** Which colourings this map offers; picks the first sensible one for a new map. */
export function fillColorChoices() {
  const m = state.model;
  const has = {
    none: true,
    label: !!m.labelInfo,
    tag: m.items.some((it) => it.tags?.length),
    cluster: !!m.X || m.items.some((it) => it.cluster >= 0),
    distance: !!m.X,
  };
  const described = hasDescriptors(m.items);
  for (const key of DESCRIPTOR_KEYS) has[key] = described;
  for (const o of ui.colorBy.options) o.disabled = !has[o.value];
  ui.clustersK.value = String(
    Math.max(2, autoClusterCount(m.items.length, m.labelInfo?.names.length ?? 0)),
  );
  state.colorBy = has.label ? 'label' : 'none';
  ui.colorBy.value = state.colorBy;
}

export async function applyColoring() {
  const m = state.model;
  if (!m || !state.shown || !view) return;
  const run = state.run;
  const kind = state.colorBy;
  ui.kLabel.hidden = kind !== 'cluster';
  let info = null;
  if (kind === 'label') info = withPredicted(m.labelInfo);
  else if (kind === 'tag')
    info = groupColors(
      m.items.map((it) => tagName(it.tags?.[0])),
      { max: 12 },
    );
  else if (kind === 'cluster') {
    const k = Math.max(2, Math.min(m.items.length, Number(ui.clustersK.value) || 8));
    if (!state.clusters || state.clusters.k !== k) {
      if (m.X && state.keptRun === run && !state.mapping) {
        try {
          const spherical = m.features === 'embedding' || m.features === 'embedding+timbre';
          const res = await projector(await wasmModule()).cluster(k, spherical);
          if (run !== state.run || state.colorBy !== 'cluster') return;
          state.clusters = { k, spherical, index: res.clusters };
          res.clusters.forEach((c, i) => {
            m.items[i].cluster = c;
          });
        } catch (e) {
          if (run !== state.run) return;
          progress.message(`Clusters could not be made: ${reason(e)}`);
          return;
        }
      } else if (!m.X && m.items.some((it) => it.cluster >= 0)) {
        const index = Int32Array.from(m.items, (it) => (it.cluster >= 0 ? it.cluster : -1));
        state.clusters = { k: Math.max(...index) + 1, spherical: false, index, stored: true };
      } else {
        legend.show(null);
        return; // asked again when the map is done
      }
    }
    const c = state.clusters;
    const colors = new Uint8Array(c.index.length * 4);
    const counts = new Array(c.k).fill(0);
    c.index.forEach((v, i) => {
      if (v >= 0) {
        counts[v]++;
        colors.set([...labelColor(v), 255], i * 4);
      }
    });
    info = { names: counts.map((_, v) => `cluster ${v + 1}`), index: c.index, colors, counts };
  } else if (kind === 'distance') {
    info = distanceColoring();
  } else if (DESCRIPTOR_KEYS.includes(kind)) {
    info = descriptorColoring(m.items, kind);
  }
  state.coloring = info ? { kind, ...info } : null;
  view.setColors(info?.colors ?? null);
  legend.show(info);
  showClusterChart();
  updateStates();
}

/** Cosine distance in feature space from the selected point, as a colour ramp. */
function distanceColoring() {
  const m = state.model;
  const from = state.distances?.from ?? -1;
  if (from < 0 || !m.X) return { ramp: { from: null }, colors: null, index: null };
  const vals = state.distances.values;
  let near = Infinity,
    far = -Infinity;
  for (let i = 0; i < vals.length; i++)
    if (i !== from && Number.isFinite(vals[i])) {
      near = Math.min(near, vals[i]);
      far = Math.max(far, vals[i]);
    }
  if (!(far > near)) {
    near = 0;
    far = 1;
  }
  const colors = new Uint8Array(vals.length * 4);
  for (let i = 0; i < vals.length; i++) {
    if (!Number.isFinite(vals[i])) continue;
    const c = i === from ? [255, 255, 255] : rampColor((vals[i] - near) / (far - near));
    colors.set([...c, 255], i * 4);
  }
  return { ramp: { from: baseName(m.items[from].file), near, far }, colors, index: null };
}

export function setDistanceFrom(i) {
  const m = state.model;
  if (!m?.X || i < 0) return;
  state.distances = { from: i, values: cosineDistances(m.X, m.items.length, m.d, i) };
  if (state.colorBy === 'distance') applyColoring();
}

function showClusterChart() {
  const m = state.model;
  const c = state.clusters;
  if (!m || !c || !m.labelInfo || state.colorBy !== 'cluster') {
    ui.chart.hidden = true;
    return;
  }
  const table = clusterLabelTable(c.index, c.k, m.labelInfo.index, m.labelInfo.names.length);
  state.clusterTable = table;
  clusterLabelChart(ui.chart, table, {
    labelNames: m.labelInfo.names,
    labelColor,
    clusterColor: labelColor,
    onCluster: (k) => legend.toggle(k),
  });
}
