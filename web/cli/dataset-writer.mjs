// dataset-writer.mjs — the end of `analyze` and of `merge`: analysed files (in the order of
// the inputs) laid out in 2-D and 3-D, clustered, drawn into a sprite sheet and a spriteclip, and
// written as a dataset folder (README "The dataset folder").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDataset } from '../core/dataset.js';
import { featureBlocks, joinSpriteclip, standardize } from '../core/features.js';
import { npyEncode } from '../core/npy.js';
import { clusterCount, GRID_MAX, gridAllowed, QUALITY_K, qualityQueries } from '../core/policy.js';
import { encodeAudio, runMapTask, runMapTasksInWorkers, TaskPool } from './map-tasks.mjs';
import { defaultTile, encodeGridSheet, encodeSheets } from './sprites.mjs';

const cpuCount = () => Math.max(1, os.availableParallelism?.() ?? os.cpus().length);

/** ok: per analysed file {items, audio} in input order; failed: [{file, reason}]; s: the
 *  settings (out, projection, dims, seed, clusters, tile, sheetSize, gridSprite, spriteFormat,
 *  audioFormat, name, quiet); feature and modelInfo as the analysis used them. Resolves the exit status. */
export async function writeDataset(engine, ok, failed, s, { feature, modelInfo, ctx, pr }) {
  const items = ok.flatMap((p) => p.items);
  const nFiles = ok.length;
  const audio = joinSpriteclip(ok);
  const { projection, dims, seed } = s;
  // The layouts and the spriteclip's encoding run in worker threads while this thread draws the
  // sprite sheets (compressed in Node's thread pool); the grid sheet waits for the grid layout.
  const jobs = s.jobs ?? cpuCount();
  const pool =
    jobs > 1 ? new TaskPool({ jobs, entryUrl: ctx.entryUrl, wasmUrl: ctx.wasmUrl }) : null;
  const samples = audio.length;
  try {
    const encoding = encodeAudio(engine, pool, audio, s.audioFormat);
    const mapping = mapItems(engine, items, {
      projection,
      dims,
      seed,
      clusters: s.clusters,
      feature,
      log: pr.log,
      quiet: s.quiet,
      pool,
    });
    mapping.catch(() => {}); // awaited below, after the sprites
    encoding.catch(() => {});

    // Sprite sheets (split past the texture limit) and the spriteclip.
    const side = s.sheetSize ?? 4096;
    const tile = s.tile ?? defaultTile(items.length, side);
    const sprites = await encodeSheets(engine, items, { tile, side, format: s.spriteFormat });
    const model = await mapping;
    const clip = await encoding;
    const gridSheet =
      s.gridSprite && model.layouts['grid-2d']
        ? await encodeGridSheet(engine, items, model.layouts['grid-2d'], {
            tile,
            side,
            format: s.spriteFormat,
          })
        : null;
    if (s.gridSprite && !gridSheet)
      pr.log(`no grid sprite sheet: the grid layout is made for maps up to ${GRID_MAX} points`);
    const audioFile = `audio.${s.audioFormat}`;

    const out = path.resolve(s.out);
    fs.mkdirSync(out, { recursive: true });
    // A folder written before with other formats must not keep the stale files.
    for (const f of fs.readdirSync(out))
      if (/^(audio\.(wav|flac)|(grid-)?sprite(-\d+)?\.(png|jpg))$/.test(f))
        fs.rmSync(path.join(out, f), { force: true });
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
      sprite: {
        file: sprites.sheets[0].file,
        tile,
        cols: sprites.sheets[0].cols,
        sheets: sprites.sheets.map(({ file, cols, count }) => ({ file, cols, count })),
        sheetOf: sprites.sheetOf,
        cellOf: sprites.cellOf,
      },
      gridSprite: gridSheet && {
        file: gridSheet.file,
        tile: gridSheet.tile,
        cols: gridSheet.cols,
        rows: gridSheet.rows,
      },
      audio: { file: audioFile, rate: 16000, samples },
    });
    const D = items[0].features.length;
    const emb = new Float32Array(items.length * D);
    items.forEach((it, i) => emb.set(it.features, i * D));
    fs.writeFileSync(path.join(out, 'config.json'), `${JSON.stringify(ds.config, null, 1)}\n`);
    fs.writeFileSync(path.join(out, 'projections.json'), `${JSON.stringify(ds.projections)}\n`);
    for (const sh of sprites.sheets) fs.writeFileSync(path.join(out, sh.file), sh.bytes);
    if (gridSheet) fs.writeFileSync(path.join(out, gridSheet.file), gridSheet.bytes);
    fs.writeFileSync(path.join(out, audioFile), clip);
    fs.writeFileSync(path.join(out, 'embeddings.npy'), npyEncode(emb, [items.length, D]));
    fs.writeFileSync(path.join(out, 'files.txt'), ds.filesTxt);
    fs.writeFileSync(path.join(out, 'labels.tsv'), ds.labelsTsv);
    fs.writeFileSync(path.join(out, 'audio-sprites.json'), `${JSON.stringify(ds.audioSprites)}\n`);
    const unit = s.mode === 'long' ? 'segments' : 'sounds';
    pr.log(
      `wrote ${out}: ${items.length} ${unit} from ${nFiles} files` +
        (failed.length ? ` · ${failed.length} failed` : ''),
    );
    return 0;
  } finally {
    pool?.close();
  }
}

