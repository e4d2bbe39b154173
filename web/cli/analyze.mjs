// analyze.mjs — `sonomap analyze <file-or-folder>... --out <dir>`: every sound analysed in a pool
// of worker threads (each with its own wasm engine), mapped in 2-D and 3-D, and written as a
// dataset folder (README "The dataset folder").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildDataset } from '../core/dataset.js';
import { loadEngine } from '../core/engine.js';
import {
  CLIP_MODES,
  DEFAULT_CLIP_SECONDS,
  DEFAULT_MODE,
  FEATURE_KINDS,
  featureBlocks,
  joinSpriteclip,
  needsModel,
  standardize,
  withoutModel,
} from '../core/features.js';
import { LABEL_SCHEMES, labeller, readLabelTable } from '../core/labels.js';
import { npyEncode } from '../core/npy.js';
import {
  analysisBatch,
  clusterCount,
  DEFAULT_MODEL,
  gridAllowed,
  modelName,
  QUALITY_K,
  qualityQueries,
} from '../core/policy.js';
import { intOpt, numOpt, oneOf, UsageError } from './args.mjs';
import { collectFiles, progress } from './files.mjs';

/** Features made without a model: asking for them skips loading one. */

export const ANALYZE_OPTIONS = {
  out: { type: 'string' },
  mode: { type: 'string' },
  features: { type: 'string' },
  model: { type: 'string' },
  projection: { type: 'string' },
  dims: { type: 'string' },
  seed: { type: 'string' },
  labels: { type: 'string' },
  clusters: { type: 'string' },
  jobs: { type: 'string' },
  'clip-seconds': { type: 'string' },
  tile: { type: 'string' },
  sprite: { type: 'string' },
  audio: { type: 'string' },
  name: { type: 'string' },
  quiet: { type: 'boolean' },
};

export const ANALYZE_USAGE = `usage: sonomap analyze <file-or-folder>... --out <dir> [options]

Analyses every sound, maps them and writes a dataset folder the page opens with ?dataset=.

options:
  --out <dir>                 the dataset folder to write (required)
  --mode whole|clips|onset|blend|long   one point per file: whole: features averaged over
                              the whole clip (default); clips: the 0.96 s around its peak;
                              onset: the 0.96 s from 50 ms before its onset; blend: half
                              onset, half whole. long: a point every 0.48 s (0.96 s windows)
  --features embedding|fingerprint|descriptors|timbre|embedding+timbre
                              embedding: the model's (default); timbre: mean and deviation of
                              20 MFCCs (40 values); embedding+timbre: both, equal weight;
                              fingerprint, descriptors and timbre load no model
  --model <file>|none         a YAMNet classification .tflite or a sonomap .smnn model: gives
                              1024-d embeddings and the top sound tags of each clip (default:
                              the shipped ${DEFAULT_MODEL.name}, ${DEFAULT_MODEL.file} next to
                              this file; a file that does not load is reported and the shipped
                              model is used); none: no model (fingerprint features unless
                              --features names another kind that needs none)
  --projection umap|tsne|pca  (default umap)
  --dims 2|3                  main layout (both are written; default 2)
  --seed <n>                  0 to 4294967295 (default 42)
  --labels folder|esc50|urbansound8k|nsynth|speechcommands|<file.csv>
  --clusters <k>|auto|0       k-means clusters (spherical for embeddings); auto: one per label,
                              else about sqrt(N/2), at most 12; 0: none (default auto)
  --jobs <n>                  worker threads, 1 to 256 (default: the number of cores)
  --clip-seconds <s>          longest sound kept per clip in the spriteclip, 0.5 to 600
                              (default ${DEFAULT_CLIP_SECONDS})
  --tile <px>                 sprite tile size, 8 to 512 (default: fits the sheet in 4096 px,
                              at most 128)
  --sprite png|jpg            sprite sheet format (default png)
  --audio flac|wav            spriteclip format, 16 kHz mono 16-bit (default flac)
  --name <text>               dataset name (default: the output folder's name)
  --quiet                     no progress lines
  -h, --help                  this help
`;

