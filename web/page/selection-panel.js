// selection-panel.js — the Selection panel in the side column (hidden while nothing is
// selected): the selected sounds by name (click one to hear it, × to drop it), Play (space:
// one after another), Zip (the original files, or clips cut from the spriteclip when the page
// has no originals), CSV (their rows) and Clear (Escape); and the toolbar's lasso tool.
// Names are shown as text, never parsed as markup.
import { player, progress, ui, view } from './context.js';
import { playPoint } from './listening.js';
import { reason } from './progress.js';
import {
  clearSelection,
  onStatesChange,
  playingSelection,
  playSelection,
  removeFromSelection,
  stopBoxPlay,
} from './selection.js';
import { csvText, download, selectionRows, selectionZip } from './selection-export.js';
import { state } from './state.js';
import { baseName } from './tooltip.js';

const SHOWN = 300; // rows listed; the rest are counted (and exported)
const $ = (id) => document.getElementById(id);
let panel = null;
let rendered = null;
let playingShown = -1;
let lastExport = null;

/** The files the page was given for the current map, by path (null for a dataset folder). */
function originalFiles() {
  if (!state.entries?.length || !state.model || state.model.generator !== 'sonomap page')
    return null;
  return new Map(state.entries.map((e) => [e.path, e.file]));
}

function fileName(base) {
  return `${String(base || 'sonomap')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+/, '')}-selection`;
}

function rowsCsv() {
  const m = state.model;
  return csvText(selectionRows(m.items, state.selection, state.layout, state.dims));
}

async function exportZip() {
  const m = state.model;
  if (!m || !state.selection.length) return;
  panel.zip.disabled = true;
  try {
    const files = originalFiles();
    let originals = null;
    if (files) {
      originals = new Map();
      for (const i of state.selection) {
        const f = files.get(m.items[i].file);
        if (f && !originals.has(m.items[i].file))
          originals.set(m.items[i].file, { bytes: new Uint8Array(await f.arrayBuffer()) });
      }
    }
    const z = selectionZip(m.items, state.selection, {
      originals,
      clip: player.samples(),
      csv: rowsCsv(),
    });
    lastExport = { kind: 'zip', names: z.names, originals: z.originals, clips: z.clips };
    download(z.bytes, `${fileName(m.name)}.zip`, 'application/zip');
    ui.announce.textContent = `Zip of ${z.originals + z.clips} sounds saved`;
  } catch (e) {
    progress.message(`The selection could not be zipped: ${reason(e)}`);
  } finally {
    panel.zip.disabled = false;
  }
}

function exportCsv() {
  const m = state.model;
  if (!m || !state.selection.length) return;
  download(rowsCsv(), `${fileName(m.name)}.csv`, 'text/csv');
  lastExport = { kind: 'csv', rows: state.selection.length };
}

function render() {
  const sel = state.selection;
  rendered = sel;
  playingShown = -1;
  const m = state.model;
  panel.root.hidden = !sel.length || !m;
  if (panel.root.hidden) {
    panel.list.replaceChildren();
    return;
  }
  const unit = m.unit || 'sound';
  panel.count.textContent = `${sel.length} ${unit}${sel.length === 1 ? '' : 's'}`;
  const files = originalFiles();
  panel.note.textContent = files
    ? 'Zip: the original files, with their rows as selection.csv.'
    : 'Zip: each sound as the clip the map plays (the original files are not on this page).';
  const rows = sel.slice(0, SHOWN).map((i) => {
    const it = m.items[i];
    const li = document.createElement('li');
    li.dataset.index = String(i);
    const name = document.createElement('button');
    name.type = 'button';
    name.className = 'sel-name';
    name.textContent = baseName(it.file);
    name.title = it.label ? `${it.file} (${it.label})` : it.file;
    name.addEventListener('click', () => playPoint(i));
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'sel-remove';
    remove.textContent = '×';
    remove.setAttribute('aria-label', `Remove ${baseName(it.file)}`);
    remove.addEventListener('click', () => {
      // the list is drawn anew: keep the keyboard on the row that takes this one's place
      const at = [...panel.list.children].indexOf(li);
      removeFromSelection(i);
      const buttons = panel.list.querySelectorAll('.sel-remove');
      (buttons[Math.min(at, buttons.length - 1)] ?? ui.canvas).focus({ preventScroll: true });
    });
    li.append(name, remove);
    return li;
  });
  if (sel.length > SHOWN) {
    const more = document.createElement('li');
    more.className = 'sel-more';
    more.textContent = `… and ${sel.length - SHOWN} more (all are exported)`;
    rows.push(more);
  }
  panel.list.replaceChildren(...rows);
}

function showPlaying() {
  if (playingShown === state.selectionPlaying) return;
  panel.list.querySelector('[aria-current]')?.removeAttribute('aria-current');
  playingShown = state.selectionPlaying;
  if (playingShown >= 0)
    panel.list
      .querySelector(`li[data-index="${playingShown}"]`)
      ?.setAttribute('aria-current', 'true');
}

const typing = (t) =>
  t instanceof HTMLElement &&
  (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));

export function setLasso(on) {
  if (view) view.lassoMode = on;
  panel.lasso.setAttribute('aria-pressed', String(on));
  ui.canvas.classList.toggle('lassoing', on);
}

/** The panel's buttons, the lasso tool and the keys (space plays, Escape clears). */
export function wireSelection() {
  panel = {
    root: $('selection'),
    count: $('selection-count'),
    note: $('selection-note'),
    list: $('selection-list'),
    play: $('selection-play'),
    zip: $('selection-zip'),
    csv: $('selection-csv'),
    clear: $('selection-clear'),
    lasso: $('lasso'),
  };
  onStatesChange(() => {
    if (state.selection !== rendered) render();
    showPlaying();
  });
  panel.play.addEventListener('click', () => playSelection());
  panel.zip.addEventListener('click', exportZip);
  panel.csv.addEventListener('click', exportCsv);
  panel.clear.addEventListener('click', () => {
    clearSelection();
    ui.canvas.focus({ preventScroll: true });
  });
  panel.lasso.addEventListener('click', () =>
    setLasso(panel.lasso.getAttribute('aria-pressed') !== 'true'),
  );
  // Capture: before the map's own keys (there space loops the focused point).
  window.addEventListener(
    'keydown',
    (e) => {
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ' ' && state.selection.length) {
        e.preventDefault();
        e.stopPropagation();
        if (!e.repeat) {
          if (playingSelection()) stopBoxPlay();
          else playSelection();
        }
      } else if (e.key === 'Escape' && state.selection.length) {
        clearSelection();
      }
    },
    { capture: true },
  );
}

/** For the debug handle: the last export ({kind, names, originals, clips} or {kind, rows}). */
export function lastSelectionExport() {
  return lastExport ? { ...lastExport } : null;
}

export function lassoOn() {
  return !!view?.lassoMode;
}
