// saved-maps.js — every finished map is kept in this browser (saved-store.js, IndexedDB): the
// same dataset files an export writes. The "Saved maps" list on the empty page opens one again
// without analysing anything, renames and deletes them, and says how much storage they use;
// the first save asks the browser to keep them (persistent storage). A save that does not fit
// (QuotaExceededError) leaves the map open and says so.
import { filesSource } from '../core/dataset-source.js';
import { progress } from './context.js';
import { openSource } from './dataset-loading.js';
import { datasetFiles } from './export.js';
import { reason } from './progress.js';
import { deleteMap, listMaps, mapFiles, renameMap, saveMap } from './saved-store.js';
import { wasmModule } from './services.js';
import { state } from './state.js';

/** What window.sonomap shows: the list, the last save and the storage figures. */
export const saved = { maps: [], lastSave: null, storage: null };

const $ = (id) => document.getElementById(id);
const mb = (b) =>
  b < 1e6
    ? `${Math.max(1, Math.round(b / 1e3))}\u00a0kB`
    : b < 1e9
      ? `${(b / 1e6).toFixed(1)}\u00a0MB`
      : `${(b / 1e9).toFixed(1)}\u00a0GB`;
const when = (t) =>
  new Date(t).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

function appendStatus(text) {
  const el = $('status');
  el.textContent = `${el.textContent} · ${text}`;
}

/** Keeps the map on the page (state.model) in this browser; a failure is said in the status
 *  line. */
export async function saveCurrentMap() {
  const m = state.model;
  const run = state.run;
  if (!m || m.savedId) return;
  try {
    const files = await datasetFiles(m, { wasm: await wasmModule() });
    const id = await saveMap({ name: m.name || 'sounds', count: m.items.length }, files);
    if (state.model === m) m.savedId = id;
    saved.lastSave = { ok: true, id };
    // said quietly (the status line keeps its wording; a failure is said there)
    if (run === state.run) $('announce').textContent = 'The map is saved in this browser';
    askPersistence();
  } catch (e) {
    const full = e?.name === 'QuotaExceededError';
    const why = full ? 'the browser’s storage for this site is full' : reason(e);
    saved.lastSave = { ok: false, error: e?.name || why };
    if (run === state.run) appendStatus(`could not be saved in this browser (${why})`);
  }
  await refreshSaved();
}

async function askPersistence() {
  try {
    if (navigator.storage?.persist && !(await navigator.storage.persisted()))
      await navigator.storage.persist();
  } catch {
    /* not offered here */
  }
  refreshSaved();
}

async function openSaved(row) {
  let files;
  try {
    files = await mapFiles(row.id);
  } catch (e) {
    progress.message(`The saved map ${row.name} could not be read: ${reason(e)}`);
    return;
  }
  if (!files) {
    progress.message(`The saved map ${row.name} is gone`);
    return refreshSaved();
  }
  const ok = await openSource(filesSource(files, row.name), `saved map ${row.name}`, {
    savedId: row.id,
  });
  if (ok && state.model?.savedId === row.id) state.model.name = row.name; // as renamed
}

function startRename(li, row) {
  const input = document.createElement('input');
  input.type = 'text';
  input.value = row.name;
  input.setAttribute('aria-label', `New name for ${row.name}`);
  const open = li.querySelector('.saved-open');
  open.replaceWith(input);
  input.focus();
  input.select();
  let done = false;
  const finish = async (keep) => {
    if (done) return;
    done = true;
    const name = input.value.trim();
    if (keep && name && name !== row.name) {
      try {
        await renameMap(row.id, name);
      } catch (e) {
        progress.message(`The saved map could not be renamed: ${reason(e)}`);
      }
    }
    refreshSaved();
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') finish(true);
    if (e.key === 'Escape') finish(false);
  });
  input.addEventListener('blur', () => finish(true));
}

function rowElement(row) {
  const li = document.createElement('li');
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'saved-open';
  open.textContent = row.name;
  open.title = 'Open this map (nothing is analysed again)';
  const meta = document.createElement('span');
  meta.className = 'saved-meta';
  meta.textContent = `${row.count} sound${row.count === 1 ? '' : 's'} · ${when(row.date)} · ${mb(row.bytes)}`;
  const rename = document.createElement('button');
  rename.type = 'button';
  rename.textContent = 'Rename';
  rename.setAttribute('aria-label', `Rename ${row.name}`);
  const del = document.createElement('button');
  del.type = 'button';
  del.textContent = 'Delete';
  del.setAttribute('aria-label', `Delete ${row.name}`);
  open.addEventListener('click', () => openSaved(row));
  rename.addEventListener('click', () => startRename(li, row));
  del.addEventListener('click', async () => {
    try {
      await deleteMap(row.id);
      $('announce').textContent = `Deleted the saved map ${row.name}`;
    } catch (e) {
      progress.message(`The saved map could not be deleted: ${reason(e)}`);
    }
    refreshSaved();
  });
  li.append(open, meta, rename, del);
  return li;
}

/** Redraws the list and the storage line. */
export async function refreshSaved() {
  const section = $('saved');
  if (!section) return;
  try {
    saved.maps = await listMaps();
  } catch {
    saved.maps = [];
  }
  $('saved-list').replaceChildren(...saved.maps.map(rowElement));
  section.hidden = saved.maps.length === 0;
  try {
    const est = await navigator.storage.estimate();
    const persisted = await navigator.storage.persisted();
    saved.storage = { usage: est.usage, quota: est.quota, persisted };
    $('saved-storage').textContent =
      `Saved maps use ${mb(est.usage)} of the ${mb(est.quota)} this browser allows · ` +
      (persisted
        ? 'kept until you delete them'
        : 'the browser may clear them when it runs short of space');
  } catch {
    $('saved-storage').textContent = '';
  }
}