/** The options of one analyze run, checked (UsageError for the first bad one). */
export function analyzeSettings(values, positionals) {
  if (values.out === undefined) throw new UsageError('analyze needs --out <dir>');
  if (!positionals.length) throw new UsageError('analyze needs at least one file or folder');
  const modeArg = oneOf('mode', values.mode ?? DEFAULT_MODE, ['clips', ...CLIP_MODES, 'long']);
  const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const labels = values.labels;
  if (labels !== undefined && !/\.(csv|tsv|txt)$/i.test(labels))
    oneOf('labels', labels, LABEL_SCHEMES);
  const clusters = values.clusters ?? 'auto';
  return {
    out: values.out,
    inputs: positionals,
    mode: modeArg === 'clips' ? 'clip' : modeArg,
    feature:
      values.features === undefined ? null : oneOf('features', values.features, FEATURE_KINDS),
    model: values.model ?? null,
    projection: oneOf('projection', values.projection ?? 'umap', ['umap', 'tsne', 'pca']),
    dims: intOpt('dims', values.dims ?? 2, 2, 3),
    seed: intOpt('seed', values.seed ?? 42, 0, 2 ** 32 - 1),
    jobs: intOpt('jobs', values.jobs ?? cores, 1, 256),
    clipSeconds: numOpt('clip-seconds', values['clip-seconds'] ?? DEFAULT_CLIP_SECONDS, 0.5, 600),
    tile: values.tile === undefined ? null : intOpt('tile', values.tile, 8, 512),
    spriteFormat: oneOf('sprite', values.sprite ?? 'png', ['png', 'jpg']),
    audioFormat: oneOf('audio', values.audio ?? 'flac', ['flac', 'wav']),
    labels: labels ?? null,
    clusters: clusters === 'auto' ? 'auto' : intOpt('clusters', clusters, 0, 1000),
    name: values.name ?? null,
    quiet: !!values.quiet,
  };
}

