// dataset-columns.js — the compact form of a big map's dataset folder (README "The dataset
// folder"): past BIG_MAP_ROWS rows, per-row numbers are not written into projections.json (a
// million rows of them are over a hundred MB of JSON, seconds to parse) but as float32 .npy
// files named in config.json: each layout (`layoutFiles: {name: file}`) and the numeric
// metadata columns in one matrix (`columns: {file, names}`); the file names are files.txt's
// lines. projections.json keeps what is not per-row numbers (label names, tags, predictions).
import { npyDecode } from './npy.js';

/** Maps with this many rows or more are written in the compact form, get streamed sprite
 *  sheets from the CLI (`--sprite-cells auto`) and open in points mode on the page. */
export const BIG_MAP_ROWS = 50000;

/** The numeric metadata columns, in the order of the matrix. */
export const COLUMN_NAMES = [
  'labels',
  's_centroid',
  's_rolloff',
  's_bandwidth',
  'rms',
  'zcr',
  'duration',
  'start',
  'length',
  'clip_start',
  'clip_duration',
  'cluster',
];
export const COLUMNS_FILE = 'columns.npy';
export const layoutFile = (name) => `layout-${name}.npy`;

/** The compact parts of model m (buildDataset's input; labelIndex: label → its number):
 *  {metadata (projections.json's), config: {layoutFiles, columns}, binary: {file: {data, shape}}}. */
export function compactParts(m, layouts, labelIndex) {
  const n = m.items.length;
  const k = COLUMN_NAMES.length;
  const cols = new Float32Array(n * k);
  m.items.forEach((it, i) => {
    const row = [
      it.label ? labelIndex.get(it.label) : -1,
      ...[0, 1, 2, 3, 4, 5].map((j) => it.descriptors?.[j] ?? 0),
      it.start ?? 0,
      it.length ?? 0,
      it.clipStart ?? 0,
      it.clipDuration ?? 0,
      it.cluster ?? -1,
    ];
    cols.set(row, i * k);
  });
  const binary = { [COLUMNS_FILE]: { data: cols, shape: [n, k] } };
  const layoutFiles = {};
  for (const [name, arr] of Object.entries(layouts)) {
    const dims = name.endsWith('3d') ? 3 : 2;
    layoutFiles[name] = layoutFile(name);
    binary[layoutFile(name)] = {
      data: Float32Array.from(arr.subarray(0, n * dims)),
      shape: [n, dims],
    };
  }
  const metadata = {};
  if (m.items.some((it) => it.tags?.length)) metadata.tags = m.items.map((it) => it.tags ?? []);
  return {
    metadata,
    config: { layoutFiles, columns: { file: COLUMNS_FILE, names: COLUMN_NAMES } },
    binary,
  };
}

/** config.json's compact-form entries checked: {layouts: {name: file}, columns: {file, names}
 *  or null}, or null when the folder is not in the compact form. */
export function compactConfig(cfg) {
  const lf = cfg?.layoutFiles;
  if (!lf || typeof lf !== 'object' || Array.isArray(lf)) return null;
  const layouts = {};
  for (const [name, f] of Object.entries(lf))
    if (name !== '__proto__' && typeof f === 'string') layouts[name] = f;
  const c = cfg.columns;
  const columns =
    c &&
    typeof c.file === 'string' &&
    Array.isArray(c.names) &&
    c.names.every((s) => typeof s === 'string')
      ? { file: c.file, names: c.names }
      : null;
  return { layouts, columns };
}

/** A folder in the compact form: its layouts, columns and file names read (get(name) → Blob
 *  or null; raw: a Map the Blobs read are added to; checkName(name, what) refuses names off
 *  the folder), each checked against the first layout's rows; → parseDataset's bin. Throws
 *  naming the file. */
export async function readCompact(compact, config, get, raw, checkName = (name) => name) {
  const npy = async (name, what) => {
    checkName(name, what);
    const blob = await get(name);
    if (!blob) throw new Error(`${name} is missing (config.json names it)`);
    raw.set(name, blob);
    return npyDecode(new Uint8Array(await blob.arrayBuffer()), name);
  };
  const layouts = {};
  let n = -1;
  for (const [key, file] of Object.entries(compact.layouts)) {
    const { data, shape } = await npy(file, `the layout ${key}`);
    const dims = key.endsWith('3d') ? 3 : 2;
    if (shape.length !== 2 || shape[1] !== dims)
      throw new Error(`${file} is ${shape.join(' x ')}, expected N x ${dims} (layout ${key})`);
    if (n >= 0 && shape[0] !== n)
      throw new Error(`${file} has ${shape[0]} rows but the other layouts have ${n}`);
    n = shape[0];
    layouts[key] = data;
  }
  if (n < 0) throw new Error('config.json names no layout file (layoutFiles is empty)');
  let data = null;
  if (compact.columns) {
    const c = await npy(compact.columns.file, 'the columns');
    if (c.shape[0] !== n || c.shape[1] !== compact.columns.names.length)
      throw new Error(
        `${compact.columns.file} is ${c.shape.join(' x ')}, expected ${n} x ${compact.columns.names.length}`,
      );
    data = c.data;
  }
  let filenames = null;
  if (typeof config.files === 'string') {
    const name = checkName(config.files, 'the file list');
    const txt = await get(name);
    if (!txt) throw new Error(`${name} is missing (config.json names it)`);
    raw.set(name, txt);
    filenames = (await txt.text()).split('\n');
    while (filenames.length && filenames.at(-1).trim() === '') filenames.pop();
    if (filenames.length !== n)
      throw new Error(`${name} lists ${filenames.length} files but the layouts have ${n} rows`);
  }
  return { n, layouts, columns: compact.columns, data, filenames };
}

/** The matrix of columns (data: n x names.length) as {name: Float32Array(n)}. */
export function splitColumns(data, n, names) {
  const k = names.length;
  const out = {};
  names.forEach((name, j) => {
    if (name === '__proto__') return;
    const col = new Float32Array(n);
    for (let i = 0; i < n; i++) col[i] = data[i * k + j];
    out[name] = col;
  });
  return out;
}
