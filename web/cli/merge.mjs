// merge.mjs — `sonomap merge <part>... --out <dir>`: the part folders of a sharded analysis
// (`analyze --shard i/n`) joined into one dataset folder: rows in the order one run over all the
// files gives, sprite sheet and spriteclip rebuilt, failures joined, then laid out as `analyze`
// lays out. Parts from different runs (another model, feature kind, mode, window, labels or
// inputs), a shard given twice or missing, or a part that is broken stop it with the part's
// name and the reason; nothing is written then, and nothing already there is overwritten.
import fs from 'node:fs';
import path from 'node:path';
import { loadEngine } from '../core/engine.js';
import { UsageError } from './args.mjs';
import { writeDataset } from './dataset-writer.mjs';
import { progress } from './files.mjs';
import { FIT_SAMPLE_USAGE } from './fit-sample.mjs';
import { OUTPUT_OPTIONS, outputSettings } from './output-options.mjs';
import { readParts } from './parts.mjs';

export const MERGE_OPTIONS = {
  out: { type: 'string' },
  ...OUTPUT_OPTIONS,
  quiet: { type: 'boolean' },
};

export const MERGE_USAGE = `usage: sonomap merge <part-dir>... --out <dir> [options]

Joins the part folders written by \`sonomap analyze --shard i/n\` (every shard 0 to n-1 once)
into one dataset folder, the same as one analyze run over all the files, and maps it.

options:
  --out <dir>                 the dataset folder to write (required; new or empty)
  --projection umap|tsne|pca  (default umap)
  --dims 2|3                  main layout (both are written; default 2)
  --seed <n>                  0 to 4294967295 (default 42)
  --clusters <k>|auto|0       k-means clusters (default auto)
  --tile <px>                 sprite tile size, 8 to 512 (default: fits one sheet, 32 to 128)
  --sprite png|jpg            sprite sheet format (default png)
  --sheet-size <px>           largest sprite sheet side, 256 to 16384 (default 4096, what every
                              WebGL2 browser takes): more tiles go to more sheets
  --grid-sprite               also write grid-sprite.png: the tiles laid out by the grid layout
  --sprite-cells auto|on|off  small sheets grouped by position on the map, streamed by the page
                              when zoomed in (sprite-cells/, sprite-index.npy; auto: from 50,000
                              sounds on)
  --audio flac|wav            spriteclip format (default flac)
  --name <text>               dataset name (default: the output folder's name)
${FIT_SAMPLE_USAGE}  --quiet                     no progress lines
  -h, --help                  this help
`;

export function mergeSettings(values, positionals) {
  if (!positionals.length) throw new UsageError('merge needs the part folders');
  if (values.out === undefined) throw new UsageError('merge needs --out <dir>');
  return {
    parts: positionals,
    out: values.out,
    ...outputSettings(values),
    quiet: !!values.quiet,
  };
}

/** Runs merge; resolves the exit status. */
export async function merge(s, ctx) {
  const pr = progress(s.quiet);
  const out = path.resolve(s.out);
  if (fs.existsSync(out) && fs.readdirSync(out).length) {
    pr.log(`sonomap merge: ${s.out} is not empty; nothing is overwritten (give a new folder)`);
    return 2;
  }
  if (s.parts.some((p) => path.resolve(p) === out)) {
    pr.log(`sonomap merge: --out ${s.out} is one of the parts`);
    return 2;
  }
  let joined;
  try {
    joined = readParts(s.parts);
  } catch (e) {
    pr.log(`sonomap merge: ${e.message}; nothing written`);
    return 2;
  }
  const { head, ok, failed } = joined;
  for (const f of failed) pr.log(`${f.file}: ${f.reason}`);
  if (!ok.length) {
    pr.log(`sonomap merge: nothing was analysed in these parts (${failed.length} failed)`);
    return 1;
  }
  pr.log(
    `merging ${s.parts.length} parts: ${ok.length} files of ${head.inputs}` +
      (failed.length ? ` · ${failed.length} failed` : ''),
  );
  const engine = await loadEngine(fs.readFileSync(ctx.wasmUrl));
  const { feature, model } = head.settings;
  const modelInfo = model ? { ...model } : null;
  if (modelInfo) delete modelInfo.sha256;
  return writeDataset(
    engine,
    ok,
    failed,
    { ...s, mode: head.settings.mode },
    { feature, modelInfo, ctx, pr },
  );
}