/** Runs analyze; resolves the exit status. ctx: {version, wasmUrl, entryUrl}. */
export async function analyze(s, ctx) {
  let label = () => '';
  if (s.labels) {
    if (/\.(csv|tsv|txt)$/i.test(s.labels)) {
      const t = readLabelTable(fs.readFileSync(s.labels, 'utf8'));
      for (const p of t.problems)
        process.stderr.write(`${s.labels}: line ${p.line}: ${p.reason}\n`);
      label = labeller('table', t.table);
    } else label = labeller(s.labels);
  }
  const pr = progress(s.quiet);
  const files = collectFiles(s.inputs, pr.log);
  if (!files.length) {
    pr.log('sonomap: no audio files found');
    return 1;
  }

  // The model is checked once here: the one given with --model, else the shipped sonomap-s
  // (next to this file, dist/models/). A bad --model file is reported and the shipped model
  // takes its place; when that cannot be read either, the map falls back to fingerprints.
  // Features that use no model (fingerprint, descriptors) skip loading one.
  const engine = await loadEngine(fs.readFileSync(ctx.wasmUrl));
  let feature = s.feature;
  let modelBytes = null;
  let modelInfo = null;
  const tryModel = (file, name) => {
    try {
      const bytes = fs.readFileSync(file);
      const m = engine.loadModel(bytes);
      modelInfo = {
        name,
        file: path.basename(file instanceof URL ? file.pathname : file),
        kind: m.kind,
        embedding: m.size,
        classes: m.classes,
      };
      m.free();
      modelBytes = bytes;
      return null;
    } catch (e) {
      return e.code === 'ENOENT' ? 'no such file' : e.message;
    }
  };
  const wantModel = s.model !== 'none' && (feature === null || needsModel(feature));
  if (wantModel && s.model) {
    const why = tryModel(s.model, modelName(s.model));
    if (why) pr.log(`${s.model}: ${why} — using the shipped model ${DEFAULT_MODEL.name} instead`);
  }
  if (wantModel && !modelBytes) {
    const shipped = new URL(DEFAULT_MODEL.file, ctx.entryUrl);
    const why = tryModel(shipped, DEFAULT_MODEL.name);
    if (why) {
      pr.log(
        `${DEFAULT_MODEL.file} (the shipped model): ${why} — mapping by fingerprint features instead`,
      );
      if (feature !== null) feature = withoutModel(feature);
    }
  }
  if (feature !== null && needsModel(feature) && !modelBytes) {
    throw new Error(`--features ${feature} needs a model (not with --model none)`);
  }
  feature ??= modelBytes ? 'embedding' : 'fingerprint';

  const opts = { mode: s.mode, feature, clipSeconds: s.clipSeconds };
  const { parts, failed } = await analyzeInWorkers(files, s, opts, label, modelBytes, ctx, pr);
  const ok = parts.filter(Boolean);
  const items = ok.flatMap((p) => p.items);
  if (!items.length) {
    pr.log(`sonomap: nothing could be analysed (${failed.length} failed)`);
    return 1;
  }

  const audio = joinSpriteclip(ok);
  const { projection, dims, seed } = s;
  const model = await mapItems(engine, items, {
    projection,
    dims,
    seed,
    clusters: s.clusters,
    feature,
    log: pr.log,
    quiet: s.quiet,
  });

  // Sprite sheet and spriteclip.
  const tile =
    s.tile ?? Math.max(8, Math.min(128, Math.floor(4096 / Math.ceil(Math.sqrt(items.length)))));
  const tiles = new Uint8Array(items.length * tile * tile * 4);
  items.forEach((it, i) => tiles.set(engine.logmelTile(it.logmel, tile), i * tile * tile * 4));
  const sheet = engine.spriteEncode(tiles, items.length, tile, s.spriteFormat === 'jpg' ? 90 : 0);
  const clip =
    s.audioFormat === 'flac' ? engine.flacEncode(audio, 16000) : engine.wavEncode(audio, 16000);
  const audioFile = `audio.${s.audioFormat}`;

  const out = path.resolve(s.out);
  fs.mkdirSync(out, { recursive: true });
  // A folder written before with other formats must not keep the stale files.
  for (const f of ['audio.wav', 'audio.flac', 'sprite.png', 'sprite.jpg']) {
    fs.rmSync(path.join(out, f), { force: true });
  }
  const spriteFile = `sprite.${s.spriteFormat}`;
  const ds = buildDataset({
    name: s.name ?? path.basename(out),
    generator: `sonomap ${ctx.version}`,
    items,
    layouts: model.layouts,
    mainLayout: `${projection}-${dims}d`,
    mode: s.mode,
    features: feature,
    projection,
    seed,
    failed,
    model: modelInfo,
    quality: model.quality,
    sprite: { file: spriteFile, tile, cols: sheet.cols },
    audio: { file: audioFile, rate: 16000, samples: audio.length },
  });
  const D = items[0].features.length;
  const emb = new Float32Array(items.length * D);
  items.forEach((it, i) => emb.set(it.features, i * D));
  fs.writeFileSync(path.join(out, 'config.json'), `${JSON.stringify(ds.config, null, 1)}\n`);
  fs.writeFileSync(path.join(out, 'projections.json'), `${JSON.stringify(ds.projections)}\n`);
  fs.writeFileSync(path.join(out, spriteFile), sheet.bytes);
  fs.writeFileSync(path.join(out, audioFile), clip);
  fs.writeFileSync(path.join(out, 'embeddings.npy'), npyEncode(emb, [items.length, D]));
  fs.writeFileSync(path.join(out, 'files.txt'), ds.filesTxt);
  fs.writeFileSync(path.join(out, 'labels.tsv'), ds.labelsTsv);
  const unit = s.mode === 'long' ? 'segments' : 'sounds';
  pr.log(
    `wrote ${out}: ${items.length} ${unit} from ${ok.length} files` +
      (failed.length ? ` · ${failed.length} failed` : ''),
  );
  return 0;
}

/** Analyses the files in a pool of worker threads → {parts: [{items, audio} | undefined per
 *  file], failed: [{file, reason}]}. */
function analyzeInWorkers(files, s, opts, label, modelBytes, ctx, pr) {
  const failed = [];
  const parts = new Array(files.length);
  let done = 0;
  const batch = analysisBatch(files.length, s.jobs, { model: !!modelBytes, mode: s.mode });
  const n = Math.min(s.jobs, Math.ceil(files.length / batch));
  return new Promise((resolve) => {
    let next = 0;
    let alive = n;
    const finish = () => {
      if (--alive === 0) resolve({ parts, failed });
    };
    for (let w = 0; w < n; w++) {
      const worker = new Worker(ctx.entryUrl, {
        workerData: { sonomapWorker: true, model: modelBytes },
      });
      const feed = () => {
        if (next >= files.length) {
          worker.terminate();
          finish();
          return;
        }
        const id = next;
        next = Math.min(files.length, next + batch);
        const jobs = files.slice(id, next).map((f) => ({
          file: f.file,
          rel: f.rel,
          opts: { ...opts, label: label(f.rel) },
        }));
        worker.postMessage({ id, jobs });
      };
      worker.on('message', (msg) => {
        msg.results.forEach((r, k) => {
          const f = files[msg.id + k];
          if (r.error) {
            failed.push({ file: f.rel, reason: r.error });
            pr.log(`${f.rel}: ${r.error}`);
          } else parts[msg.id + k] = { items: r.items, audio: r.audio };
          pr.tick(++done, files.length, failed.length);
        });
        feed();
      });
      worker.on('error', (e) => {
        pr.log(`worker failed: ${e.message}`);
        worker.terminate();
        finish();
      });
      feed();
    }
  });
}

