// export.js — writes the map on the page as a dataset folder (README "The dataset folder"), the
// same files the CLI writes, so it can be published and opened again with ?dataset= or by
// dropping it. Where the browser can write to a folder (showDirectoryPicker) the files go into a
// new folder named after the map inside the one the person picks; elsewhere the folder comes as
// one .zip download (dataset-zip.js). datasetFiles() is also what a saved map keeps.
import { buildDataset } from '../core/dataset.js';
import { npyEncode } from '../core/npy.js';
import { WorkerPool } from '../workers/pool.js';
import { zipFiles } from './dataset-zip.js';

async function encodeWav(wasm, samples, rate) {
  const pool = new WorkerPool(new URL('./analysis-worker.js', import.meta.url), wasm, 1);
  try {
    const copy = samples.slice();
    return (await pool.run({ type: 'wav', audio: copy, rate }, [copy.buffer])).bytes;
  } finally {
    pool.close();
  }
}

export const safeName = (s) =>
  String(s || 'sonomap-map')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+/, '') || 'sonomap-map';

/** The last dataset export: {kind: 'zip' | 'folder', name, names, bytes}, or null. */
export let lastDatasetExport = null;

/** The labels and predicted labels of a map's points, as one string to compare. */
export const labelKey = (items) =>
  JSON.stringify(items.map((it) => [it.label || '', it.predicted?.label ?? null]));

const jsonBlob = (v) => new Blob([JSON.stringify(v)], { type: 'application/json' });

/** A loaded map whose labels changed on the page (a labels file, confirmed predictions): its
 *  config.json, projections.json and labels.tsv say the new ones; the rest stays as read. */
async function relabel(model, files) {
  const built = buildDataset({
    ...model,
    compact: false, // labels as JSON (they win over a compact folder's columns)
    layouts: {},
    mainLayout: null,
    sprite: null,
    audio: null,
  });
  const cfg = files.get('config.json');
  const config = cfg ? JSON.parse(await cfg.text()) : {};
  const proj = JSON.parse(await files.get('projections.json').text());
  const md = proj.metadata ?? {};
  proj.metadata = md;
  const bm = built.projections.metadata;
  md.labels = bm.labels;
  md.labelnames = bm.labelnames;
  delete md.predicted;
  delete md.predicted_confidence;
  if (bm.predicted) {
    md.predicted = bm.predicted;
    md.predicted_confidence = bm.predicted_confidence;
  }
  delete config.prediction;
  if (built.config.prediction) config.prediction = built.config.prediction;
  config.labels = typeof config.labels === 'string' ? config.labels : 'labels.tsv';
  files.set('config.json', jsonBlob(config));
  files.set('projections.json', jsonBlob(proj));
  files.set(config.labels, new Blob([built.labelsTsv], { type: 'text/tab-separated-values' }));
}

/** The map's dataset folder as [[name, Blob]]. A map opened from a dataset (a folder, a zip, a
 *  saved map) gives back the files it was read from, byte for byte. */
export async function datasetFiles(model, { wasm, say = () => {} }) {
  if (model.sourceFiles) {
    // files the folder names but the page did not need (embeddings.npy of a ?dataset= map)
    for (const name of model.sourceNames ?? [])
      if (!model.sourceFiles.has(name)) {
        say(`reading ${name}…`);
        const blob = await model.source.get(name).catch(() => null); // offline: left out
        if (blob) model.sourceFiles.set(name, blob);
      }
    const files = new Map(model.sourceFiles);
    if (labelKey(model.items) !== model.loadedLabels)
      await relabel(model, files).catch((e) => {
        say(`the new labels could not be written (${e.message}); the folder as it was read`);
      });
    return [...files].filter(([, b]) => b);
  }
  say('encoding the spriteclip…');
  const wav = await encodeWav(wasm, model.audio.buffer, model.audio.rate);
  say('writing the sprite sheet…');
  const png = await new Promise((resolve, reject) =>
    model.sprite.canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('the sprite sheet could not be encoded'))),
      'image/png',
    ),
  );
  const { config, projections, filesTxt, labelsTsv, audioSprites } = buildDataset({
    ...model,
    compact: false,
    created: new Date().toISOString(),
  });
  const n = model.items.length;
  const files = [
    ['config.json', new Blob([JSON.stringify(config, null, 1)], { type: 'application/json' })],
    ['projections.json', new Blob([JSON.stringify(projections)], { type: 'application/json' })],
    ['sprite.png', png],
    ['audio.wav', new Blob([wav], { type: 'audio/wav' })],
    ['files.txt', new Blob([filesTxt], { type: 'text/plain' })],
    ['labels.tsv', new Blob([labelsTsv], { type: 'text/tab-separated-values' })],
  ];
  if (audioSprites)
    files.push([
      'audio-sprites.json',
      new Blob([JSON.stringify(audioSprites)], { type: 'application/json' }),
    ]);
  if (model.X) files.push(['embeddings.npy', new Blob([npyEncode(model.X, [n, model.d])])]);
  return files;
}

/** Returns where the files went (a description), or null when the person cancelled. */
export async function exportDataset(model, { wasm, say = () => {} }) {
  let dir = null;
  if (typeof window.showDirectoryPicker === 'function') {
    try {
      dir = await window.showDirectoryPicker({ mode: 'readwrite', id: 'sonomap-export' });
    } catch (e) {
      if (e?.name === 'AbortError') return null;
      dir = null; // not allowed here: fall back to a zip
    }
  }
  const files = await datasetFiles(model, { wasm, say: (t) => say(`Exporting the map: ${t}`) });
  const folder = safeName(model.name);
  const names = files.map(([name]) => name);
  if (dir) {
    const sub = await dir.getDirectoryHandle(folder, { create: true });
    for (const [name, blob] of files) {
      say(`Exporting the map: ${name}…`);
      const w = await (await sub.getFileHandle(name, { create: true })).createWritable();
      await w.write(blob);
      await w.close();
    }
    lastDatasetExport = { kind: 'folder', name: folder, names, bytes: 0 };
    return `${dir.name}/${folder}/`;
  }
  say('Exporting the map: writing the zip…');
  const zip = await zipFiles(files, folder);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(zip);
  a.download = `${folder}.zip`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  lastDatasetExport = { kind: 'zip', name: `${folder}.zip`, names, bytes: zip.size };
  return `your downloads (${folder}.zip)`;
}
