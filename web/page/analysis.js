// analysis.js — sounds in: the files a person gives go through the analysis worker pool (the
// browser's own decoder on the page for what neither the engine nor WebCodecs reads), then
// become the map's model and are projected.
import {
  DEFAULT_CLIP_SECONDS,
  joinSpriteclip,
  needsModel,
  withoutModel,
} from '../core/features.js';
import { analysisBatch, DEFAULT_MODEL, SEED, SPRITECLIP_RATE } from '../core/policy.js';
import { buildAtlas } from '../view/atlas.js';
import { labelColors } from '../view/legend.js';
import { poolSize, WorkerPool } from '../workers/pool.js';
import { player, progress, ui } from './context.js';
import { loadZip } from './dataset-loading.js';
import { decodeInPage } from './decode.js';
import { pathLabels } from './files.js';
import { labelMap, labelsFromTables, readLabelFiles } from './label-files.js';
import { projectModel, reset, showEmpty } from './mapping.js';
import { refreshPredictions } from './predictions.js';
import { reason } from './progress.js';
import { forgetResults, keepResult, keptResults, resultKey } from './resume.js';
import { saveCurrentMap } from './saved-maps.js';
import { projector, shippedModel, wasmModule } from './services.js';
import { state } from './state.js';

async function analyzeOne(pool, entry, opts) {
  state.analysed++;
  try {
    return await pool.run({ type: 'file', file: entry.file, path: entry.path, opts });
  } catch (err) {
    if (!err.needsBrowserDecode) throw err;
    return analyzeDecoded(pool, entry, opts, err.message);
  }
}

/** A file neither the engine nor WebCodecs read: decoded here by the browser, analysed as PCM. */
async function analyzeDecoded(pool, entry, opts, why) {
  let pcm;
  try {
    pcm = await decodeInPage(entry.file);
  } catch (e) {
    throw new Error(`${why}; the browser could not decode it either (${e.message})`);
  }
  return pool.run(
    { type: 'pcm', channels: pcm.channels, rate: pcm.rate, path: entry.path, opts },
    pcm.channels.map((c) => c.buffer),
  );
}

/** A dropped/picked model file: kept for this and later maps (every analysis worker loads it). */
async function takeModel(models) {
  const f = models[models.length - 1];
  try {
    state.modelFile = {
      name: f.path.split('/').pop(),
      bytes: new Uint8Array(await f.file.arrayBuffer()),
    };
  } catch (e) {
    state.modelFile = null;
    progress.message(`${f.path}: could not be read (${reason(e)})`);
  }
}

