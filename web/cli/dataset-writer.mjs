// dataset-writer.mjs — the end of `analyze` and of `merge`: analysed files (in the order of
// the inputs) laid out in 2-D and 3-D, clustered, drawn into a sprite sheet and a spriteclip, and
// written as a dataset folder (README "The dataset folder").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDataset } from '../core/dataset.js';
import { BIG_MAP_ROWS } from '../core/dataset-columns.js';
import { featureBlocks, joinSpriteclip, standardize } from '../core/features.js';
import { npyEncode } from '../core/npy.js';
import { clusterCount, GRID_MAX, gridAllowed, QUALITY_K, qualityQueries } from '../core/policy.js';
import { arrayRows, fitSampleLayout } from './fit-sample.mjs';
import { encodeAudio, runMapTask, runMapTasksInWorkers, TaskPool } from './map-tasks.mjs';
import { CELLS_DIR, CELLS_INDEX, writeCellSheets } from './sprite-cells.mjs';
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
      fitSample: s.fitSample,
      feature,
      log: pr.log,
      quiet: s.quiet,
      pool,
    });
    mapping.catch(() => {}); // awaited below, after the sprites
    encoding.catch(() => {});

    // Sprite sheets (split past the texture limit) and the spriteclip; big maps get small sheets
    // grouped by position instead (sprite-cells.mjs), written once the 2-D layout is there.
    const side = s.sheetSize ?? 4096;
    const cells =
      s.spriteCells === 'on' || (s.spriteCells !== 'off' && items.length >= BIG_MAP_ROWS);
    const tile = s.tile ?? (cells ? 32 : defaultTile(items.length, side));
    const sprites = cells
      ? null
      : await encodeSheets(engine, items, { tile, side, format: s.spriteFormat });
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
      if (
        /^(audio\.(wav|flac)|(grid-)?sprite(-\d+)?\.(png|jpg))$/.test(f) ||
        f === CELLS_DIR ||
        f === 'columns.npy' ||
        /^layout-.+\.npy$/.test(f) ||
        f === CELLS_INDEX
      )
        fs.rmSync(path.join(out, f), { recursive: true, force: true });
    const ext = s.spriteFormat === 'jpg' ? 'jpg' : 'png';
    const flat = `${projection}-2d`;
    const cellSheets =
      cells &&
      (await writeCellSheets(
        out,
        model.layouts[flat],
        items.length,
        (i) => engine.logmelTile(items[i].logmel, tile),
        {
          tile,
          layout: flat,
          ext,
          encode:
            ext === 'jpg'
              ? (tiles, count, t) => {
                  const sh = engine.spriteEncode(tiles, count, t, 90);
                  return { cols: sh.cols, bytes: sh.bytes };
                }
              : null,
        },
      ));
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
      sprite: cellSheets
        ? { tile, cells: cellSheets }
        : {
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
    if (model.fit) ds.config.fit = model.fit;
    fs.writeFileSync(path.join(out, 'config.json'), `${JSON.stringify(ds.config, null, 1)}\n`);
    fs.writeFileSync(path.join(out, 'projections.json'), `${JSON.stringify(ds.projections)}\n`);
    // big maps: layouts and numeric columns as .npy (core/dataset-columns.js)
    for (const [f, a] of Object.entries(ds.binary))
      fs.writeFileSync(path.join(out, f), npyEncode(a.data, a.shape));
    for (const sh of sprites?.sheets ?? []) fs.writeFileSync(path.join(out, sh.file), sh.bytes);
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
  { projection, dims, seed, clusters, fitSample = null, feature, log, quiet, pool },
) {
  const n = items.length;
  if (fitSample !== null && fitSample < n && projection !== 'pca')
    return mapItemsSampled(engine, items, {
      projection,
      dims,
      seed,
      clusters,
      fitSample,
      feature,
      log,
      quiet,
    });
  const { d, X, spherical, labelNames, labels } = mapInputs(items, feature);
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
  return { layouts, quality, fit: null };
}

/** What every layout of the items starts from: their feature rows scaled the way the page
 *  scales them (so a folder gives the same map in both), whether the metric is cosine, and the
 *  label of each row (-1 unlabelled) among the sorted label names. */
