// state.js — everything the page remembers, declared here and nowhere else. One object, shared
// by the page's modules; resetState() clears what belongs to one map when a new one starts
// (the engine, the projection worker, the chosen model and colour mode outlive maps).

export const state = {
  // ---- outlive maps ----
  wasm: null, //        Promise of the compiled sonomap.wasm (services.js)
  projector: null, //   the projection worker's Projector (services.js)
  shippedModel: null, // Promise of the shipped model's {name, bytes} (services.js)
  modelFile: null, //   {name, bytes} of a dropped model, used for this and later maps
  colorBy: 'none', //   the colour mode chosen: none | label | tag | cluster | distance | a descriptor (descriptors.js)
  entries: null, //     the files of the current map, re-analysed when the mode changes
  jobSizes: [], //      files per analysis job of the current map
  keptRun: 0, //        the run whose map the projection worker keeps (for clusters)
  mapping: false, //    whether the projection worker is making a layout
  lastMapMs: NaN, //    wall time of the last projection run
  layout: null, //      the positions drawn (after spread / normalize3)
  dims: 2, //           2 or 3, the view shown
  clusterTable: null, // counts[cluster][label] of the chart
  relayoutTimer: 0, //  the pending re-layout after a resize
  drawTimer: 0, //      a progress layout waiting to be drawn (large maps)
  drawLast: 0, //       when the last progress layout was drawn
  drawPending: null, // [layout, dims] waiting for drawTimer
  analysed: 0, //       files sent to the analysis workers since the page opened
  labelsWorker: null, // the label-prediction Worker (predictions.js), made on first use
  labelsRows: null, //  the feature rows that worker holds (sent once per map)
  labelTables: null, // labels files given with the current sounds [{name, rows, problems}]
  // ---- one map (resetState) ----
  run: 0, //            bumps on every new map; stale async work checks it and stops
  pool: null, //        the analysis WorkerPool while files are analysed
  model: null, //       the map model (dataset.js shape) plus X, d, sprite, paths, labelInfo
  decodedBy: {}, //     {decoder: files} of this map
  shown: false, //      whether the view holds this model's points yet
  rawLayout: null, //   the projection's layout (n x rawDims) before it is fitted to the view
  rawDims: 2,
  hover: -1, //         the point under the mouse
  focus: -1, //         the point focused by keys or a click
  coloring: null, //    {kind, index, colors, names, ...} the points are coloured by now
  clusters: null, //    {k, spherical, index} of the last k-means
  distances: null, //   {from, values} cosine distances from a point
  quality: null, //     the quality figures of the layout shown
  grid: false, //       whether the map is snapped to a grid
  selection: [], //     the selected points (box, lasso), in the order chosen; replaced on change
  boxTimer: 0, //       the next sound of the selection played in turn
  selectionPlaying: -1, // the selected point sounding in turn now, or -1
  reused: 0, //         files of this map whose analysis was kept from an interrupted one
  similar: null, //     {from, list: [{index, distance}]} shown in the similar panel
  predicting: 0, //     the label-prediction request in flight (0: none)
};

/** Forgets the current map and starts run number state.run + 1; returns it. */
export function resetState() {
  state.run++;
  state.pool?.close();
  state.pool = null;
  state.model = null;
  state.decodedBy = {};
  state.shown = false;
  state.rawLayout = null;
  state.hover = -1;
  state.focus = -1;
  state.coloring = null;
  state.clusters = null;
  state.distances = null;
  state.quality = null;
  state.grid = false;
  state.selection = [];
  state.reused = 0;
  state.similar = null;
  state.predicting = 0;
  return state.run;
}
