// dataset-loading.js — a dataset folder opened as a map: ?dataset=<folder> on this site, a
// dropped .zip of one, or a saved map (dataset-source.js reads all three the same way and
// names the file when something is wrong). The files read are kept with the model
// (model.sourceFiles), so export and saving write the same bytes again.

import { BIG_MAP_ROWS } from '../core/dataset-columns.js';
import { httpSource, readDataset, spriteProblem, zipSource } from '../core/dataset-source.js';
import { datasetBase, fetchSprite } from '../core/fetch-dataset.js';
import { SPRITECLIP_RATE } from '../core/policy.js';
import { timePaths } from '../core/timepath.js';
import { placeholderSprite } from '../view/atlas.js';
import { labelColors } from '../view/legend.js';
import { WorkerPool } from '../workers/pool.js';
import { player, progress, ui } from './context.js';
import { decodeInPage } from './decode.js';
import { labelKey } from './export.js';
import { reset, showEmpty, showLayout } from './mapping.js';
import { loadFeatureRows, refreshPredictions } from './predictions.js';
import { reason } from './progress.js';
import { showQuality } from './quality.js';
import { wasmModule } from './services.js';
import { refreshSimilar } from './similar.js';
import { startSpriteStream } from './sprite-stream.js';
import { state } from './state.js';

export async function loadDataset(param) {
  let source;
  try {
    source = httpSource(datasetBase(param));
  } catch (e) {
    reset();
    progress.message(
      `Could not open the map ${param}: ${reason(e)}. Drop sounds here to make a new map.`,
    );
    showEmpty(true);
    return false;
  }
  return openSource(source, param);
}

/** A dropped .zip (a File) of a dataset folder. */
export async function loadZip(file) {
  let source;
  try {
    source = zipSource(new Uint8Array(await file.arrayBuffer()), file.name);
  } catch (e) {
    reset();
    progress.message(`Could not open ${file.name}: ${reason(e)}`);
    showEmpty(true);
    return false;
  }
  return openSource(source, file.name);
}

async function spriteFrom(found, model, n, notes, raw, cells) {
  if (model.sprite.cells) {
    // streamed sheets (sprite-stream.js): points, tiles fetched when zoomed in
    if (cells?.problem) notes.push(`${cells.problem} (drawn as points)`);
    return { ...placeholderSprite(n), points: true };
  }
  if (!found && n >= BIG_MAP_ROWS) return { ...placeholderSprite(n), points: true };
  if (model.sprite.sheets) {
    // several sheets, drawn into one atlas (fetch-dataset.js)
    try {
      return await fetchSprite(
        (f) => {
          if (!raw.has(f)) throw new Error(`${f} is missing`);
          return URL.createObjectURL(raw.get(f));
        },
        model.sprite,
        n,
      );
    } catch (e) {
      notes.push(`${reason(e)} (plain tiles shown)`);
      return placeholderSprite(n);
    }
  }
  if (!found) {
    notes.push('no sprite sheet');
    return placeholderSprite(n);
  }
  const img = new Image();
  img.src = URL.createObjectURL(found.blob);
  try {
    await img.decode();
  } catch {
    notes.push(`${found.name} is not an image that can be read (plain tiles shown)`);
    return placeholderSprite(n);
  }
  const cols = model.sprite.cols || Math.ceil(Math.sqrt(n));
  const bad = spriteProblem(
    found.name,
    img.naturalWidth,
    img.naturalHeight,
    n,
    cols,
    model.sprite.tile,
  );
  if (bad) {
    notes.push(`${bad} (plain tiles shown)`);
    return placeholderSprite(n);
  }
  return {
    image: img,
    cols,
    tile: model.sprite.tile || Math.floor(img.naturalWidth / cols),
    count: n,
  };
}

/** Opens a dataset source (dataset-source.js) as the map; `label` names it in the status.
 *  Resolves true when the map is shown. */
