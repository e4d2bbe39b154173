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
//   .items         [{file, label, tags: [{name, score}], duration (s), centroid (Hz), descriptors:
//                  {centroid, rolloff, bandwidth (Hz), rms (linear), zcr (per sample), duration (s)}}]
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
//   .colorBy       'none' | 'label' | 'tag' | 'cluster' | 'distance' | a descriptor: 'centroid' |
//                  'rolloff' | 'bandwidth' | 'rms' | 'zcr' | 'duration' (continuous, viridis)
//   .colorModes    every colour mode's name, in the menu's order
//   .colorScale    {key, min, max, ticks: [text]} of a descriptor mode's colour bar, or null
//   .hiddenClasses the legend's classes switched off (they fade out, leave hover and search)
//   .onlyClass     the class shown alone ("only"), or null
//   .groups        per point the legend group it is coloured by (Int32Array, -1 none), or null
//   .legendNames   the legend's entries, in order
//   .clusters      {k, spherical, index: Int32Array} of the last k-means, or null
//   .clusterTable  counts[cluster][label] (last column: unlabelled) when both exist, or null
//   .distances     Float32Array cosine distance of every point to .distanceFrom, or null
//   .distanceFrom  index of the point the distances are from, or -1
//   .quality       {trustworthiness, continuity, k, queries, labelAccuracy, layout} of the
//                  layout shown (computed in the projection worker after mapping), or null
//   .grid          whether the map is snapped to a grid
//   .selection     indices of the selected points (box: shift-drag, lasso: alt-drag or the
//                  lasso tool; shift adds), in the order chosen, [] when none
//   .lasso         whether the lasso tool is on
//   .selectionPlaying  the selected point sounding in turn now (space), or -1
//   .lastExport    {kind: 'zip', names, originals, clips} or {kind: 'csv', rows} of the last
//                  selection export, or null
//   .recent        indices of the last 64 sounds started, oldest first
//   .volume, .gain the volume set (0..1) and the master GainNode's value now
//   .maxLoops      how many loops may play at once; .loops: the looping points, oldest first
//   .latency       {eventToStart (ms from the pointer event's timeStamp to the source's
//                  start() call), index, plays} of the last hovered sound, plus the
//                  AudioContext's {base, output} latency (s), or null
//   .busy          whether a map is being made
//   .lastMapMs     wall time of the last projection run (ms, from the request to its layout)
//   .zoom          how far the map is zoomed in: 1 when fitted (2-D scale / fitted scale; 3-D
//                  fitted distance / camera distance)
//   .drawStats     {draws, ms, full}: frames the map has drawn, the main thread's time in them,
//                  and how many drew every point (the others moved the kept picture)
//   .offline       {supported, ready, updateReady, error}: the service worker (offline.js)
//   .savedMaps     [{id, name, count, date, bytes}] the maps kept in this browser, newest first
//   .lastSave      {ok, id} or {ok: false, error} of the last save (error: e.g. 'QuotaExceededError')
//   .storage       {usage, quota, persisted} of this site's storage, or null
//   .savedId       the saved map the map on the page is (its id), or null
//   .reused        files of this map whose analysis was kept from an interrupted one (resume.js)
//   .analysed      files sent to the analysis workers since the page opened
//   .datasetExport {kind: 'zip' | 'folder', name, names, bytes} of the last Export, or null
//   .similar       {from, list: [{index, distance}]}: the similar panel's 10 nearest sounds to
//                  point `from` by cosine distance between feature rows, or null when closed
//   .openSimilar(i) opens the similar panel for point i (a click does too); returns .similar
//   .features      {n, d, X} a copy of the feature rows similar sounds and predictions use
//                  (a loaded map's embeddings.npy), or null
//   .predicted     per point {label, confidence} predicted from its 10 nearest labelled
//                  sounds, or null (labelled, or nothing to predict from)
//   .predictionAccuracy  leave-one-out accuracy of those predictions on the labelled sounds
//   .prediction    {busy, k, tested, refs, accuracy, method} of the last prediction run
//   .drawnColors   the points' colours (Uint8Array n*4, alpha 128: predicted, drawn hatched)
//   .timePath      long recordings: per recording the indices of its windows in time order
//   .timePathDrawn line segments of the time path the view draws
//   .playhead      {path, window, index, time (s), playing} of the recording played last, or null
//   .live          the microphone (Listen live): {on, error (the message shown, or null),
//                  position {x, y} page px of the marker or null, nearest [indices], distances,
//                  updates (answers so far), rms}
//   .tilesDropped  {width, height, budget, n} when the sprite sheet is past the GPU's texture
//                  budget and the map draws plain points (with a notice), else null
//   .spriteStream  a map of many rows with streamed sheets: {on, pointsMode, requested (sheet
//                  files asked for, in order), resident (held now), failed (reasons), visible
//                  (points on screen at the last check, -1: too many to stream), pending, tiles,
//                  tilesShown, drawn (points drawn as tiles, in order), tileSize, checks}
//   .mapPixels(x, y, w, h) resolves the map canvas's RGBA in that CSS px rectangle, next frame
//   .mapFeatures(X, n, d, {projection, dims, labels, features, tiles}) maps feature rows made
//                  elsewhere (no audio, plain tiles) through the same projection worker; resolves
//                  {ms, status} when the layout is shown. For tests of large maps.
import { Legend } from '../view/legend.js';
import { MapView } from '../view/map-view.js';
import { wireTouch } from '../view/touch.js';
import { wireAtlasNotice } from './atlas-notice.js';
import { Player } from './audio.js';
import { findElements, setContext } from './context.js';
import { loadDataset } from './dataset-loading.js';
import { installDebugHandle } from './debug.js';
import { wireEvents } from './events.js';
import { wireResponsive } from './layout.js';
import { onClick, onHover } from './listening.js';
import { wireLive } from './live.js';
import { showEmpty, wireLayoutChanges } from './mapping.js';
import { registerOffline } from './offline.js';
import { Progress } from './progress.js';
import { refreshSaved } from './saved-maps.js';
import { isHiddenPoint, onBox, updateStates } from './selection.js';
import { wireSelection } from './selection-panel.js';
import { wasmModule } from './services.js';
import { wireSoundControls } from './sound-controls.js';
import { clickPlaysRecording, wireTimeline } from './timeline.js';
import { hideTooltipIfMoved } from './tooltip.js';
import { onLongPress, onScrub, onTap } from './touching.js';

