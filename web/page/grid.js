// grid.js — snapping a 2-D map to a square grid (cells assigned by the engine in the projection
// worker) and back to its layout.
import { GRID_MAX, gridAllowed } from '../core/policy.js';
import { transitionMs } from '../view/morph.js';
import { spread } from '../view/spread.js';
import { progress, ui, view } from './context.js';
import { reason } from './progress.js';
import { projector, wasmModule } from './services.js';
import { state } from './state.js';

export function setGridButton() {
  const m = state.model;
  if (!state.grid) view?.setSizeBoost(1);
  const ok =
    !!m && state.shown && state.dims === 2 && !state.mapping && gridAllowed(m.items.length);
  ui.grid.disabled = !ok;
  ui.grid.title =
    m && m.items.length > GRID_MAX
      ? `The grid is for maps of up to ${GRID_MAX.toLocaleString('en')} points`
      : 'Snap the map to a square grid (2-D)';
  ui.grid.setAttribute('aria-pressed', String(state.grid));
}

export async function setGrid(on, { animate = true } = {}) {
  const m = state.model;
  if (!on) {
    if (!state.grid) return;
    state.grid = false;
    setGridButton();
    view?.setSizeBoost(1);
    if (m && state.rawLayout && state.rawDims === 2 && view) {
      const aspect = view.layoutAspect();
      const pos = spread(state.rawLayout, m.items.length, aspect);
      view.setPositions(pos, { dims: 2, animate: animate ? 1.5 * transitionMs() : 0 });
      state.layout = pos;
    }
    return;
  }
  if (!m || state.dims !== 2 || !state.rawLayout || !gridAllowed(m.items.length)) return;
  const run = state.run;
  const n = m.items.length;
  const rows0 = [];
  for (let i = 0; i < n; i++)
    if (Number.isFinite(state.rawLayout[2 * i]) && Number.isFinite(state.rawLayout[2 * i + 1]))
      rows0.push(i);
  const k = rows0.length;
  if (k < 2) return;
  const aspect = view.layoutAspect();
  const cols = Math.max(1, Math.ceil(Math.sqrt(k * aspect)));
  const rows = Math.ceil(k / cols);
  const xyIn = new Float32Array(k * 2);
  rows0.forEach((i, r) => {
    xyIn[2 * r] = state.rawLayout[2 * i];
    xyIn[2 * r + 1] = state.rawLayout[2 * i + 1];
  });
  ui.grid.disabled = true;
  try {
    const { cells } = await projector(await wasmModule()).grid(xyIn, k, cols, rows);
    if (run !== state.run || state.dims !== 2) return;
    const pos = new Float32Array(n * 2).fill(NaN);
    const step = 2 / Math.max(rows, cols / aspect);
    rows0.forEach((i, r) => {
      const c = cells[r];
      pos[2 * i] = ((c % cols) - (cols - 1) / 2) * step;
      pos[2 * i + 1] = (Math.floor(c / cols) - (rows - 1) / 2) * step;
    });
    state.grid = true;
    // tiles fill most of their cells
    const area = view.openArea();
    const cellPx = Math.min(area.width / cols, area.height / rows);
    view.setSizeBoost(Math.max(1, (0.8 * cellPx) / (view.baseSize() / view.sizeBoost)));
    view.setPositions(pos, { dims: 2, animate: 1.5 * transitionMs() }); // none with reduced motion
    state.layout = pos;
  } catch (e) {
    if (run === state.run) progress.message(`The grid could not be made: ${reason(e)}`);
  } finally {
    if (run === state.run) setGridButton();
  }
}
