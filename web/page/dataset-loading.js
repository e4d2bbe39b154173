// dataset-loading.js — ?dataset=<folder>: a dataset folder on this site (config.json,
// projections.json, the sprite sheet, the spriteclip) opened as a map.
import { parseDataset } from '../core/dataset.js';
import { SPRITECLIP_RATE } from '../core/policy.js';
import { timePaths } from '../core/timepath.js';
import { placeholderSprite } from '../view/atlas.js';
import { labelColors } from '../view/legend.js';
import { WorkerPool } from '../workers/pool.js';
import { player, progress, ui } from './context.js';
import { decodeInPage } from './decode.js';
import { reset, showEmpty, showLayout } from './mapping.js';
import { reason } from './progress.js';
import { showQuality } from './quality.js';
import { wasmModule } from './services.js';
import { state } from './state.js';

async function fetchOk(url, what) {
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${what} could not be fetched (${e.message})`);
  }
  if (!res.ok)
    throw new Error(
      `${what} ${res.status === 404 ? 'is missing' : 'could not be read'} (HTTP ${res.status})`,
    );
  return res;
}

async function fetchJson(url, what) {
  const res = await fetchOk(url, what);
  try {
    return await res.json();
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
}

/** The result of load(name) for the first name that loads; else the first name's error. */
async function firstThatLoads(names, load) {
  let first = null;
  for (const f of names) {
    try {
      return await load(f);
    } catch (e) {
      first ??= e;
    }
  }
  throw first ?? new Error('nothing to load');
}

export async function loadDataset(param) {
  const run = reset();
  showEmpty(false);
  const base = new URL(param.endsWith('/') ? param : `${param}/`, location.href);
  progress.message(`Loading the map ${param}…`);
  progress.busy(true);
  try {
    if (base.origin !== location.origin)
      throw new Error('only maps on this site can be opened (nothing is fetched from elsewhere)');
    const [config, proj] = await Promise.all([
      fetchJson(new URL('config.json', base), 'config.json'),
      fetchJson(new URL('projections.json', base), 'projections.json'),
    ]);
    const model = parseDataset(config, proj);
    const n = model.items.length;
    if (n === 0) throw new Error('it has no sounds');
    const notes = [];
    // The sprite sheet.
    let sprite;
    try {
      const img = new Image();
      await firstThatLoads(model.sprite.files, async (f) => {
        img.src = new URL(f, base).href;
        await img.decode();
      });
      const cols = model.sprite.cols || Math.ceil(Math.sqrt(n));
      sprite = {
        image: img,
        cols,
        tile: model.sprite.tile || Math.floor(img.naturalWidth / cols),
        count: n,
      };
    } catch {
      notes.push('no sprite sheet');
      sprite = placeholderSprite(n);
    }
    if (run !== state.run) return;
    const main = model.mainLayout;
    const dims = main.endsWith('3d') ? 3 : 2;
    const labels = model.items.map((it) => it.label || '');
    const q = model.quality;
    state.model = {
      ...model,
      sprite,
      X: null,
      // long recordings: their windows in time order (README "The dataset folder")
      paths: timePaths(model.items, config.mode),
      unit: config.mode === 'long' ? 'moment' : 'sound',
      mode: config.mode || 'clip',
      labelInfo: labelColors(labels),
      loadedFrom: param,
      loadedQuality:
        q && Number.isFinite(q.trustworthiness)
          ? { k: 10, labelAccuracy: NaN, layout: main, ...q }
          : null,
    };
    for (const f of model.failed || []) progress.fail(f.file, f.reason);
    fillProjectionChoices(model.layouts, main);
    showLayout(model.layouts[main], true, dims);
    showQuality(state.model.loadedQuality?.layout === main ? state.model.loadedQuality : null);
    // The spriteclip, decoded by the engine in a worker (16 kHz mono), else by the browser.
    try {
      const bytes = await firstThatLoads(model.audio.files, async (f) =>
        (await fetchOk(new URL(f, base), f)).arrayBuffer(),
      );
      const audio = await decodeSpriteclip(bytes);
      if (run !== state.run) return;
      player.setAudio(audio.samples, audio.rate);
    } catch (e) {
      notes.push(`no sound (${reason(e)})`);
    }
    if (run !== state.run) return;
    progress.mapped(n, 'sound', [`loaded from ${param}`, ...notes].join(' · '));
  } catch (e) {
    if (run !== state.run) return;
    progress.message(
      `Could not open the map ${param}: ${reason(e)}. Drop sounds here to make a new map.`,
    );
    showEmpty(true);
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
