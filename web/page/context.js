// context.js — the page's long-lived parts, made once by main.js: the elements it drives (ui),
// the map view (null when the browser cannot draw it), the status line (progress), the sound
// player and the legend. Modules import these names; main.js sets them before anything runs.

export let ui = null;
export let view = null;
export let progress = null;
export let player = null;
export let legend = null;

/** Sets the parts: {ui, view, progress, player, legend}. */
export function setContext(parts) {
  ({ ui, view, progress, player, legend } = parts);
}

/** The page's elements by role (index.html's ids). */
export function findElements(doc) {
  const $ = (id) => doc.getElementById(id);
  return {
    status: $('status'),
    stage: $('stage'),
    canvas: $('map'),
    empty: $('empty'),
    tooltip: $('tooltip'),
    search: $('search'),
    searchCount: $('search-count'),
    projection: $('projection'),
    mode: $('mode'),
    features: $('features'),
    fileInput: $('file-input'),
    folderInput: $('folder-input'),
    fit: $('fit'),
    exportBtn: $('export'),
    overlay: $('drop-overlay'),
    legend: $('legend'),
    failures: $('failures'),
    hint: $('sound-hint'),
    announce: $('announce'),
    bar: $('progress-bar'),
    dims: $('dims'),
    grid: $('grid'),
    colorBy: $('color-by'),
    clustersK: $('clusters-k'),
    kLabel: $('k-label'),
    colorPanel: $('colour'),
    chart: $('chart'),
    quality: $('quality'),
  };
}