export async function openSource(source, label, { savedId = null } = {}) {
  const run = reset();
  state.entries = null;
  showEmpty(false);
  progress.message(`Loading the map ${label}…`);
  progress.busy(true);
  try {
    const ds = await readDataset(source, { embeddings: !source.head });
    const { model, config } = ds;
    const n = model.items.length;
    const notes = [];
    const sprite = await spriteFrom(ds.sprite, model, n, notes, ds.raw, ds.cells);
    if (run !== state.run) return false;
    const main = model.mainLayout;
    const dims = main.endsWith('3d') ? 3 : 2;
    const labels = model.items.map((it) => it.label || '');
    const q = model.quality;
    state.model = {
      ...model,
      sprite,
      X: null,
      features: config.features,
      // long recordings: their windows in time order (README "The dataset folder")
      paths: timePaths(model.items, config.mode),
      unit: config.mode === 'long' ? 'moment' : 'sound',
      mode: config.mode || 'clip',
      labelInfo: labelColors(labels),
      loadedFrom: label,
      sourceFiles: ds.raw,
      source,
      sourceNames: ds.names,
      savedId,
      loadedLabels: labelKey(model.items),
      loadedQuality:
        q && Number.isFinite(q.trustworthiness)
          ? { k: 10, labelAccuracy: NaN, layout: main, ...q }
          : null,
    };
    for (const f of model.failed || []) progress.fail(f.file, f.reason);
    fillProjectionChoices(model.layouts, main);
    showLayout(model.layouts[main], true, dims);
    if (model.sprite.cells && ds.cells?.index)
      startSpriteStream({
        cells: model.sprite.cells,
        index: ds.cells.index,
        source,
        tile: model.sprite.tile || 32,
        n,
      });
    showQuality(state.model.loadedQuality?.layout === main ? state.model.loadedQuality : null);
    ui.exportBtn.disabled = false;
    // The spriteclip, decoded by the engine in a worker (16 kHz mono), else by the browser.
    if (!ds.audio) notes.push('no sound (no spriteclip in the folder)');
    else
      try {
        const audio = await decodeSpriteclip(await ds.audio.blob.arrayBuffer());
        if (run !== state.run) return false;
        player.setAudio(audio.samples, audio.rate);
      } catch (e) {
        notes.push(`no sound (${ds.audio.name}: ${reason(e)})`);
      }
    if (run !== state.run) return false;
    // the feature rows similar sounds and label predictions use (predictions.js)
    if (source.base) loadFeatureRows(source.base, config, run);
    else if (ds.X) {
      state.model.loadedRows = { X: ds.X, d: ds.d };
      if (state.model.labelInfo && !model.items.some((it) => it.predicted)) refreshPredictions();
      else refreshSimilar();
    }
    progress.mapped(n, 'sound', [`loaded from ${label}`, ...notes].join(' · '));
    return true;
  } catch (e) {
    if (run !== state.run) return false;
    progress.message(
      `Could not open the map ${label}: ${reason(e)}. Drop sounds here to make a new map.`,
    );
    showEmpty(true);
    return false;
  }
}

async function decodeSpriteclip(bytes) {
  try {
    const module = await wasmModule();
    const pool = new WorkerPool(new URL('./analysis-worker.js', import.meta.url), module, 1);
    try {
      const r = await pool.run({ type: 'audio', bytes }, []);
      return { samples: r.audio, rate: SPRITECLIP_RATE };
    } finally {
      pool.close();
    }
  } catch (engineErr) {
    try {
      const pcm = await decodeInPage(new Blob([bytes]));
      return { samples: pcm.channels[0], rate: pcm.rate };
    } catch {
      throw engineErr;
    }
  }
}

function fillProjectionChoices(layouts, main) {
  const kinds = new Set(Object.keys(layouts).map((k) => k.replace(/-[23]d$/, '')));
  for (const o of ui.projection.options) o.disabled = !kinds.has(o.value);
  ui.dims.options[1].disabled = !Object.keys(layouts).some((k) => k.endsWith('-3d'));
  const mainKind = main.replace(/-[23]d$/, '');
  if (kinds.has(mainKind) && [...ui.projection.options].some((o) => o.value === mainKind))
    ui.projection.value = mainKind;
}