/** Map the items' features: the chosen projection in 2-D and 3-D, plus PCA; k-means clusters
 *  (stored on the items) and the quality figures of the main layout. */
async function mapItems(engine, items, { projection, dims, seed, clusters, feature, log, quiet }) {
  const n = items.length;
  const d = items[0].features.length;
  const raw = new Float32Array(n * d);
  items.forEach((it, i) => raw.set(it.features, i * d));
  // Scaled the way the page scales them, so a folder gives the same map in both.
  const X = standardize(raw, n, d, featureBlocks(d, feature));
  const spherical = feature === 'embedding' || feature === 'embedding+timbre';
  const labelNames = [...new Set(items.map((it) => it.label).filter(Boolean))].sort();
  const labels = Int32Array.from(items, (it) => (it.label ? labelNames.indexOf(it.label) : -1));
  const layouts = {};
  let quality = null;
  const wanted = [
    [projection, dims],
    [projection, 5 - dims],
  ];
  if (projection !== 'pca') wanted.push(['pca', 2], ['pca', 3]);
  for (const [proj, k] of wanted) {
    const t0 = Date.now();
    const m = engine.createMap(X, n, d, { projection: proj, dims: k, seed, standardize: false });
    try {
      if (m.excluded.length) throw new Error(`${m.excluded.length} rows have non-finite features`);
      const total = m.totalSteps;
      let left = total;
      while (left > 0) left = m.step(Math.max(1, Math.ceil(total / 20)));
      layouts[`${proj}-${k}d`] = m.layout();
      if (proj === projection && k === dims) {
        const kk = Math.min(QUALITY_K, n - 2);
        quality = { layout: `${proj}-${k}d` };
        if (kk >= 1) Object.assign(quality, m.quality(kk, qualityQueries(n)));
        if (labelNames.length > 1)
          quality.labelAccuracy = m.labelAccuracy(labels, qualityQueries(n));
        const kc = clusterCount(clusters, n, labelNames.length);
        if (kc) {
          const c = m.cluster(kc, spherical);
          items.forEach((it, i) => {
            it.cluster = c[i];
          });
          quality.clusters = kc;
        }
      }
    } finally {
      m.free();
    }
    if (!quiet) log(`${proj} ${k}-D of ${n} points in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  // The grid layout: the 2-D map assigned to the cells of a square grid (as AudioNotebooks'
  // grid spritesheets), for maps up to GRID_MAX points.
  const flat = layouts[`${projection}-2d`];
  if (flat && gridAllowed(n)) {
    const t0 = Date.now();
    const cols = Math.ceil(Math.sqrt(n));
    const rows = Math.ceil(n / cols);
    const cell = engine.gridAssign(flat, n, cols, rows);
    const grid = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      grid[2 * i] = cell[i] % cols;
      grid[2 * i + 1] = Math.floor(cell[i] / cols);
    }
    layouts['grid-2d'] = grid;
    if (!quiet)
      log(`grid ${cols} x ${rows} of ${n} points in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (quality && quality.trustworthiness !== undefined) {
    const r = (v) => Math.round(v * 1000) / 1000;
    quality.trustworthiness = r(quality.trustworthiness);
    quality.continuity = r(quality.continuity);
    if (quality.labelAccuracy !== undefined) quality.labelAccuracy = r(quality.labelAccuracy);
    log(
      `map quality (${quality.layout}, k = ${quality.k}): trustworthiness ${quality.trustworthiness}, ` +
        `continuity ${quality.continuity}` +
        (quality.labelAccuracy !== undefined
          ? `, 1-NN label accuracy ${quality.labelAccuracy}`
          : ''),
    );
  }
  return { layouts, quality };
}
