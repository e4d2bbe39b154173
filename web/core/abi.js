// abi.js — what the JavaScript binding needs to know about the engine, read from the engine
// itself: sm_abi(id) gives the constants, enum codes and sm_map_options layout
// (wasm/sonomap.h, enum sm_abi_id), and the decoder kinds of sm_decoder_for get their names here.

// The engine's facts the binding needs, by sm_abi id (wasm/sonomap.h, enum sm_abi_id): read
// once per instance, so nothing here copies a constant or a struct layout of the C side.
const ABI_VERSION = 1;
const ABI = {
  rate: 1,
  patchFrames: 2,
  patchBands: 3,
  fp: 4,
  ndesc: 5,
  modeClip: 6,
  modeWhole: 7,
  modeLong: 8,
  projPca: 9,
  projUmap: 10,
  projTsne: 11,
  metricEuclidean: 12,
  metricCosine: 13,
  knnAuto: 14,
  knnExact: 15,
  knnApprox: 16,
  mapOptionsSize: 17,
  offProjection: 18,
  offDims: 19,
  offSeed: 20,
  offMetric: 21,
  offNeighbors: 22,
  offMinDist: 23,
  offSpread: 24,
  offPerplexity: 25,
  offIterations: 26,
  offPcaDims: 27,
  offKnn: 28,
  offClusters: 29,
  offSpherical: 30,
  offStandardize: 31,
  decoderUnknown: 32,
  decoderEngine: 33,
  decoderBrowserMpeg: 34,
  decoderBrowserAac: 35,
  decoderBrowserOpus: 36,
  decoderBrowser: 37,
  decoderNone: 38,
  modeOnset: 39,
  modeBlend: 40,
  ntimbre: 41,
};

/** What sm_decoder_for's kinds are called here (analysis results carry them as `decoder`). */
export const DECODERS = [
  'unknown',
  'engine',
  'browser-mpeg',
  'browser-aac',
  'browser-opus',
  'browser',
  'none',
];

/** Whether a decoder kind is one the browser may decode (WebCodecs or decodeAudioData). */
export const needsBrowser = (decoder) => decoder.startsWith('browser');

/** The facts of an instance's engine: constants, enum codes and the sm_map_options layout.
 *  Throws when the engine is not one this binding fits (another ABI version, an unknown id). */
export function readAbi(exports) {
  if (typeof exports.sm_abi !== 'function')
    throw new Error('sonomap.wasm has no sm_abi: rebuild it (make)');
  const version = exports.sm_abi(0);
  if (version !== ABI_VERSION)
    throw new Error(`sonomap.wasm ABI version ${version}, engine.js expects ${ABI_VERSION}`);
  const abi = {};
  for (const [k, id] of Object.entries(ABI)) {
    abi[k] = exports.sm_abi(id);
    if (abi[k] < 0) throw new Error(`sonomap.wasm does not know sm_abi id ${id} (${k})`);
  }
  abi.patch = abi.patchFrames * abi.patchBands;
  abi.fpSize = abi.fp * abi.fp;
  abi.modes = {
    clip: abi.modeClip,
    whole: abi.modeWhole,
    long: abi.modeLong,
    onset: abi.modeOnset,
    blend: abi.modeBlend,
  };
  abi.projections = { pca: abi.projPca, umap: abi.projUmap, tsne: abi.projTsne };
  abi.metrics = { euclidean: abi.metricEuclidean, cosine: abi.metricCosine };
  abi.knn = { auto: abi.knnAuto, exact: abi.knnExact, approx: abi.knnApprox };
  abi.decoders = {};
  DECODERS.forEach((name) => {
    const key = `decoder${name.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`;
    abi.decoders[abi[key]] = name;
  });
  // The binding writes every field of sm_map_options as 4 bytes at its offset.
  const offs = Object.keys(ABI)
    .filter((k) => k.startsWith('off'))
    .map((k) => abi[k]);
  if (offs.some((o) => o % 4 !== 0 || o + 4 > abi.mapOptionsSize)) {
    throw new Error('sm_map_options has a layout engine.js cannot fill');
  }
  return abi;
}