const ui = findElements(document);
const progress = new Progress(ui.status, ui.failures, ui.bar);
// The legend's entries: ui.legend sits in the colour panel, whose select names what it shows.
const legend = new Legend(ui.legend, () => updateStates());
let view = null;
try {
  view = new MapView(ui.canvas, {
    // points of classes switched off in the legend are not there for the pointer
    onHover: (i, e) => onHover(isHiddenPoint(i) ? -1 : i, e),
    onClick: (i, e) => clickPlaysRecording(i) || onClick(isHiddenPoint(i) ? -1 : i, e),
    onBox,
    onInteract: () => hideTooltipIfMoved(),
  });
} catch (e) {
  progress.message(`The map cannot be drawn: ${e.message}`);
}
setContext({ ui, view, progress, player: new Player(), legend });
wireLayoutChanges();
wireEvents();
wireSelection();
wireSoundControls();
wireResponsive();
if (view) wireTouch(view, { onTap, onLongPress, onScrub });
wireTimeline();
wireLive();
wireAtlasNotice();
installDebugHandle();
registerOffline((text) => {
  ui.announce.textContent = text;
}, document.getElementById('update'));

// ?dataset=<folder>, else the map a site written by `sonomap site` opens by default
const param =
  new URLSearchParams(location.search).get('dataset') ??
  document.querySelector('meta[name="sonomap-dataset"]')?.content;
if (param) loadDataset(param);
else {
  showEmpty(true);
  refreshSaved();
  progress.message('Drop sounds or a folder anywhere to make a map');
  wasmModule().catch(() => {}); // compile while the person picks files
}