export async function analyze(found) {
  let { entries, skipped, models, labelFiles } = await found;
  if (labelFiles?.length && !entries.length && !models?.length) return labelMap(labelFiles);
  // A dataset folder as one .zip (an export): opened as a map, not analysed.
  if (entries.length && entries.every((e) => /\.zip$/i.test(e.path))) {
    if (await loadZip(entries[0].file)) saveCurrentMap();
    return;
  }
  if (models?.length) {
    await takeModel(models);
    if (!entries.length && state.modelFile) {
      // Only a model: re-map the current sounds with it, or wait for sounds.
      if (state.entries?.length && state.model?.X) entries = state.entries;
      else {
        progress.message(
          `Model ${state.modelFile.name} is ready: drop sounds to map them by its embeddings`,
        );
        return;
      }
    }
  }
  // labels files given now, else (the same sounds analysed again) the ones given with them
  const tables = labelFiles?.length
    ? await readLabelFiles(labelFiles)
    : entries === state.entries
      ? state.labelTables
      : null;
  const run = reset();
  state.entries = entries;
  state.labelTables = tables;
  const mode = ui.mode.value;
  if (entries.length === 0) {
    progress.message(
      skipped
        ? `No audio files there (${skipped} other file${skipped === 1 ? '' : 's'} skipped)`
        : 'No files there. Drop sound files or a folder of them.',
    );
    showEmpty(true);
    return;
  }
  showEmpty(false);
  progress.startAnalysis(entries.length);
  let module;
  try {
    module = await wasmModule();
  } catch (e) {
    progress.message(`The analysis engine could not be loaded: ${reason(e)}`);
    return;
  }
  if (run !== state.run) return;
  let labels = pathLabels(entries.map((e) => e.path));
  if (tables?.length)
    labels = labelsFromTables(
      tables,
      entries.map((e) => e.path),
      labels,
    );
  // The model: a dropped one, else the shipped sonomap-s, when the features need one. Each is
  // tried by the pool's first worker before any file goes out: a dropped model that does not
  // load is reported and the shipped one takes its place; when that cannot be had either, the
  // map is made from fingerprints with a notice.
  let features = ui.features.value;
  let modelFile = null;
  let pool = null;
  const makePool = (bytes) =>
    new WorkerPool(
      new URL('./analysis-worker.js', import.meta.url),
      module,
      poolSize(entries.length),
      bytes,
    );
  const tryModel = async (m) => {
    const p = makePool(m.bytes);
    const { error, info } = await p.modelStatus;
    if (error && !p.initError) {
      p.close();
      return error;
    }
    pool = p;
    modelFile = { name: m.name, info, size: m.bytes.length };
    return null;
  };
  if (needsModel(features)) {
    if (state.modelFile) {
      const dropped = state.modelFile;
      const error = await tryModel(dropped);
      if (error) {
        state.modelFile = null;
        progress.fail(
          dropped.name,
          `${error} — the map uses the shipped model ${DEFAULT_MODEL.name} instead`,
        );
      }
    }
    if (!pool) {
      let error;
      try {
        error = await tryModel(await shippedModel());
      } catch (e) {
        error = reason(e);
      }
      if (error) {
        progress.message(
          `The shipped model ${DEFAULT_MODEL.file} could not be loaded (${error}): mapping by ${withoutModel(features)} features instead`,
        );
        progress.startAnalysis(entries.length);
        features = withoutModel(features);
        progress.note(`no model: ${features} features`);
      }
    }
    if (run !== state.run) {
      pool?.close();
      return;
    }
  }
  pool ??= makePool(null);
  if (modelFile) progress.note(`${modelFile.name} embeddings`);
  const opts = {
    mode,
    feature: features,
    clipSeconds: DEFAULT_CLIP_SECONDS,
    tile: mode === 'long' ? 32 : 64,
  };
  state.pool = pool;
  projector(module); // starts its worker while the files are analysed
  const parts = new Array(entries.length).fill(null);
  // Files analysed before a reload or a closed tab: their kept results (resume.js).
  const modelId = modelFile ? `${modelFile.name}:${modelFile.size}` : '';
  const keys = entries.map((e, i) => resultKey(e, { ...opts, label: labels[i] }, modelId));
  const kept = await keptResults(keys);
  if (run !== state.run) return;
  const settle = (i, part, err, fromStore = false) => {
    if (run !== state.run) return;
    if (!err && !part.items.length) err = new Error('no sound came out of the analysis');
    if (err) {
      progress.fail(entries[i].path, reason(err));
      progress.fileDone(false);
      return;
    }
    parts[i] = part;
    if (!fromStore) keepResult(keys[i], part);
    state.decodedBy[part.decodedBy] = (state.decodedBy[part.decodedBy] ?? 0) + 1;
    progress.fileDone(true);
  };
  // With a model, whole clips go to the workers a few at a time so their patches are embedded
  // in one batch; otherwise (and in long mode, where one file is already many patches) singly.
  kept.forEach((part, i) => {
    if (part) settle(i, part, null, true);
  });
  state.reused = kept.filter(Boolean).length;
  if (state.reused)
    ui.announce.textContent = `${state.reused} of ${entries.length} files reused from an earlier analysis`;
  const todo = entries.map((_e, i) => i).filter((i) => !kept[i]);
  const batch = analysisBatch(todo.length, pool.size, { model: !!modelFile, mode });
  const jobs = [];
  for (let i = 0; i < todo.length; i += batch) jobs.push(todo.slice(i, i + batch));
  state.jobSizes = jobs.map((j) => j.length);
  await Promise.all(
    jobs.map(async (idx) => {
      if (idx.length === 1) {
        const i = idx[0];
        try {
          settle(i, await analyzeOne(pool, entries[i], { ...opts, label: labels[i] }));
        } catch (err) {
          settle(i, null, err);
        }
        return;
      }
      let results;
      state.analysed += idx.length;
      try {
        ({ results } = await pool.run({
          type: 'files',
          files: idx.map((i) => ({
            file: entries[i].file,
            path: entries[i].path,
            label: labels[i],
          })),
          opts,
        }));
      } catch (err) {
        // A worker that died on one of them: each file again on its own, so only that one fails.
        const retry = /^the analysis stopped/.test(err.message);
        await Promise.all(
          idx.map(async (i) => {
            if (!retry) return settle(i, null, err);
            try {
              settle(i, await analyzeOne(pool, entries[i], { ...opts, label: labels[i] }));
            } catch (e) {
              settle(i, null, e);
            }
          }),
        );
        return;
      }
      await Promise.all(
        results.map(async (r, k) => {
          const i = idx[k];
          if (r.ok) return settle(i, r.result);
          if (!r.needsBrowserDecode) return settle(i, null, new Error(r.error));
          try {
            settle(
              i,
              await analyzeDecoded(pool, entries[i], { ...opts, label: labels[i] }, r.error),
            );
          } catch (err) {
            settle(i, null, err);
          }
        }),
      );
    }),
  );
  if (run !== state.run) return;
  pool.close();
  state.pool = null;
  const good = parts.filter(Boolean);
  if (good.length === 0) {
    progress.message(`No sounds could be analysed · ${progress.failures.length} failed`);
    showEmpty(true);
    return;
  }
  const more = (t) => progress.note([progress.extra, t].filter(Boolean).join(' · '));
  if (skipped) more(`${skipped} non-audio file${skipped === 1 ? '' : 's'} skipped`);
  if (state.reused) more(`${state.reused} reused from an earlier analysis`);
  const model = modelFromParts(good, mode, features, modelFile);
  state.model = model;
  refreshPredictions();
  player.setAudio(model.audio.buffer, SPRITECLIP_RATE);
  ui.exportBtn.disabled = false;
  await projectModel(ui.projection.value);
  // The analysis is over: its kept results were only for resuming it.
  forgetResults(keys);
  if (run !== state.run || !state.model?.mainLayout) return;
  await saveCurrentMap();
}

