// cli.mjs — `node dist/sonomap.mjs analyze|project ...`: the same wasm engine as the page, run
// under Node, writing a dataset folder of static files (README "Command line").
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { loadEngine } from './engine.js';
import { fileItems, joinSpriteclip, embedSegments, featureBlocks, standardise, FEATURE_KINDS, DEFAULT_CLIP_SECONDS } from './features.js';
import { buildDataset } from './dataset.js';
import { labeller, parseLabelCsv, LABEL_SCHEMES } from './labels.js';
import { npyEncode, npyDecode } from './npy.js';

const VERSION = '0.1.0';
// Rows sampled for the quality figures: enough for two decimals, cheap at 100k points.
const QUALITY_QUERIES = 500;
// Largest map that also gets a grid layout.
const GRID_MAX = 20000;
const AUDIO_EXT = /\.(wav|wave|aif|aiff|aifc|flac|ogg|oga|mp3|m4a|aac|opus|webm)$/i;
const wasmPath = () => new URL('./sonomap.wasm', import.meta.url);

const USAGE = `sonomap ${VERSION} — a map of sounds you can hear

usage:
  sonomap analyze <file-or-folder>... --out <dir> [options]
  sonomap project <embeddings.npy> --out <dir> [--projection umap|tsne|pca] [--dims 2|3]
                  [--seed <n>] [--files <files.txt>]

analyze options:
  --mode clips|whole|long     clips: 0.96 s around each file's peak (default); whole: features
                              averaged over the clip; long: 0.96 s windows every 0.48 s
  --features embedding|fingerprint|descriptors   (default: embedding with a model, else fingerprint)
  --model <file>              a YAMNet classification .tflite or a sonomap .smnn model: gives
                              1024-d embeddings and the top sound tags of each clip
  --projection umap|tsne|pca  (default umap)
  --dims 2|3                  main layout (both are written; default 2)
  --seed <n>                  (default 42)
  --labels folder|esc50|urbansound8k|nsynth|speechcommands|<file.csv>
  --clusters <k>|auto|0       k-means clusters (spherical for embeddings); auto: one per label,
                              else about sqrt(N/2), at most 12; 0: none (default auto)
  --jobs <n>                  worker threads (default: the number of cores)
  --clip-seconds <s>          longest sound kept per clip in the spriteclip (default ${DEFAULT_CLIP_SECONDS})
  --tile <px>                 sprite tile size (default: fits the sheet in 4096 px, at most 128)
  --sprite png|jpg            sprite sheet format (default png)
  --audio flac|wav            spriteclip format, 16 kHz mono 16-bit (default flac)
  --name <text>               dataset name (default: the output folder's name)
  --quiet                     no progress lines
`;

// ---------------------------------------------------------------- worker thread
// A message carries a few files; with a model their patches are embedded together, so the
// network runs on batches across files rather than one patch at a time.
if (!isMainThread && workerData?.sonomapWorker) {
  const engine = await loadEngine(fs.readFileSync(wasmPath()));
  const model = workerData.model ? engine.loadModel(workerData.model) : null;
  const analyse = async ({ file, rel, opts }) => {
    // The file is read straight into the engine's memory: held once, however large.
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const result = await engine.analyzeInto(size, (view) => {
        for (let off = 0; off < size;) {
          const got = fs.readSync(fd, view, off, Math.min(size - off, 1 << 24), off);
          if (got <= 0) throw new Error('the file shrank while being read');
          off += got;
        }
      }, { mode: opts.mode });
      if (result.error && result.needsBrowserDecode)
        result.error = `${result.format || 'this format'} is decoded by the page's browser decoder; the CLI reads WAV, AIFF, FLAC and Ogg Vorbis`;
      return result;
    } finally { fs.closeSync(fd); }
  };
  parentPort.on('message', async ({ id, jobs }) => {
    const results = [];
    for (const job of jobs) {
      try { results.push(await analyse(job)); } catch (e) { results.push({ error: e.message }); }
    }
    const good = results.filter((r) => !r.error);
    if (model && good.length) {
      try { embedSegments(model, { segments: good.flatMap((r) => r.segments) }); } catch (e) {
        for (const r of good) r.error = `the model could not run: ${e.message}`;
      }
    }
    const out = [], transfer = [];
    jobs.forEach((job, k) => {
      const r = results[k];
      if (r.error) { out.push({ error: r.error }); return; }
      try {
        const part = fileItems(job.rel, r, job.opts);
        const audio = part.audio.slice();  // just this file's span, not the whole signal
        transfer.push(audio.buffer);
        out.push({ items: part.items, audio });
      } catch (e) { out.push({ error: e.message }); }
    });
    parentPort.postMessage({ id, results: out }, transfer);
  });
} else if (isMainThread) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`sonomap: ${e.message}\n`);
    process.exitCode = 2;
  });
}