/** Map the items' features: the chosen projection in 2-D and 3-D, plus PCA; k-means clusters
 *  (stored on the items), the quality figures of the main layout and the grid layout. With a
 *  pool (map-tasks.mjs TaskPool) the layouts run side by side in its worker threads, else one
 *  after another in this engine: the same bytes either way. */
export async function mapItems(
  engine,
  items,
  { projection, dims, seed, clusters, feature, log, quiet, pool },
) {
  const n = items.length;
  const d = items[0].features.length;
  const raw = new Float32Array(n * d);
  items.forEach((it, i) => raw.set(it.features, i * d));
  // Scaled the way the page scales them, so a folder gives the same map in both.
  const X = standardize(raw, n, d, featureBlocks(d, feature));
  const spherical = feature === 'embedding' || feature === 'embedding+timbre';
  const labelNames = [...new Set(items.map((it) => it.label).filter(Boolean))].sort();
  const labels = Int32Array.from(items, (it) => (it.label ? labelNames.indexOf(it.label) : -1));
  // The grid layout: the 2-D map assigned to the cells of a square grid (as AudioNotebooks'
  // grid spritesheets), for maps up to GRID_MAX points; made right after the 2-D layout.
  const cols = Math.ceil(Math.sqrt(n));
  const grid = gridAllowed(n) ? { cols, rows: Math.ceil(n / cols) } : null;
  const wanted = [
    [projection, dims],
    [projection, 5 - dims],
  ];
  if (projection !== 'pca') wanted.push(['pca', 2], ['pca', 3]);
  const tasks = wanted.map(([proj, k], i) => ({
    proj,
    k,
    seed,
    main:
      i === 0
        ? {
            qualityK: Math.min(QUALITY_K, n - 2),
            queries: qualityQueries(n),
            labels,
            labelCount: labelNames.length,
            clusters: clusterCount(clusters, n, labelNames.length),
            spherical,
          }
        : null,
    grid: proj === projection && k === 2 ? grid : null,
  }));
  const report = (r) => {
    if (quiet) return;
    log(`${r.key.replace(/-(\d)d$/, ' $1-D')} of ${n} points in ${r.seconds.toFixed(1)} s`);
    if (r.grid)
      log(`grid ${grid.cols} x ${grid.rows} of ${n} points in ${r.gridSeconds.toFixed(1)} s`);
  };
  let results;
  if (pool) {
    results = await runMapTasksInWorkers(tasks, X, n, d, pool, report);
  } else {
    results = [];
    for (const t of tasks) {
      results.push(runMapTask(engine, X, n, d, t));
      report(results.at(-1));
    }
  }
  const layouts = {};
  for (const r of results) layouts[r.key] = r.layout;
  let quality = null;
  const main = results[0];
  quality = { layout: main.key };
  if (tasks[0].main.qualityK >= 1) {
    const { trustworthiness, continuity, k } = main.quality;
    Object.assign(quality, { trustworthiness, continuity, k });
  }
  if (main.quality.labelAccuracy !== undefined) quality.labelAccuracy = main.quality.labelAccuracy;
  if (main.clusters) {
    items.forEach((it, i) => {
      it.cluster = main.clusters[i];
    });
    quality.clusters = tasks[0].main.clusters;
  }
  const withGrid = results.find((r) => r.grid);
  if (withGrid) {
    const cell = withGrid.grid;
    const xy = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      xy[2 * i] = cell[i] % cols;
      xy[2 * i + 1] = Math.floor(cell[i] / cols);
    }
    layouts['grid-2d'] = xy;
  }
  if (quality.trustworthiness !== undefined) {
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
