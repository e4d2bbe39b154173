// analyze.mjs — `sonomap analyze <file-or-folder>... --out <dir>`: every sound analysed in a pool
// of worker threads (each with its own wasm engine), mapped in 2-D and 3-D, and written as a
// dataset folder (README "The dataset folder").
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadEngine } from '../core/engine.js';
import {
  CLIP_MODES,
  DEFAULT_CLIP_SECONDS,
  DEFAULT_MODE,
  FEATURE_KINDS,
  needsModel,
  withoutModel,
} from '../core/features.js';
import { LABEL_SCHEMES, labeller, readLabelTable } from '../core/labels.js';
import { analysisBatch, DEFAULT_MODEL, modelName } from '../core/policy.js';
import { intOpt, numOpt, oneOf, UsageError } from './args.mjs';
import { writeDataset } from './dataset-writer.mjs';
import { collectFiles, progress } from './files.mjs';
import { FIT_SAMPLE_USAGE } from './fit-sample.mjs';
import { OUTPUT_OPTIONS, outputSettings } from './output-options.mjs';
import { parseShard, shardOf, writePart } from './parts.mjs';

/** Features made without a model: asking for them skips loading one. */

export const ANALYZE_OPTIONS = {
  out: { type: 'string' },
  mode: { type: 'string' },
  features: { type: 'string' },
  model: { type: 'string' },
  labels: { type: 'string' },
  jobs: { type: 'string' },
  'clip-seconds': { type: 'string' },
  ...OUTPUT_OPTIONS,
  shard: { type: 'string' },
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
  --tile <px>                 sprite tile size, 8 to 512 (default: fits one sheet, 32 to 128)
  --sprite png|jpg            sprite sheet format (default png)
  --sheet-size <px>           largest sprite sheet side, 256 to 16384 (default 4096, what every
                              WebGL2 browser takes): more tiles go to more sheets
  --grid-sprite               also write grid-sprite.png: the tiles laid out by the grid layout
  --sprite-cells auto|on|off  small sheets grouped by position on the map, streamed by the page
                              when zoomed in (sprite-cells/, sprite-index.npy; auto: from 50,000
                              sounds on)
  --audio flac|wav            spriteclip format, 16 kHz mono 16-bit (default flac)
  --name <text>               dataset name (default: the output folder's name)
  --shard <i>/<n>             analyse only shard i (0 to n-1) of n: a fixed 1/n of the files, by
                              a hash of each one's path relative to the inputs' common folder;
                              --out gets a part folder that \`sonomap merge\` joins with the
                              others into one dataset (the same as one run over all files)
${FIT_SAMPLE_USAGE}  --quiet                     no progress lines
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
  return {
    out: values.out,
    inputs: positionals,
    mode: modeArg === 'clips' ? 'clip' : modeArg,
    feature:
      values.features === undefined ? null : oneOf('features', values.features, FEATURE_KINDS),
    model: values.model ?? null,
    jobs: intOpt('jobs', values.jobs ?? cores, 1, 256),
    clipSeconds: numOpt('clip-seconds', values['clip-seconds'] ?? DEFAULT_CLIP_SECONDS, 0.5, 600),
    labels: labels ?? null,
    ...outputSettings(values),
    shard: values.shard === undefined ? null : parseShard(values.shard),
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
  const all = collectFiles(s.inputs, pr.log);
  if (!all.length) {
    pr.log('sonomap: no audio files found');
    return 1;
  }
  all.forEach((f, i) => {
    f.order = i;
  });
  const files = s.shard ? all.filter((f) => shardOf(f.rel, s.shard.count) === s.shard.index) : all;

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
  if (s.shard) {
    const order = new Map(files.map((f) => [f.rel, f.order]));
    const hash = (b) => crypto.createHash('sha256').update(b).digest('hex').slice(0, 16);
    writePart(s.out, {
      shard: s.shard,
      inputs: all.length,
      generator: `sonomap ${ctx.version}`,
      settings: {
        mode: s.mode,
        feature,
        clipSeconds: s.clipSeconds,
        labels:
          s.labels && /\.(csv|tsv|txt)$/i.test(s.labels)
            ? `table ${hash(fs.readFileSync(s.labels))}`
            : (s.labels ?? null),
        model: modelInfo && { ...modelInfo, sha256: hash(modelBytes) },
      },
      ok: parts.flatMap((p, k) => (p ? [{ ...p, order: files[k].order }] : [])),
      failed: failed.map((f) => ({ ...f, order: order.get(f.file) })),
    });
    pr.log(
      `wrote part ${s.shard.index}/${s.shard.count} to ${s.out}: ${files.length} of ${all.length} files` +
        (failed.length ? ` · ${failed.length} failed` : ''),
    );
    return 0;
  }
  const ok = parts.filter(Boolean);
  const items = ok.flatMap((p) => p.items);
  if (!items.length) {
    pr.log(`sonomap: nothing could be analysed (${failed.length} failed)`);
    return 1;
  }

  return writeDataset(engine, ok, failed, s, { feature, modelInfo, ctx, pr });
}

/** Analyses the files in a pool of worker threads → {parts: [{items, audio} | undefined per
 *  file], failed: [{file, reason}]}. */
function analyzeInWorkers(files, s, opts, label, modelBytes, ctx, pr) {
  if (!files.length) return Promise.resolve({ parts: [], failed: [] });
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
