// policy.js — the choices the page and the CLI must make alike, in one place: how files are
// batched for the analysis workers, how many clusters "auto" means, how many rows the quality
// figures sample, how large a map may be snapped to a grid, the shape a 2-D map is stretched
// to, the tile shown when a map has no sprite sheet, and how a sound tag is named. Pure
// functions and constants; nothing here touches the DOM or Node.

/** The model that ships with sonomap (models/sonomap-s.md): used when no other model is given.
 *  `file` is relative to dist/ (the page fetches it next to main.js, the CLI reads it next to
 *  sonomap.mjs). */
export const DEFAULT_MODEL = { name: 'sonomap-s', file: 'models/sonomap-s.smnn' };

/** A loaded model file's name as config.json and the status line give it: its base name. */
export function modelName(file) {
  return String(file).split(/[\\/]/).pop();
}

/** The seed of every map made unless one is asked for: the same sounds give the same map. */
export const SEED = 42;

/** Sample rate of the spriteclip (the engine's analysis rate): 16 kHz mono. */
export const SPRITECLIP_RATE = 16000;

/** Rows sampled (as queries) for trustworthiness, continuity and the 1-NN label accuracy.
 *  1,000 rather than 500: the figures are shown with three decimals, and the sampling error of
 *  a mean over q rows falls as 1 / sqrt(q); 1,000 queries against 100,000 rows still take well
 *  under a second of the engine's time, off the main thread on the page. */
export const QUALITY_QUERIES = 1000;

/** Neighbours the quality figures look at. */
export const QUALITY_K = 10;

/** Queries for a map of n rows: every row up to QUALITY_QUERIES, that many sampled beyond. */
export function qualityQueries(n) {
  return Math.min(n, QUALITY_QUERIES);
}

/** Largest map that can be snapped to a grid (the CLI writes grid-2d up to it too). */
export const GRID_MAX = 20000;

/** Whether a map of n points can be snapped to a grid. */
export function gridAllowed(n) {
  return n >= 2 && n <= GRID_MAX;
}

/** Largest number of files in one analysis job. */
export const BATCH_MAX = 8;

/** Files per analysis job. With a model, in the clip modes, several files go in one job so
 *  their patches are embedded in one batch (the network's matrix products run efficiently on
 *  many rows), yet each worker gets at least two jobs so a slow file does not leave the others
 *  idle. Without a model, or in long mode (one file is already many patches), one at a time. */
export function analysisBatch(files, workers, { model = false, mode = 'clip' } = {}) {
  if (!model || mode === 'long') return 1;
  return Math.max(1, Math.min(BATCH_MAX, Math.floor(files / (2 * Math.max(1, workers)))));
}

/** Most clusters "auto" gives without labels, and with them. */
export const AUTO_CLUSTERS_MAX = 12;
export const LABEL_CLUSTERS_MAX = 64;

/** The k-means k that "auto" means for n points: one cluster per label when there are two or
 *  more labels (at most LABEL_CLUSTERS_MAX), else about sqrt(n / 2), at most
 *  AUTO_CLUSTERS_MAX. May be below 2 for tiny maps (then no clusters are made). */
export function autoClusterCount(n, labelCount = 0) {
  if (labelCount > 1) return Math.min(LABEL_CLUSTERS_MAX, labelCount);
  return Math.min(AUTO_CLUSTERS_MAX, Math.round(Math.sqrt(n / 2)));
}

/** Width / height a 2-D layout is stretched to for a view of width x height CSS px (the margin
 *  keeps tiles off the edges), kept between 1:2 and 3:1. */
export function mapAspect(width, height) {
  return Math.max(0.5, Math.min(3, (width - 48) / Math.max(1, height)));
}

/** The tile every point shows when a map has no sprite sheet: a square of one colour. */
export const PLACEHOLDER_TILE = { size: 8, color: '#3a4150' };

/** A sound tag's name: tags are {name, score} objects, or plain strings in older datasets. */
export function tagName(t) {
  return (typeof t === 'string' ? t : t?.name) || '';
}

/** The k-means k for a CLI --clusters value ('auto' or a number) and a map of n points with
 *  labelCount labels; 0 when no clusters are to be made. */
export function clusterCount(arg, n, labelCount) {
  const k = arg === 'auto' ? autoClusterCount(n, labelCount) : arg;
  return k >= 2 && k < n ? k : 0;
}
