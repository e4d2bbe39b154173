// resume.js — an analysis interrupted by a reload or a closed tab picks up where it stopped:
// every file's analysis result (the worker's answer) is kept in IndexedDB under a key made of
// the file's path, size and date and what the analysis was asked for (window, features, model,
// tile size). When the same files are given again the kept results are used instead of
// analysing them again; once the map is made the kept results are dropped (the saved map
// keeps what matters).
import { deleteResults, getResults, putResult } from './saved-store.js';

/** The key of one file's result for these options (modelId: '' when no model). */
export function resultKey(entry, opts, modelId) {
  const f = entry.file;
  return [
    entry.path,
    f.size,
    f.lastModified,
    opts.mode,
    opts.feature,
    opts.clipSeconds,
    opts.tile,
    opts.label ?? '',
    modelId,
  ].join('|');
}

/** The kept results for `keys` (null where none); all null when the store cannot be read. */
export async function keptResults(keys) {
  try {
    return await getResults(keys);
  } catch {
    return keys.map(() => null);
  }
}

/** Keeps one result; a full disk or a missing IndexedDB only means no resume for this file. */
export function keepResult(key, part) {
  try {
    putResult(key, part).catch(() => {});
  } catch {
    /* not kept */
  }
}

export function forgetResults(keys) {
  return deleteResults(keys).catch(() => {});
}