function modelFromParts(parts, mode, features, modelFile) {
  // config.json's model: {name, file, kind, embedding, classes} (the shipped one's name, else
  // the dropped file's)
  const shipped = modelFile?.name === DEFAULT_MODEL.name;
  const modelInfo = modelFile && {
    name: modelFile.name,
    file: shipped ? DEFAULT_MODEL.file.split('/').pop() : modelFile.name,
    ...(modelFile.info ?? {}),
  };
  const audio = joinSpriteclip(parts, SPRITECLIP_RATE);
  const items = [];
  const tiles = [];
  const paths = [];
  const tile = parts[0].tile;
  const tileBytes = tile * tile * 4;
  for (const p of parts) {
    const path = [];
    p.items.forEach((it, k) => {
      path.push(items.length);
      items.push(it);
      tiles.push(p.tiles.subarray(k * tileBytes, (k + 1) * tileBytes));
    });
    if (mode === 'long' && path.length > 1) paths.push(path);
  }
  const d = items[0].features.length;
  const X = new Float32Array(items.length * d);
  items.forEach((it, i) => {
    X.set(it.features, i * d);
    delete it.features;
  });
  const atlas = buildAtlas(tiles, tile);
  const dirName = state.entries[0]?.path.split('/')[0] || 'sounds';
  return {
    name:
      state.entries.length > 1 && state.entries.every((e) => e.path.startsWith(`${dirName}/`))
        ? dirName
        : 'sounds',
    generator: 'sonomap page',
    mode,
    features,
    seed: SEED,
    model: modelInfo,
    items,
    layouts: {},
    mainLayout: null,
    sprite: {
      canvas: atlas.canvas,
      tile: atlas.tile,
      cols: atlas.cols,
      count: items.length,
      file: 'sprite.png',
    },
    audio: { buffer: audio, rate: SPRITECLIP_RATE, samples: audio.length, file: 'audio.wav' },
    failed: progress.failures.slice(),
    X,
    d,
    paths,
    unit: mode === 'long' ? 'moment' : 'sound',
    labelInfo: labelColors(items.map((it) => it.label || '')),
  };
}
