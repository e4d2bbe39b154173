// output-options.mjs — the options that say how a dataset folder is laid out and written, shared
// by `analyze` and `merge`: the layout (projection, dims, seed, clusters, fit-sample), the sprite sheets
// (tile, format, sheet size, grid sheet), the spriteclip format and the name.
import { intOpt, oneOf } from './args.mjs';
import { fitSampleOpt } from './fit-sample.mjs';

export const OUTPUT_OPTIONS = {
  projection: { type: 'string' },
  dims: { type: 'string' },
  seed: { type: 'string' },
  clusters: { type: 'string' },
  'fit-sample': { type: 'string' },
  tile: { type: 'string' },
  sprite: { type: 'string' },
  'sheet-size': { type: 'string' },
  'grid-sprite': { type: 'boolean' },
  'sprite-cells': { type: 'string' },
  audio: { type: 'string' },
  name: { type: 'string' },
};

/** The output options' values, checked (UsageError for the first bad one). */
export function outputSettings(values) {
  const clusters = values.clusters ?? 'auto';
  return {
    projection: oneOf('projection', values.projection ?? 'umap', ['umap', 'tsne', 'pca']),
    dims: intOpt('dims', values.dims ?? 2, 2, 3),
    seed: intOpt('seed', values.seed ?? 42, 0, 2 ** 32 - 1),
    clusters: clusters === 'auto' ? 'auto' : intOpt('clusters', clusters, 0, 1000),
    fitSample: fitSampleOpt(values),
    tile: values.tile === undefined ? null : intOpt('tile', values.tile, 8, 512),
    spriteFormat: oneOf('sprite', values.sprite ?? 'png', ['png', 'jpg']),
    sheetSize: intOpt('sheet-size', values['sheet-size'] ?? 4096, 256, 16384),
    gridSprite: !!values['grid-sprite'],
    spriteCells: oneOf('sprite-cells', values['sprite-cells'] ?? 'auto', ['auto', 'on', 'off']),
    audioFormat: oneOf('audio', values.audio ?? 'flac', ['flac', 'wav']),
    name: values.name ?? null,
  };
}
