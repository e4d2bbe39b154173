// mapping.js — a map on the page: clearing the page for a new one, running the projection
// worker for a layout (or taking a stored one) and showing it in the view as it settles.
import { featureBlocks } from '../core/features.js';
import { SEED } from '../core/policy.js';
import { transitionMs } from '../view/morph.js';
import { normalize3, spread, take2d } from '../view/spread.js';
import { applyColoring, fillColorChoices } from './coloring.js';
import { legend, player, progress, ui, view } from './context.js';
import { setGrid, setGridButton } from './grid.js';
import { reason } from './progress.js';
import { showQuality } from './quality.js';
import { stopBoxPlay } from './selection.js';
import { projector, wasmModule } from './services.js';
import { closeSimilar } from './similar.js';
import { stopSpriteStream } from './sprite-stream.js';
import { resetState, state } from './state.js';
import { hideTooltip } from './tooltip.js';

/** Clears the page for a new map (the running analysis and projection stop); returns the new
 *  run number that async work compares with state.run. */
export function reset() {
  state.projector?.cancel();
  const run = resetState();
  stopBoxPlay();
  stopSpriteStream();
  player.clear();
  view?.clear();
  legend.show(null);
  ui.colorPanel.hidden = true;
  ui.chart.hidden = true;
  ui.quality.hidden = true;
  closeSimilar();
  setGridButton();
  hideTooltip();
  ui.exportBtn.disabled = true;
  for (const o of ui.projection.options) o.disabled = false;
  for (const o of ui.dims.options) o.disabled = false;
  ui.search.value = '';
  ui.searchCount.textContent = '';
  document.body.classList.remove('has-map');
  return run;
}

export function showEmpty(on) {
  ui.empty.hidden = !on;
}

/** Labels as the engine takes them (Int32Array, -1 unlabelled), or null. */
function labelCodes(m) {
  return m.labelInfo ? Int32Array.from(m.labelInfo.index) : null;
}

export async function projectModel(kind, dims = Number(ui.dims.value) || 2) {
  const m = state.model;
  const run = state.run;
  if (!m) return;
  morphNext = state.shown ? transitionMs() : 0; // the next picture travels from this one
  setGrid(false, { animate: morphNext > 0 });
  const key = `${kind}-${dims}d`;
  if (m.layouts[key]) {
    m.mainLayout = key;
    showLayout(m.layouts[key], true, dims);
    showQuality(m.qualities?.[key] ?? (m.loadedQuality?.layout === key ? m.loadedQuality : null));
    progress.mapped(m.items.length, m.unit, m.loadedFrom ? `loaded from ${m.loadedFrom}` : '');
    return;
  }
  if (!m.X) {
    const other = m.layouts[`${kind}-${5 - dims}d`];
    if (other && dims === 2) {
      showLayout(take2d(other, m.items.length), true, 2);
      return;
    }
    progress.message(`This map has no ${kind.toUpperCase()} ${dims}-D layout`);
    return;
  }
  const n = m.items.length;
  progress.busy(true);
  progress.mapping(n, m.unit, 0, 0, kind);
  showQuality(null);
  let module;
  try {
    module = await wasmModule();
  } catch (e) {
    progress.message(`The projection engine could not be loaded: ${reason(e)}`);
    return;
  }
  const t0 = performance.now();
  let name = key;
  state.mapping = true;
  try {
    const res = await projector(module).run(
      {
        X: m.X,
        n,
        d: m.d,
        blocks: featureBlocks(m.d, m.features),
        projection: kind,
        dims,
        seed: SEED,
        labels: labelCodes(m),
      },
      (layout, done, total, stage) => {
        if (run !== state.run) return;
        if (layout) showLayout(layout, false, dims);
        progress.mapping(n, m.unit, done, total, kind, stage);
      },
      (quality) => {
        if (run !== state.run) return;
        m.qualities ??= {};
        m.qualities[name] = { ...quality, layout: name };
        if (m.mainLayout === name) showQuality(m.qualities[name]);
      },
    );
    if (run !== state.run) return;
    state.lastMapMs = performance.now() - t0;
    state.keptRun = run;
    name = res.projection === 'none' ? key : `${res.projection}-${dims}d`;
    m.layouts[name] = res.layout;
    m.mainLayout = name;
    m.projection = res.projection === 'none' ? kind : res.projection;
    showLayout(res.layout, true, dims);
    const unmapped = res.excluded?.length ? `${res.excluded.length} not mapped` : '';
    progress.mapped(
      n - (res.excluded?.length || 0),
      m.unit,
      [unmapped, res.note].filter(Boolean).join(' · '),
    );
    if (state.colorBy === 'cluster' && !state.clusters) applyColoring();
  } catch (e) {
    if (e.cancelled || run !== state.run) return;
    progress.message(`The sounds could not be mapped: ${reason(e)}`);
  } finally {
    if (run === state.run) {
      state.mapping = false;
      setGridButton();
    }
  }
}

