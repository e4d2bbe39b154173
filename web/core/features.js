// features.js — from one file's analysis to map items: feature vectors, the span of audio that
// goes into the spriteclip, and where each item plays inside it. Shared by the page and the CLI.

export const FEATURE_KINDS = [
  'embedding',
  'fingerprint',
  'descriptors',
  'timbre',
  'embedding+timbre',
];

/** Whether a feature kind needs a model (its embedding). */
export const needsModel = (kind) => kind === 'embedding' || kind === 'embedding+timbre';

/** The kind made instead when a model was wanted but none could be loaded. */
export const withoutModel = (kind) => (kind === 'embedding+timbre' ? 'timbre' : 'fingerprint');

/** The clip windows (engine modes) of one point per file, and the CLI's / page's default. */
export const CLIP_MODES = ['clip', 'onset', 'whole', 'blend'];
export const DEFAULT_MODE = 'whole';
export const TOP_TAGS = 5;
const PATCH = 96 * 64;
/** Timbre values per segment (SM_NTIMBRE: 20 MFCC means, then 20 deviations). */
export const NTIMBRE = 40;
const BATCH = 16;
export const DEFAULT_CLIP_SECONDS = 2.5;

/** Descriptors on comparable scales: logs of frequencies, level and duration. */
export function descriptorVector(d) {
  return Float32Array.of(
    Math.log(d[0] + 1),
    Math.log(d[1] + 1),
    Math.log(d[2] + 1),
    Math.log10(d[3] + 1e-5),
    d[4] * 10,
    Math.log(d[5] + 0.01),
  );
}

/** The feature vector of one segment for the chosen kind. */
export function featureVector(seg, kind) {
  switch (kind) {
    case 'fingerprint': {
      const v = new Float32Array(seg.fingerprint.length + 6);
      v.set(seg.fingerprint);
      v.set(descriptorVector(seg.descriptors), seg.fingerprint.length);
      return v;
    }
    case 'descriptors':
      return descriptorVector(seg.descriptors);
    case 'timbre':
      return seg.timbre;
    case 'embedding':
    case 'embedding+timbre': {
      if (!seg.embedding)
        throw new Error('no model loaded: embedding features need a YAMNet model (--model)');
      if (kind === 'embedding') return seg.embedding;
      const v = new Float32Array(seg.embedding.length + seg.timbre.length);
      v.set(seg.embedding);
      v.set(seg.timbre, seg.embedding.length);
      return v;
    }
    default:
      throw new Error(`unknown feature kind '${kind}'`);
  }
}

/** Run the model over every segment of one analysis (batched across segments): sets each
 *  segment's `embedding` (the weighted mean over its patches, sm_segment_patch_weight: one
 *  patch, or all of them in whole and blend mode) and `tags` (the top classes of the scores
 *  averaged the same way, [{name, score}]). */
export function embedSegments(model, result) {
  const segs = result.segments;
  const jobs = []; // [segment index, patch data, weight]
  segs.forEach((s, i) => {
    const p = s.patches ?? s.logmel;
    const np = p.length / PATCH;
    for (let k = 0; k < np; k++)
      jobs.push([i, p.subarray(k * PATCH, (k + 1) * PATCH), s.weights ? s.weights[k] : 1 / np]);
  });
  const E = model.size,
    C = model.classes;
  const emb = segs.map(() => new Float32Array(E));
  const sc = segs.map(() => new Float32Array(C));
  for (let b = 0; b < jobs.length; b += BATCH) {
    const chunk = jobs.slice(b, b + BATCH);
    const X = new Float32Array(chunk.length * PATCH);
    chunk.forEach(([, p], k) => X.set(p, k * PATCH));
    const out = model.embed(X, chunk.length);
    chunk.forEach(([i, , w], k) => {
      for (let j = 0; j < E; j++) emb[i][j] += w * out.embeddings[k * E + j];
      for (let j = 0; j < C; j++) sc[i][j] += w * out.scores[k * C + j];
    });
  }
  segs.forEach((s, i) => {
    s.embedding = emb[i];
    s.tags = C ? model.top(sc[i], 0, TOP_TAGS) : [];
    delete s.patches;
    delete s.weights;
  });
}

/** Items of one analysed file. In clip modes one item whose sound is the stretch of the clip
 *  around its peak window (at most clipSeconds); in long mode one item per segment, all playing
 *  from the whole recording. Returns {items, audio} where each item's clipStart is relative to
 *  the start of `audio`. */
export function fileItems(
  file,
  result,
  {
    mode = DEFAULT_MODE,
    feature = 'fingerprint',
    clipSeconds = DEFAULT_CLIP_SECONDS,
    label = '',
  } = {},
) {
  const rate = 16000;
  const dur = result.audio.length / rate;
  const items = [];
  let audio;
  if (mode === 'long') {
    audio = result.audio;
    result.segments.forEach((seg, i) =>
      items.push(
        item(file, seg, feature, label, {
          segment: i,
          clipStart: seg.start,
          clipDuration: seg.length,
          duration: dur,
        }),
      ),
    );
  } else {
    const seg = result.segments[0];
    const span = Math.min(dur, clipSeconds);
    // Start where the span still holds the whole peak window, as early as possible.
    let t0 = Math.min(seg.start, Math.max(0, dur - span));
    t0 = Math.max(0, Math.min(t0, seg.start + seg.length - span));
    const a = Math.round(t0 * rate),
      b = Math.min(result.audio.length, a + Math.round(span * rate));
    audio = result.audio.subarray(a, b);
    items.push(
      item(file, seg, feature, label, {
        segment: 0,
        clipStart: 0,
        clipDuration: (b - a) / rate,
        duration: dur,
      }),
    );
  }
  return { items, audio };
}

