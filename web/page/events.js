// events.js — the page's event wiring: keys on the map, the toolbar and search box, files
// coming in (pickers, drag and drop) and the export button. Handlers only call the modules
// that do the work.
import { analyze } from './analysis.js';
import { applyColoring } from './coloring.js';
import { player, progress, ui, view } from './context.js';
import { exportDataset } from './export.js';
import { filesFromInput, pickFolder, wireDrop } from './files.js';
import { setGrid } from './grid.js';
import { playPoint, toggleLoop, unlockAudio } from './listening.js';
import { projectModel } from './mapping.js';
import { reason } from './progress.js';
import { isHiddenPoint, matches, stopBoxPlay, updateStates } from './selection.js';
import { wasmModule } from './services.js';
import { state } from './state.js';
import { baseName, placeTooltip, showTooltip } from './tooltip.js';

/** Every listener of the page's controls, keys and inputs. */
export function wireEvents() {
  wireKeys();
  wireControls();
  wireFilesIn();
  wireExport();
  window.addEventListener('pointerdown', unlockAudio, { capture: true });
  window.addEventListener('keydown', unlockAudio, { capture: true });
}

function takeInput(input) {
  const found = filesFromInput(input);
  input.value = '';
  if (found.entries.length || found.skipped || found.labelFiles?.length)
    analyze(Promise.resolve(found));
}

/** Arrow keys, Enter, Escape, + - 0 on the map; / to search. */
function wireKeys() {
  ui.canvas.addEventListener('keydown', (e) => {
    const m = state.model;
    if (!m || !view) return;
    const dirs = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (dirs[e.key]) {
      e.preventDefault();
      let next = state.focus < 0 ? view.first() : view.neighbor(state.focus, ...dirs[e.key]);
      // classes switched off in the legend are stepped over
      for (let k = 0; next >= 0 && isHiddenPoint(next) && k < m.items.length; k++)
        next = view.neighbor(next, ...dirs[e.key]);
      if (next < 0 || isHiddenPoint(next)) return;
      state.focus = next;
      state.hover = next;
      view.setHover(next);
      updateStates();
      showTooltip(next);
      playPoint(next);
      const it = m.items[next];
      ui.announce.textContent = `${baseName(it.file)}${it.label ? `, ${it.label}` : ''}`;
    } else if ((e.key === 'Enter' || e.key === ' ') && state.focus >= 0) {
      e.preventDefault();
      toggleLoop(state.focus);
    } else if (e.key === 'Escape') {
      player.stopAll();
      stopBoxPlay();
      state.selection = [];
      updateStates();
      ui.announce.textContent = 'All sounds stopped';
    } else if (e.key === '+' || e.key === '=') {
      view.zoomAt(view.width / 2, view.height / 2, 1.25);
    } else if (e.key === '-' || e.key === '_') {
      view.zoomAt(view.width / 2, view.height / 2, 0.8);
    } else if (e.key === '0') {
      view.fit();
    } else return;
    if (state.hover >= 0) placeTooltip(state.hover);
  });
  ui.canvas.addEventListener('blur', () => {
    if (state.focus >= 0) {
      state.focus = -1;
      updateStates();
    }
  });
  window.addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement !== ui.search) {
      e.preventDefault();
      ui.search.focus();
    }
  });
}

/** The search box and the toolbar: projection, dimensions, grid, colour, k, mode, fit. */
function wireControls() {
  ui.search.addEventListener('input', updateStates);
  ui.search.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      ui.search.value = '';
      updateStates();
    }
    if (e.key === 'Enter' && state.model) {
      const q = ui.search.value.trim().toLowerCase();
      const i = state.model.items.findIndex((it, j) => (!q || matches(it, q)) && !isHiddenPoint(j));
      if (i >= 0) {
        state.focus = i;
        ui.canvas.focus();
        view.setHover(i);
        state.hover = i;
        updateStates();
        showTooltip(i);
        playPoint(i);
      }
    }
  });
  ui.projection.addEventListener('change', () => projectModel(ui.projection.value));
  ui.dims.addEventListener('change', () =>
    projectModel(ui.projection.value, Number(ui.dims.value)),
  );
  ui.grid.addEventListener('click', () => setGrid(!state.grid));
  ui.colorBy.addEventListener('change', () => {
    state.colorBy = ui.colorBy.value;
    applyColoring();
  });
  ui.clustersK.addEventListener('change', () => {
    if (state.colorBy === 'cluster') applyColoring();
  });
  for (const select of [ui.mode, ui.features])
    select.addEventListener('change', () => {
      if (state.entries?.length && state.model?.X)
        analyze(Promise.resolve({ entries: state.entries, skipped: 0 }));
    });
  ui.fit.addEventListener('click', () => view?.fit());
}

/** Files in: the pickers, the buttons that open them and drag and drop. */
function wireFilesIn() {
  ui.fileInput.addEventListener('change', () => takeInput(ui.fileInput));
  ui.folderInput.addEventListener('change', () => takeInput(ui.folderInput));
  for (const id of ['add-files', 'empty-files'])
    document.getElementById(id).addEventListener('click', () => ui.fileInput.click());
  for (const id of ['add-folder', 'empty-folder']) {
    document.getElementById(id).addEventListener('click', async () => {
      const found = await pickFolder(ui.folderInput);
      if (found) analyze(Promise.resolve(found));
    });
  }
  wireDrop(document.documentElement, {
    onDragState: (on) => {
      ui.overlay.hidden = !on;
    },
    onFiles: (found) => analyze(found),
  });
}

/** The export button. */
function wireExport() {
  ui.exportBtn.addEventListener('click', async () => {
    const m = state.model;
    if (!m) return;
    ui.exportBtn.disabled = true;
    const before = ui.status.textContent;
    try {
      const where = await exportDataset(m, {
        wasm: await wasmModule(),
        say: (t) => progress.message(t),
      });
      if (where) progress.message(`${before} · exported to ${where}`);
      else progress.message(before);
    } catch (e) {
      progress.message(`${before} · export failed: ${reason(e)}`);
    } finally {
      ui.exportBtn.disabled = false;
    }
  });
}
