// saved-store.js — the browser's IndexedDB, used directly (no wrapper library): saved maps (a
// row of {id, name, count, date, bytes} in 'maps' and their dataset files, name → Blob, in
// 'files') and the per-file analysis results an interrupted analysis resumes from ('results',
// keyed by analysis.js's resultKey). Every call resolves or rejects with the browser's error
// (QuotaExceededError when the disk is full).

const DB = 'sonomap';
let dbPromise = null;

function db() {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const d = req.result;
      d.createObjectStore('maps', { keyPath: 'id' });
      d.createObjectStore('files');
      d.createObjectStore('results');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('the saved maps are open in an older tab'));
  });
  dbPromise.catch(() => {
    dbPromise = null;
  });
  return dbPromise;
}

/** Runs fn(stores) in one transaction over `names`; resolves fn's result once it commits. */
async function tx(names, mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    let t;
    let out;
    try {
      t = d.transaction(names, mode);
      out = fn(...names.map((n) => t.objectStore(n)));
    } catch (e) {
      reject(e);
      return;
    }
    t.oncomplete = () => resolve(out?.req ? out.req.result : out);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new Error('the transaction was aborted'));
  });
}

const wrap = (req) => ({ req });

/** Saved maps, newest first: [{id, name, count, date, bytes}]. */
export async function listMaps() {
  const rows = await tx(['maps'], 'readonly', (m) => wrap(m.getAll()));
  return rows.sort((a, b) => b.date - a.date);
}

/** Keeps a map: meta {name, count}, files [[name, Blob]]. Resolves its id. Both rows are written
 *  in one transaction (a full disk leaves neither). */
export async function saveMap(meta, files) {
  const bytes = files.reduce((s, [, b]) => s + b.size, 0);
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  await tx(['maps', 'files'], 'readwrite', (m, f) => {
    m.put({ ...meta, id, date: Date.now(), bytes });
    f.put(Object.fromEntries(files), id);
  });
  return id;
}

/** A saved map's files as a Map name → Blob, or null when it is gone. */
export async function mapFiles(id) {
  const rec = await tx(['files'], 'readonly', (f) => wrap(f.get(id)));
  return rec ? new Map(Object.entries(rec)) : null;
}

export async function renameMap(id, name) {
  await tx(['maps'], 'readwrite', (m) => {
    const req = m.get(id);
    req.onsuccess = () => {
      if (req.result) m.put({ ...req.result, name });
    };
  });
}

export async function deleteMap(id) {
  await tx(['maps', 'files'], 'readwrite', (m, f) => {
    m.delete(id);
    f.delete(id);
  });
}

export function getResults(keys) {
  return tx(['results'], 'readonly', (r) => {
    const out = new Array(keys.length).fill(null);
    keys.forEach((k, i) => {
      const req = r.get(k);
      req.onsuccess = () => {
        out[i] = req.result ?? null;
      };
    });
    return out;
  });
}

export function putResult(key, value) {
  return tx(['results'], 'readwrite', (r) => {
    r.put(value, key);
  });
}

export function deleteResults(keys) {
  return tx(['results'], 'readwrite', (r) => {
    for (const k of keys) r.delete(k);
  });
}
