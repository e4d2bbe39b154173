// main.js — the page's entry: takes files (drop, pickers) or a dataset folder (?dataset=<url>),
// runs the analysis in a worker pool and the projection in a worker, and shows the map you can
// hear. This module only makes the page's parts and wires them; the work is in the modules
// beside it (state.js holds what the page remembers).
//
// Debug handle for tests and the curious, read-only: window.sonomap
//   .status        the status line's text
//   .count         number of points on the map
//   .layout        copy of the positions drawn, Float32Array(count * 2) (the projection's
//                  layout stretched to the window and nudged apart: see view/spread.js)
//   .screenPoint(i) {x, y} of point i's centre in page (client) CSS px, or null
//   .items         [{file, label, tags: [{name, score}], duration (s), centroid (Hz)}] per point
//   .failures      [{file, reason}] files that could not be analysed
//   .lastPlayed    {index, file, start, duration, pan, loop} of the last sound started, or null
//   .rawLayout     the projection's own layout (n x dims), before it is fitted to the window
//   .jobSizes      files per analysis job of the current map (several when a model batches them)
//   .decodedBy     {decoder: files} for the current map: 'engine', 'webcodecs mp3', 'page decodeAudioData', ...
//   .audioState    the AudioContext's state ('none' before the first sound)
//   .plays         how many sounds have been started
//   .transitioning whether the points are travelling to a new layout (~400 ms after a switch;
//                  .layout is where they go)
//   .layoutNow     the positions drawn in this frame (= .layout but while transitioning; in
//                  the view's dims, 3 during a 2-D ↔ 3-D switch)
//   .dims          2 or 3: the view shown; in 3-D .layout is Float32Array(count * 3) (the
//                  layout centred and stretched to [-1, 1] per axis) and screenPoint projects
//   .colorBy       'none' | 'label' | 'tag' | 'cluster' | 'distance'
//   .groups        per point the legend group it is coloured by (Int32Array, -1 none), or null
//   .legendNames   the legend's entries, in order
//   .clusters      {k, spherical, index: Int32Array} of the last k-means, or null
//   .clusterTable  counts[cluster][label] (last column: unlabelled) when both exist, or null
//   .distances     Float32Array cosine distance of every point to .distanceFrom, or null
//   .distanceFrom  index of the point the distances are from, or -1
//   .quality       {trustworthiness, continuity, k, queries, labelAccuracy, layout} of the
//                  layout shown (computed in the projection worker after mapping), or null
//   .grid          whether the map is snapped to a grid
//   .selection     indices of the box-selected points (shift-drag), [] when none
//   .busy          whether a map is being made
//   .lastMapMs     wall time of the last projection run (ms, from the request to its layout)
//   .drawStats     {draws, ms, full}: frames the map has drawn, the main thread's time in them,
//                  and how many drew every point (the others moved the kept picture)
//   .timePath      long recordings: per recording the indices of its windows in time order
//   .timePathDrawn line segments of the time path the view draws
//   .playhead      {path, window, index, time (s), playing} of the recording played last, or null
//   .live          the microphone (Listen live): {on, error (the message shown, or null),
//                  position {x, y} page px of the marker or null, nearest [indices], distances,
//                  updates (answers so far), rms}
//   .tilesDropped  {width, height, budget, n} when the sprite sheet is past the GPU's texture
//                  budget and the map draws plain points (with a notice), else null
//   .mapFeatures(X, n, d, {projection, dims, labels, features, tiles}) maps feature rows made
//                  elsewhere (no audio, plain tiles) through the same projection worker; resolves
//                  {ms, status} when the layout is shown. For tests of large maps.
import { Legend } from '../view/legend.js';
import { MapView } from '../view/map-view.js';
import { wireAtlasNotice } from './atlas-notice.js';
import { Player } from './audio.js';
import { findElements, setContext } from './context.js';
import { loadDataset } from './dataset-loading.js';
import { installDebugHandle } from './debug.js';
import { wireEvents } from './events.js';
import { onClick, onHover } from './listening.js';
import { wireLive } from './live.js';
import { showEmpty, wireLayoutChanges } from './mapping.js';
import { Progress } from './progress.js';
import { onBox, updateStates } from './selection.js';
import { wasmModule } from './services.js';
import { clickPlaysRecording, wireTimeline } from './timeline.js';
import { hideTooltipIfMoved } from './tooltip.js';

const ui = findElements(document);
const progress = new Progress(ui.status, ui.failures, ui.bar);
// The legend's entries: ui.legend sits in the colour panel, whose select names what it shows.
const legend = new Legend(ui.legend, () => updateStates());
let view = null;
try {
  view = new MapView(ui.canvas, {
    onHover,
    onClick: (i, e) => clickPlaysRecording(i) || onClick(i, e),
    onBox,
    onInteract: () => hideTooltipIfMoved(),
  });
} catch (e) {
  progress.message(`The map cannot be drawn: ${e.message}`);
}
setContext({ ui, view, progress, player: new Player(), legend });
wireLayoutChanges();
wireEvents();
wireTimeline();
wireLive();
wireAtlasNotice();
installDebugHandle();

const param = new URLSearchParams(location.search).get('dataset');
if (param) loadDataset(param);
else {
  showEmpty(true);
  progress.message('Drop sounds or a folder anywhere to make a map');
  wasmModule().catch(() => {}); // compile while the person picks files
}
