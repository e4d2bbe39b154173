// timepath.js — the time path of long recordings: in a map of mode 'long' every point is a
// 0.96 s window of a recording, and the points of one recording joined in the order of their
// start times make its path. The dataset folder stores it as it stores the points themselves:
// metadata.filenames (the recording each point comes from) and metadata.start (where in it the
// window starts, s), which the CLI and the page both write (core/dataset.js), so the path is
// rebuilt the same way from a fresh analysis, an export or a CLI-written folder.

/** items: [{file, start}] → arrays of point indices, one per recording of two or more
 *  windows, each in start order. Empty unless mode is 'long'. */
export function timePaths(items, mode) {
  if (mode !== 'long') return [];
  const bySource = new Map();
  items.forEach((it, i) => {
    const key = String(it.file ?? '');
    if (!bySource.has(key)) bySource.set(key, []);
    bySource.get(key).push(i);
  });
  const paths = [];
  for (const idx of bySource.values()) {
    if (idx.length < 2) continue;
    idx.sort((a, b) => (items[a].start ?? 0) - (items[b].start ?? 0) || a - b);
    paths.push(idx);
  }
  return paths;
}

/** Where recording `path` lies in the spriteclip when its windows are stored as one stretch
 *  (each window's clipStart - start the same offset, as both writers store long recordings):
 *  {offset, duration} in s, or null when its windows are stored apart. */
export function recordingSpan(items, path) {
  if (!path?.length) return null;
  const first = items[path[0]];
  const offset = first.clipStart - first.start;
  let end = 0;
  for (const i of path) {
    const it = items[i];
    if (Math.abs(it.clipStart - it.start - offset) > 0.002) return null;
    end = Math.max(end, it.start + (it.clipDuration || it.length || 0));
  }
  return { offset, duration: end };
}

/** The index into path of the window playing at time t (s into the recording): the last one
 *  starting at or before t (the first before the path starts). */
export function windowAt(items, path, t) {
  let lo = 0,
    hi = path.length - 1;
  if (!(t >= items[path[0]].start)) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (items[path[mid]].start <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