function mapInputs(items, feature) {
  const n = items.length;
  const d = items[0].features.length;
  const raw = new Float32Array(n * d);
  items.forEach((it, i) => raw.set(it.features, i * d));
  const X = standardize(raw, n, d, featureBlocks(d, feature));
  const spherical = feature === 'embedding' || feature === 'embedding+timbre';
  const labelNames = [...new Set(items.map((it) => it.label).filter(Boolean))].sort();
  const labels = Int32Array.from(items, (it) => (it.label ? labelNames.indexOf(it.label) : -1));
  return { d, X, spherical, labelNames, labels };
}

/** mapItems with --fit-sample: UMAP / t-SNE fitted on a sample and the other rows placed, one
 *  layout after another in this thread (placing streams the rows block by block). */
async function mapItemsSampled(
  engine,
  items,
  { projection, dims, seed, clusters, fitSample = null, feature, log, quiet },
) {
  const n = items.length;
  const { d, X, spherical, labelNames, labels } = mapInputs(items, feature);
  const layouts = {};
  let quality = null;
  const wanted = [
    [projection, dims],
    [projection, 5 - dims],
  ];
  if (projection !== 'pca') wanted.push(['pca', 2], ['pca', 3]);
  // --fit-sample: UMAP / t-SNE fitted on a sample, the rest placed; the quality figures are the
  // fitted sample's, the clusters come from the (full) PCA map, on the same preprocessed rows.
  const sampled = fitSample !== null && fitSample < n && projection !== 'pca';
  const kc = clusterCount(clusters, n, labelNames.length);
  const measure = (m, rows, lab) => {
    const kk = Math.min(QUALITY_K, rows - 2);
    quality = { layout: `${projection}-${dims}d` };
    if (kk >= 1) Object.assign(quality, m.quality(kk, qualityQueries(rows)));
    if (labelNames.length > 1) quality.labelAccuracy = m.labelAccuracy(lab, qualityQueries(rows));
    if (sampled) quality.fittedSample = rows; // the figures are the fitted sample's
  };
  const cluster = (m) => {
    const c = m.cluster(kc, spherical);
    items.forEach((it, i) => {
      it.cluster = c[i];
    });
  };
  let fit = null;
  for (const [proj, k] of wanted) {
    const t0 = Date.now();
    const main = proj === projection && k === dims;
    const opts = { projection: proj, dims: k, seed, standardize: false };
    if (sampled && proj !== 'pca') {
      const r = fitSampleLayout(engine, arrayRows(X, n, d), fitSample, {
        ...opts,
        onMap: (m, sample) => {
          if (main)
            measure(
              m,
              sample.length,
              Int32Array.from(sample, (i) => labels[i]),
            );
        },
      });
      if (r.excluded.length) throw new Error(`${r.excluded.length} rows have non-finite features`);
      layouts[`${proj}-${k}d`] = r.layout;
      fit = { method: 'sample', rows: n, sample: r.sample.length, placed: n - r.sample.length };
      if (!quiet)
        log(
          `${proj} ${k}-D fitted on ${r.sample.length} of ${n} points, the rest placed, in ` +
            `${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
      continue;
    }
    const m = engine.createMap(X, n, d, opts);
    try {
      if (m.excluded.length) throw new Error(`${m.excluded.length} rows have non-finite features`);
      const total = m.totalSteps;
      let left = total;
      while (left > 0) left = m.step(Math.max(1, Math.ceil(total / 20)));
      layouts[`${proj}-${k}d`] = m.layout();
      if (main) measure(m, n, labels);
      if (kc && (sampled ? proj === 'pca' && k === 2 : main)) cluster(m);
    } finally {
      m.free();
    }
    if (!quiet) log(`${proj} ${k}-D of ${n} points in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (quality && kc) quality.clusters = kc;
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
      `map quality (${quality.layout}${quality.fittedSample ? `, its ${quality.fittedSample} fitted rows` : ''}, k = ${quality.k}): trustworthiness ${quality.trustworthiness}, ` +
        `continuity ${quality.continuity}` +
        (quality.labelAccuracy !== undefined
          ? `, 1-NN label accuracy ${quality.labelAccuracy}`
          : ''),
    );
  }
  return { layouts, quality, fit };
}
