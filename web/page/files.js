// files.js — gathers the files a person gives the page: dropped files and folders (walked
// recursively through webkitGetAsEntry), the file picker, and the folder picker
// (showDirectoryPicker where the browser has it, else <input webkitdirectory>).
// Every entry comes out as {file: File, path: 'folder/sub/name.wav'}.

import { labeller } from '../core/labels.js';

const AUDIO_EXT = new Set([
  'wav',
  'wave',
  'bwf',
  'aif',
  'aiff',
  'aifc',
  'flac',
  'ogg',
  'oga',
  'opus',
  'mp3',
  'm4a',
  'mp4',
  'aac',
  'webm',
  'weba',
  'caf',
  'au',
  'snd',
]);

/** True for the model files the page accepts with the sounds (YAMNet .tflite, sonomap .smnn). */
export function isModelName(name) {
  return /\.(tflite|smnn)$/i.test(name);
}

/** True for a labels file given with the sounds ("file,label" CSV or TSV). */
export function isLabelsFile(name) {
  return /\.(csv|tsv)$/i.test(name);
}

/** True when a name looks like audio by its extension. */
export function isAudioName(name) {
  const m = /\.([^./\\]+)$/.exec(name);
  return !!m && AUDIO_EXT.has(m[1].toLowerCase());
}

const hidden = (name) => name.startsWith('.') || name === 'Thumbs.db' || name === 'desktop.ini';

/** Files named one by one are all tried (a wrong name still gets a reason); files found inside
 *  folders are kept only when they look like audio, and hidden files are ignored. Model files
 *  (.tflite, .smnn) and labels files (.csv, .tsv) come apart. Returns {entries, skipped,
 *  models, labelFiles} sorted by path. */
function finish(list) {
  const entries = [];
  const models = [];
  const labelFiles = [];
  let skipped = 0;
  const seen = new Set();
  for (const e of list) {
    const base = e.path.split('/').pop();
    if (isModelName(base)) {
      models.push({ file: e.file, path: e.path });
      continue;
    }
    if (isLabelsFile(base) && !hidden(base)) {
      labelFiles.push({ file: e.file, path: e.path });
      continue;
    }
    if (e.fromFolder && (hidden(base) || !(isAudioName(base) || /^audio\//.test(e.file.type)))) {
      if (!hidden(base)) skipped++;
      continue;
    }
    if (seen.has(e.path)) continue;
    seen.add(e.path);
    entries.push({ file: e.file, path: e.path });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entries, skipped, models, labelFiles };
}

/** From an <input type=file> (plain or webkitdirectory). */
export function filesFromInput(input) {
  const list = [];
  for (const file of input.files || []) {
    const rel = file.webkitRelativePath || '';
    list.push({ file, path: rel || file.name, fromFolder: rel.includes('/') });
  }
  return finish(list);
}

function readAllEntries(reader) {
  return new Promise((resolve, reject) => {
    const all = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walkEntry(entry, list, fromFolder) {
  if (entry.isFile) {
    try {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      list.push({ file, path: entry.fullPath.replace(/^\/+/, ''), fromFolder });
    } catch {
      /* unreadable entry (permissions, vanished): nothing to analyse */
    }
  } else if (entry.isDirectory) {
    if (hidden(entry.name)) return;
    let children = [];
    try {
      children = await readAllEntries(entry.createReader());
    } catch {
      return;
    }
    for (const c of children) await walkEntry(c, list, true);
  }
}

/** From a drop event's DataTransfer. Must be called synchronously inside the drop handler (the
 *  entries are taken before the first await). */
export function filesFromDrop(dt) {
  const entries = [];
  const plain = [];
  for (const item of dt.items || []) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) plain.push(f);
    }
  }
  if (entries.length === 0 && plain.length === 0) for (const f of dt.files || []) plain.push(f);
  return (async () => {
    const list = plain.map((file) => ({ file, path: file.name, fromFolder: false }));
    for (const e of entries) await walkEntry(e, list, false);
    return finish(list);
  })();
}

async function walkHandle(dir, prefix, list) {
  for await (const handle of dir.values()) {
    if (hidden(handle.name)) continue;
    const path = `${prefix}/${handle.name}`;
    if (handle.kind === 'file') {
      try {
        list.push({ file: await handle.getFile(), path, fromFolder: true });
      } catch {
        /* gone */
      }
    } else await walkHandle(handle, path, list);
  }
}

/** Asks for a folder. Resolves to {entries, skipped}, or null when the person cancelled. Falls
 *  back to clicking the given <input webkitdirectory> (its change event then does the rest, and
 *  this resolves to null). */
export async function pickFolder(fallbackInput) {
  if (typeof window.showDirectoryPicker === 'function') {
    let dir;
    try {
      dir = await window.showDirectoryPicker({ mode: 'read' });
    } catch (e) {
      if (e && e.name === 'AbortError') return null;
      fallbackInput.click();
      return null;
    }
    const list = [];
    await walkHandle(dir, dir.name, list);
    return finish(list);
  }
  fallbackInput.click();
  return null;
}

/** Drag-and-drop anywhere on `target`. onDragState(true|false) toggles the drop overlay;
 *  onFiles(promise of {entries, skipped}) receives what was dropped. */
export function wireDrop(target, { onDragState, onFiles }) {
  let depth = 0;
  const hasFiles = (e) => e.dataTransfer && [...(e.dataTransfer.types || [])].includes('Files');
  target.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (depth++ === 0) onDragState(true);
  });
  target.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  target.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    if (--depth <= 0) {
      depth = 0;
      onDragState(false);
    }
  });
  target.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    onDragState(false);
    onFiles(filesFromDrop(e.dataTransfer));
  });
}

/** Labels for files given to the page, from their paths: a dataset's naming scheme when every
 *  name follows it (ESC-50, UrbanSound8K, NSynth); else the first folder below the folder they
 *  all share, when that makes at least two groups; else a sample library's name prefix
 *  ("bd_haus" → "bd", "sine-440" → "sine") when most files share theirs with others. '' = none. */
export function pathLabels(paths) {
  const none = paths.map(() => '');
  if (paths.length < 2) return none;
  for (const scheme of ['esc50', 'urbansound8k', 'nsynth']) {
    const f = labeller(scheme);
    if (paths.every((p) => f(p))) return paths.map(f);
  }
  const dirs = paths.map((p) => p.split('/').slice(0, -1));
  let common = 0;
  while (common < dirs[0].length && dirs.every((d) => d[common] === dirs[0][common])) common++;
  const byFolder = dirs.map((d) => (d.length > common ? d[common] : ''));
  if (new Set(byFolder.filter(Boolean)).size >= 2) return byFolder;
  const prefix = paths.map((p) => {
    const m = /^([A-Za-z]+)[_\-\s.]/.exec(p.split('/').pop());
    return m ? m[1].toLowerCase() : '';
  });
  const counts = new Map();
  for (const l of prefix) if (l) counts.set(l, (counts.get(l) || 0) + 1);
  const grouped = prefix.filter((l) => l && counts.get(l) > 1).length;
  const groups = [...counts.values()].filter((c) => c > 1).length;
  if (
    groups >= 2 &&
    groups <= Math.max(2, Math.min(24, paths.length / 2)) &&
    grouped >= 0.7 * paths.length
  ) {
    return prefix.map((l) => (l && counts.get(l) > 1 ? l : ''));
  }
  return none;
}