// Large maps settle through fewer pictures: a layout is drawn at most every PROGRESS_MS while
// the worker is still at it (drawing 100,000 tiles is the main thread's heaviest job).
const PROGRESS_MS = 400;
// ms the next layout shown travels from the one shown (a layout switch), 0: it jumps
let morphNext = 0;

export function showLayout(layout, final, dims = 2) {
  const m = state.model;
  if (!m || !view) return;
  const n = m.items.length;
  clearTimeout(state.drawTimer);
  state.drawTimer = 0;
  if (!final && n > 5000 && state.shown) {
    const wait = state.drawLast + PROGRESS_MS - performance.now();
    if (wait > 0) {
      state.drawPending = [layout, dims];
      state.drawTimer = setTimeout(() => {
        state.drawTimer = 0;
        if (state.drawPending && state.model === m)
          showLayout(...state.drawPending.slice(0, 1), false, state.drawPending[1]);
      }, wait);
      return;
    }
  }
  state.drawPending = null;
  state.drawLast = performance.now();
  state.rawLayout = layout;
  state.rawDims = dims;
  let positions;
  if (dims === 3) positions = normalize3(layout, n);
  else {
    const aspect = view.layoutAspect();
    // while the map settles, large maps are only stretched (parting tiles is for the final one)
    positions = spread(layout, n, aspect, final || n <= 5000 ? {} : { maxIter: 0 });
  }
  if (ui.dims.value !== String(dims)) ui.dims.value = String(dims);
  if (!state.shown) {
    const source = m.sprite.canvas || m.sprite.image;
    view.setPoints({
      positions,
      dims,
      atlas: { source, tile: m.sprite.tile, cols: m.sprite.cols },
      tileIndex: m.sprite.tileIndex || null,
      colors: null,
      paths: m.paths,
      points: !!m.sprite.points,
    });
    state.shown = true;
    ui.colorPanel.hidden = false;
    fillColorChoices();
    document.body.classList.add('has-map');
    applyColoring();
  } else {
    const animate = morphNext;
    morphNext = 0;
    view.setPositions(positions, { dims, settle: final, jump: n > 5000, animate });
  }
  state.layout = positions;
  state.dims = dims;
  setGridButton();
  if (final)
    ui.canvas.setAttribute(
      'aria-label',
      `Map of ${m.items.length} ${m.unit}s${dims === 3 ? ' in 3-D (drag to turn it)' : ''}. ` +
        'Arrow keys move between them, Enter loops one, Escape stops every loop, + and − zoom, 0 fits; shift-drag selects a box of them, alt-drag a lasso.',
    );
}

/** The side column and the window's size: the map re-lays itself out for its new shape. */
export function wireLayoutChanges() {
  // The side column (legend, failures) shows when either has something to say; the map then
  // takes the rest of the width and re-lays itself out for its new shape.
  const side = new MutationObserver(() => {
    const on = [ui.colorPanel, ui.chart, ui.quality, ui.failures].some((e) => !e.hidden);
    if (document.body.classList.contains('has-side') !== on)
      document.body.classList.toggle('has-side', on);
  });
  for (const e of [ui.colorPanel, ui.chart, ui.quality, ui.failures])
    side.observe(e, { attributes: true, attributeFilter: ['hidden'] });
  const relayoutSoon = () => {
    clearTimeout(state.relayoutTimer);
    state.relayoutTimer = setTimeout(() => {
      if (state.rawLayout && !state.grid) showLayout(state.rawLayout, true, state.rawDims);
    }, 120);
  };
  window.addEventListener('resize', relayoutSoon);
  new ResizeObserver(relayoutSoon).observe(ui.stage);
}
