// morph.js — layout transitions: when the map switches layout (UMAP, t-SNE, PCA, grid; 2-D and
// 3-D) the points travel from where they are to where they go instead of jumping. Within the
// same dimensions MapView eases the positions itself (setPositions' animate); across 2-D and
// 3-D, 2-D → 3-D swaps the view to the flat map as a cloud of depth 0 seen face on, then moves
// the points to their 3-D places while the camera turns to its usual angle; 3-D → 2-D swaps to
// the 2-D view at once, each point starting where the 3-D picture showed it. While points
// travel, picking and screen positions are those of where they go (MapView.project3/screenOf).
import { fitCamera3 } from './camera.js';

/** How long a layout transition takes (ms): 0 when the person asks for reduced motion. */
export function transitionMs() {
  const reduce = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  return reduce ? 0 : 400;
}

/** 2-D positions (n x 2) as a flat 3-D cloud (z = 0) centred and scaled, both axes alike, so
 *  its longer side spans [-1, 1]: what a 3-D camera facing it sees as the same picture. */
export function flat3(p2, n) {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = p2[2 * i],
      y = p2[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const out = new Float32Array(n * 3);
  const s = x1 >= x0 ? 2 / Math.max(x1 - x0, y1 - y0, 1e-9) : 1;
  const cx = (x0 + x1) / 2 || 0,
    cy = (y0 + y1) / 2 || 0;
  for (let i = 0; i < n; i++) {
    out[3 * i] = (p2[2 * i] - cx) * s;
    out[3 * i + 1] = (p2[2 * i + 1] - cy) * s;
    out[3 * i + 2] = Number.isFinite(p2[2 * i]) ? 0 : NaN;
  }
  return out;
}

/** The camera fitted to points p (n x 3) at angles {yaw, pitch}; view's camera is left as it was. */
function cameraFor(view, p, angles) {
  const saved = { camera: view.camera, fitDist: view.fitDist, home: view.home };
  view.camera = { ...view.camera, ...angles };
  fitCamera3(view, p);
  const cam = view.camera;
  Object.assign(view, saved);
  view.screenDirty = true;
  return cam;
}

const FACE = { yaw: 0, pitch: 0 };

/** Moves view from its 2-D or 3-D layout to `positions` in the other dimensions over ms. */
export function morphDims(view, positions, dims, ms) {
  const n = view.n;
  const home = { yaw: 0.7, pitch: 0.35 };
  if (dims === 3) {
    const from = flat3(view.positions, n);
    view.camera = { ...view.camera, ...FACE };
    view.setPositions(from, { dims: 3, jump: true });
    const camTo = cameraFor(view, positions, home);
    view.setPositions(positions, { dims: 3, animate: ms });
    if (view.anim) view.anim.camera = { from: { ...view.camera }, to: camTo };
    return;
  }
  // 3-D → 2-D: the view is 2-D at once; each point starts where the 3-D picture shows it
  const seen = view.project3().slice();
  view.setPositions(positions, { dims: 2, jump: true });
  const v = view.view;
  const from = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const x = seen[4 * i],
      y = seen[4 * i + 1];
    const ok = Number.isFinite(x) && Number.isFinite(y);
    from[2 * i] = ok ? v.cx + (x - view.width / 2) / v.scale : positions[2 * i];
    from[2 * i + 1] = ok ? v.cy + (view.height / 2 - y) / v.scale : positions[2 * i + 1];
  }
  view.positions = from;
  view.setPositions(positions, { dims: 2, animate: ms });
}

/** One step of the camera's part of a transition at eased fraction e. */
export function stepCamera(view, cam, e) {
  const c = {};
  for (const k of ['yaw', 'pitch', 'dist', 'tx', 'ty', 'tz'])
    c[k] = cam.from[k] + (cam.to[k] - cam.from[k]) * e;
  view.camera = { ...view.camera, ...c };
  if (e >= 1) {
    view.fitDist = cam.to.dist;
    view.home = { ...cam.to };
  }
}