function item(file, seg, feature, label, extra) {
  return {
    file,
    label,
    tags: seg.tags ?? [],
    start: seg.start,
    length: seg.length,
    descriptors: Array.from(seg.descriptors),
    features: featureVector(seg, feature),
    logmel: seg.logmel,
    ...extra,
  };
}

/** Join per-file audio spans into one spriteclip with short silences between them, and set each
 *  item's clipStart to its absolute position (s). */
export function joinSpriteclip(parts, rate = 16000, gapSeconds = 0.05) {
  const gap = Math.round(gapSeconds * rate);
  let total = 0;
  for (const p of parts) total += p.audio.length + gap;
  const out = new Float32Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p.audio, pos);
    for (const it of p.items) it.clipStart = pos / rate + it.clipStart;
    pos += p.audio.length + gap;
  }
  return out;
}

/** How the feature columns are scaled before mapping: the 32×32 fingerprint as one block (one
 *  scale, so quiet pixels are not blown up), the six descriptors each to unit variance with a
 *  weight that gives them about a fifth of the total variance; embeddings as one block; timbre
 *  column by column (its columns have very different ranges); embedding+timbre as the two
 *  blocks, each weighted so that its total variance is 1 (embedding 1/sqrt(E) with one sd for
 *  the block, timbre 1/sqrt(40) per column). The page and the CLI use the same rule, so the
 *  same sounds give the same map. */
export function featureBlocks(d, kind) {
  if (kind === 'embedding') return [{ start: 0, end: d, weight: 1, scale: 'global' }];
  if (kind === 'embedding+timbre') {
    const E = d - NTIMBRE;
    return [
      { start: 0, end: E, weight: 1 / Math.sqrt(E), scale: 'global' },
      { start: E, end: d, weight: 1 / Math.sqrt(NTIMBRE), scale: 'column' },
    ];
  }
  if (kind === 'fingerprint' && d === 1030) {
    return [
      { start: 0, end: 1024, weight: 1, scale: 'global' },
      { start: 1024, end: 1030, weight: Math.sqrt((0.25 * 1024) / 6), scale: 'column' },
    ];
  }
  return [{ start: 0, end: d, weight: 1, scale: 'column' }];
}

/** A standardised copy of X (n x d) by blocks [{start, end, weight, scale: 'column'|'global'}].
 *  Rows holding NaN/Inf are left out of the statistics and kept as they are (the engine then
 *  excludes and reports them). */
export function standardize(X, n, d, blocks = featureBlocks(d)) {
  const out = new Float32Array(X.length);
  out.set(X);
  const finite = new Uint8Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    let ok = 1;
    for (let j = 0, o = i * d; j < d; j++)
      if (!Number.isFinite(X[o + j])) {
        ok = 0;
        break;
      }
    finite[i] = ok;
    m += ok;
  }
  if (m === 0) return out;
  for (const b of blocks) {
    const w = b.weight ?? 1,
      len = b.end - b.start;
    const mean = new Float64Array(len),
      vari = new Float64Array(len);
    for (let i = 0; i < n; i++)
      if (finite[i]) for (let j = 0, o = i * d + b.start; j < len; j++) mean[j] += X[o + j];
    for (let j = 0; j < len; j++) mean[j] /= m;
    for (let i = 0; i < n; i++)
      if (finite[i])
        for (let j = 0, o = i * d + b.start; j < len; j++) {
          const v = X[o + j] - mean[j];
          vari[j] += v * v;
        }
    let global = 0;
    for (let j = 0; j < len; j++) {
      vari[j] /= m;
      global += vari[j];
    }
    global = Math.sqrt(global / Math.max(1, len));
    for (let i = 0; i < n; i++) {
      if (!finite[i]) continue;
      for (let j = 0, o = i * d + b.start; j < len; j++) {
        const sd = b.scale === 'global' ? global : Math.sqrt(vari[j]);
        out[o + j] = sd > 1e-12 ? ((X[o + j] - mean[j]) / sd) * w : 0;
      }
    }
  }
  return out;
}

/** Cosine distance of every row of X (n x d) to row `from` → Float32Array(n); rows of zeros
 *  are at distance 1 (0 from themselves). */
export function cosineDistances(X, n, d, from) {
  const out = new Float32Array(n);
  const o = from * d;
  let na = 0;
  for (let j = 0; j < d; j++) na += X[o + j] * X[o + j];
  na = Math.sqrt(na);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    let dot = 0;
    let nb = 0;
    for (let j = 0; j < d; j++) {
      const v = X[r + j];
      dot += v * X[o + j];
      nb += v * v;
    }
    const den = na * Math.sqrt(nb);
    out[i] = den > 0 ? 1 - dot / den : i === from ? 0 : 1;
  }
  return out;
}