// ---------------------------------------------------------------- argument parsing
function parseArgs(argv) {
  const flags = new Set(['quiet', 'help']);
  const opts = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') opts.help = true;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = (eq > 0 ? a.slice(2, eq) : a.slice(2));
      if (flags.has(key)) { opts[key] = true; continue; }
      const val = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (val === undefined) throw new Error(`${a} needs a value`);
      opts[key] = val;
    } else opts._.push(a);
  }
  return opts;
}

function oneOf(name, value, allowed) {
  if (!allowed.includes(value)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, not '${value}'`);
  return value;
}

function intOpt(name, value, lo, hi) {
  const v = Number(value);
  if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`--${name} must be a whole number from ${lo} to ${hi}, not '${value}'`);
  return v;
}

async function main(argv) {
  const args = parseArgs(argv);
  const cmd = args._.shift();
  if (args.help || !cmd) { process.stdout.write(USAGE); return cmd || args.help ? 0 : 2; }
  if (cmd === 'analyze') return analyze(args);
  if (cmd === 'project') return project(args);
  if (cmd === 'version' || cmd === '--version') { process.stdout.write(`sonomap ${VERSION}\n`); return 0; }
  throw new Error(`unknown command '${cmd}' (analyze or project; --help for usage)`);
}

// ---------------------------------------------------------------- files
function collectFiles(inputs, log) {
  const out = [];
  const seen = new Set();
  for (const input of inputs) {
    let st;
    try { st = fs.statSync(input); } catch { log(`${input}: no such file or folder`); continue; }
    if (st.isDirectory()) {
      const root = path.resolve(input);
      const walk = (dir) => {
        let entries;
        try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { log(`${dir}: ${e.message}`); return; }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of entries) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.isFile() && AUDIO_EXT.test(e.name)) add(p, path.join(path.basename(root), path.relative(root, p)));
        }
      };
      walk(root);
    } else add(path.resolve(input), path.basename(input));
  }
  function add(abs, rel) {
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({ file: abs, rel: rel.split(path.sep).join('/') });
  }
  return out;
}

function progress(quiet) {
  const t0 = Date.now();
  let last = 0;
  const tty = process.stderr.isTTY;
  return {
    log(msg) { if (tty && !quiet) process.stderr.write('\r\x1b[K'); process.stderr.write(`${msg}\n`); },
    tick(done, total, failed, what = 'analysed') {
      if (quiet) return;
      const now = Date.now();
      if (done < total && now - last < (tty ? 100 : 2000)) return;
      last = now;
      const el = (now - t0) / 1000;
      const left = done ? (el / done) * (total - done) : 0;
      const msg = `${what} ${done}/${total} files` + (failed ? ` · ${failed} failed` : '') +
        (done < total && done ? ` · about ${Math.ceil(left)} s left` : ` · ${el.toFixed(1)} s`);
      process.stderr.write(tty ? `\r\x1b[K${msg}` + (done === total ? '\n' : '') : `${msg}\n`);
    },
  };
}

// ---------------------------------------------------------------- analyze
async function analyze(args) {
  if (!args.out) throw new Error('analyze needs --out <dir>');
  if (!args._.length) throw new Error('analyze needs at least one file or folder');
  const modeArg = oneOf('mode', args.mode ?? 'clips', ['clips', 'clip', 'whole', 'long']);
  const mode = modeArg === 'clips' ? 'clip' : modeArg;
  let feature = args.features ? oneOf('features', args.features, FEATURE_KINDS) : null;
  const projection = oneOf('projection', args.projection ?? 'umap', ['umap', 'tsne', 'pca']);
  const dims = intOpt('dims', args.dims ?? 2, 2, 3);
  const seed = intOpt('seed', args.seed ?? 42, 0, 2 ** 32 - 1);
  const jobs = intOpt('jobs', args.jobs ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length), 1, 256);
  const clipSeconds = Number(args['clip-seconds'] ?? DEFAULT_CLIP_SECONDS);
  if (!(clipSeconds >= 0.5 && clipSeconds <= 600)) throw new Error('--clip-seconds must be between 0.5 and 600');
  const spriteFormat = oneOf('sprite', args.sprite ?? 'png', ['png', 'jpg']);
  const audioFormat = oneOf('audio', args.audio ?? 'flac', ['flac', 'wav']);
  let label = () => '';
  if (args.labels) {
    if (/\.(csv|tsv|txt)$/i.test(args.labels)) label = labeller('table', parseLabelCsv(fs.readFileSync(args.labels, 'utf8')));
    else label = labeller(oneOf('labels', args.labels, LABEL_SCHEMES));
  }
  const clustersArg = args.clusters ?? 'auto';
  const clusters = clustersArg === 'auto' ? 'auto' : intOpt('clusters', clustersArg, 0, 1000);
  const pr = progress(args.quiet);
  const files = collectFiles(args._, pr.log);
  if (!files.length) { pr.log('sonomap: no audio files found'); return 1; }

  // The model, when given, is checked once here; a bad one is reported and the map falls back
  // to fingerprint features rather than stopping the work.
  const engine = await loadEngine(fs.readFileSync(wasmPath()));
  let modelBytes = null, modelInfo = null;
  if (args.model) {
    try {
      modelBytes = fs.readFileSync(args.model);
      const m = engine.loadModel(modelBytes);
      modelInfo = { file: path.basename(args.model), kind: m.kind, embedding: m.size, classes: m.classes };
      m.free();
    } catch (e) {
      pr.log(`${args.model}: ${e.code === 'ENOENT' ? 'no such file' : e.message} — mapping by fingerprint features instead`);
      modelBytes = null;
      if (feature === 'embedding') feature = null;
    }
  }
  if (feature === 'embedding' && !modelBytes) throw new Error('--features embedding needs a model (--model yamnet.tflite)');
  feature ??= modelBytes ? 'embedding' : 'fingerprint';

  // Analyse in a pool of worker threads, each with its own wasm instance.
  const failed = [];
  const parts = new Array(files.length);
  let done = 0;
  // Files per message: with a model in clip modes, enough patches for an efficient batch
  // (fewer when that would leave a worker idle); otherwise one at a time.
  const batch = modelBytes && mode !== 'long' ? Math.max(1, Math.min(8, Math.floor(files.length / Math.max(1, jobs)))) : 1;
  const n = Math.min(jobs, Math.ceil(files.length / batch));
  await new Promise((resolve) => {
    let next = 0;
    let alive = n;
    for (let w = 0; w < n; w++) {
      const worker = new Worker(new URL(import.meta.url), { workerData: { sonomapWorker: true, model: modelBytes } });
      const feed = () => {
        if (next >= files.length) { worker.terminate(); if (--alive === 0) resolve(); return; }
        const id = next;
        next = Math.min(files.length, next + batch);
        const jobs = files.slice(id, next).map((f) => ({ file: f.file, rel: f.rel, opts: { mode, feature, clipSeconds, label: label(f.rel) } }));
        worker.postMessage({ id, jobs });
      };
      worker.on('message', (msg) => {
        msg.results.forEach((r, k) => {
          const f = files[msg.id + k];
          if (r.error) { failed.push({ file: f.rel, reason: r.error }); pr.log(`${f.rel}: ${r.error}`); }
          else parts[msg.id + k] = { items: r.items, audio: r.audio };
          pr.tick(++done, files.length, failed.length);
        });
        feed();
      });
      worker.on('error', (e) => { pr.log(`worker failed: ${e.message}`); worker.terminate(); if (--alive === 0) resolve(); });
      feed();
    }
  });
  const ok = parts.filter(Boolean);
  const items = ok.flatMap((p) => p.items);
  if (!items.length) { pr.log(`sonomap: nothing could be analysed (${failed.length} failed)`); return 1; }

  const audio = joinSpriteclip(ok);
  const model = await mapItems(engine, items, { projection, dims, seed, clusters, feature, log: pr.log, quiet: args.quiet });

  // Sprite sheet and spriteclip.
  const tile = args.tile ? intOpt('tile', args.tile, 8, 512) : Math.max(8, Math.min(128, Math.floor(4096 / Math.ceil(Math.sqrt(items.length)))));
  const tiles = new Uint8Array(items.length * tile * tile * 4);
  items.forEach((it, i) => tiles.set(engine.logmelTile(it.logmel, tile), i * tile * tile * 4));
  const sheet = engine.spriteEncode(tiles, items.length, tile, spriteFormat === 'jpg' ? 90 : 0);
  const clip = audioFormat === 'flac' ? engine.flacEncode(audio, 16000) : engine.wavEncode(audio, 16000);
  const audioFile = `audio.${audioFormat}`;

  const out = path.resolve(args.out);
  fs.mkdirSync(out, { recursive: true });
  // A folder written before with other formats must not keep the stale files.
  for (const f of ['audio.wav', 'audio.flac', 'sprite.png', 'sprite.jpg']) fs.rmSync(path.join(out, f), { force: true });
  const spriteFile = `sprite.${spriteFormat}`;
  const ds = buildDataset({
    name: args.name ?? path.basename(out), generator: `sonomap ${VERSION}`,
    items, layouts: model.layouts, mainLayout: `${projection}-${dims}d`,
    mode, features: feature, projection, seed, failed, model: modelInfo, quality: model.quality,
    sprite: { file: spriteFile, tile, cols: sheet.cols }, audio: { file: audioFile, rate: 16000, samples: audio.length },
  });
  const D = items[0].features.length;
  const emb = new Float32Array(items.length * D);
  items.forEach((it, i) => emb.set(it.features, i * D));
  fs.writeFileSync(path.join(out, 'config.json'), JSON.stringify(ds.config, null, 1) + '\n');
  fs.writeFileSync(path.join(out, 'projections.json'), JSON.stringify(ds.projections) + '\n');
  fs.writeFileSync(path.join(out, spriteFile), sheet.bytes);
  fs.writeFileSync(path.join(out, audioFile), clip);
  fs.writeFileSync(path.join(out, 'embeddings.npy'), npyEncode(emb, [items.length, D]));
  fs.writeFileSync(path.join(out, 'files.txt'), ds.filesTxt);
  fs.writeFileSync(path.join(out, 'labels.tsv'), ds.labelsTsv);
  pr.log(`wrote ${out}: ${items.length} ${mode === 'long' ? 'segments' : 'sounds'} from ${ok.length} files` +
    (failed.length ? ` · ${failed.length} failed` : ''));
  return 0;
}

/** Map the items' features: the chosen projection in 2-D and 3-D, plus PCA; k-means clusters
 *  (stored on the items) and the quality figures of the main layout. */
async function mapItems(engine, items, { projection, dims, seed, clusters, feature, log, quiet }) {
  const n = items.length, d = items[0].features.length;
  const raw = new Float32Array(n * d);
  items.forEach((it, i) => raw.set(it.features, i * d));
  // Scaled the way the page scales them, so a folder gives the same map in both.
  const X = standardise(raw, n, d, featureBlocks(d, feature));
  const spherical = feature === 'embedding';
  const labelNames = [...new Set(items.map((it) => it.label).filter(Boolean))].sort();
  const labels = Int32Array.from(items, (it) => (it.label ? labelNames.indexOf(it.label) : -1));
  const layouts = {};
  let quality = null;
  const wanted = [[projection, dims], [projection, 5 - dims]];
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
        const kk = Math.min(10, n - 2);
        quality = { layout: `${proj}-${k}d` };
        if (kk >= 1) Object.assign(quality, m.quality(kk, Math.min(n, QUALITY_QUERIES)));
        if (labelNames.length > 1) quality.labelAccuracy = m.labelAccuracy(labels, Math.min(n, QUALITY_QUERIES));
        const kc = clusters === 'auto' ? (labelNames.length > 1 ? labelNames.length : Math.min(12, Math.round(Math.sqrt(n / 2)))) : clusters;
        if (kc >= 2 && kc < n) {
          const c = m.cluster(kc, spherical);
          items.forEach((it, i) => { it.cluster = c[i]; });
          quality.clusters = kc;
        }
      }
    } finally { m.free(); }
    if (!quiet) log(`${proj} ${k}-D of ${n} points in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  // The grid layout: the 2-D map assigned to the cells of a square grid (as AudioNotebooks'
  // grid spritesheets), up to GRID_MAX points.
  const flat = layouts[`${projection}-2d`];
  if (flat && n >= 2 && n <= GRID_MAX) {
    const t0 = Date.now();
    const cols = Math.ceil(Math.sqrt(n)), rows = Math.ceil(n / cols);
    const cell = engine.gridAssign(flat, n, cols, rows);
    const grid = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) { grid[2 * i] = cell[i] % cols; grid[2 * i + 1] = Math.floor(cell[i] / cols); }
    layouts['grid-2d'] = grid;
    if (!quiet) log(`grid ${cols} x ${rows} of ${n} points in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (quality && quality.trustworthiness !== undefined) {
    const r = (v) => Math.round(v * 1000) / 1000;
    quality.trustworthiness = r(quality.trustworthiness);
    quality.continuity = r(quality.continuity);
    if (quality.labelAccuracy !== undefined) quality.labelAccuracy = r(quality.labelAccuracy);
    log(`map quality (${quality.layout}, k = ${quality.k}): trustworthiness ${quality.trustworthiness}, continuity ${quality.continuity}` +
      (quality.labelAccuracy !== undefined ? `, 1-NN label accuracy ${quality.labelAccuracy}` : ''));
  }
  return { layouts, quality };
}

// ---------------------------------------------------------------- project
async function project(args) {
  const [file] = args._;
  if (!file) throw new Error('project needs an embeddings .npy file');
  if (!args.out) throw new Error('project needs --out <dir>');
  const projection = oneOf('projection', args.projection ?? 'umap', ['umap', 'tsne', 'pca']);
  const dims = intOpt('dims', args.dims ?? 2, 2, 3);
  const seed = intOpt('seed', args.seed ?? 42, 0, 2 ** 32 - 1);
  const { data, shape } = npyDecode(fs.readFileSync(file), file);
  if (shape.length !== 2) throw new Error(`${file}: expected a 2-D array (N x D), got shape (${shape})`);
  const [n, d] = shape;
  let names = null;
  if (args.files) {
    names = fs.readFileSync(args.files, 'utf8').split(/\r?\n/).filter((l) => l.length);
    if (names.length !== n) throw new Error(`${args.files} has ${names.length} names for ${n} rows`);
  }
  const engine = await loadEngine(fs.readFileSync(wasmPath()));
  const pr = progress(args.quiet);
  const m = engine.createMap(data, n, d, { projection, dims, seed });
  let layout;
  try {
    let left = m.totalSteps;
    while (left > 0) left = m.step(Math.max(1, Math.ceil(m.totalSteps / 20)));
    layout = m.layout();
    if (m.excluded.length) pr.log(`${file}: rows ${m.excluded.slice(0, 10).join(', ')}${m.excluded.length > 10 ? ', …' : ''} have non-finite values and were left out`);
  } finally { m.free(); }
  const out = path.resolve(args.out);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'layout.npy'), npyEncode(layout, [n, dims]));
  if (names) {
    const items = names.map((f) => ({ file: f, label: '', start: 0, length: 0, clipStart: 0, clipDuration: 0, descriptors: [0, 0, 0, 0, 0, 0] }));
    const ds = buildDataset({ name: path.basename(out), generator: `sonomap ${VERSION}`, items, layouts: { [`${projection}-${dims}d`]: layout }, projection, seed });
    ds.config.sprite = null; ds.config.audio = null;
    fs.writeFileSync(path.join(out, 'config.json'), JSON.stringify(ds.config, null, 1) + '\n');
    fs.writeFileSync(path.join(out, 'projections.json'), JSON.stringify(ds.projections) + '\n');
    fs.writeFileSync(path.join(out, 'files.txt'), ds.filesTxt);
  }
  pr.log(`wrote ${path.join(out, 'layout.npy')} (${n} x ${dims}${m.excluded.length ? `, ${m.excluded.length} rows NaN` : ''})`);
  return 0;
}
