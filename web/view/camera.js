// camera.js — fitting the map to its view: the 2-D view (centre and scale) that shows every
// point clear of the page's overlays, and the 3-D camera aimed and set back so the cloud fills
// the same room. Functions of a MapView's state; the view applies what they return.

/** The 2-D bounding box of view's points p, or null. */
export function bounds2(view, p = view.positions) {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let i = 0; i < view.n; i++) {
    const x = p[2 * i],
      y = p[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return minX <= maxX ? { minX, minY, maxX, maxY } : null;
}

/** The 2-D view {cx, cy, scale} that fits points p. */
export function fitView2(view, p) {
  const b = bounds2(view, p);
  if (!b) return { cx: 0, cy: 0, scale: 1 };
  const size = view.baseSize();
  const w = Math.max(40, view.width - size * 1.6 - 48);
  const h = Math.max(40, view.height - size * 1.6 - view.insetTop - view.insetBottom);
  const bw = Math.max(b.maxX - b.minX, 1e-6),
    bh = Math.max(b.maxY - b.minY, 1e-6);
  const scale = b.maxX - b.minX < 1e-9 && b.maxY - b.minY < 1e-9 ? 1 : Math.min(w / bw, h / bh);
  return {
    cx: (b.minX + b.maxX) / 2,
    cy: (b.minY + b.maxY) / 2 - (view.insetBottom - view.insetTop) / 2 / scale,
    scale,
  };
}

/** Camera distance at which the whole 3-D cloud (about the origin) fits the view. */
export function fitDistance3(view, p) {
  let r = 0;
  for (let i = 0; i < view.n; i++) {
    const d = Math.hypot(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
    if (Number.isFinite(d) && d > r) r = d;
  }
  r = Math.max(r, 1e-3);
  const aspect = view.width / Math.max(1, view.height - view.insetTop - view.insetBottom);
  const half = Math.min(view.fov / 2, Math.atan(Math.tan(view.fov / 2) * aspect));
  return (r / Math.sin(half)) * 1.04;
}

/** 3-D fit: the camera, at its current angles, aimed and set back so the cloud's picture
 *  fills the room the overlays leave (two refinements from the bounding sphere). */
export function fitCamera3(view, p = view.positions) {
  const n = view.n;
  let cx = 0,
    cy = 0,
    cz = 0,
    m = 0;
  for (let i = 0; i < n; i++) {
    const x = p[3 * i],
      y = p[3 * i + 1],
      z = p[3 * i + 2];
    if (!Number.isFinite(x + y + z)) continue;
    cx += x;
    cy += y;
    cz += z;
    m++;
  }
  if (!m) return;
  view.camera = { ...view.camera, tx: cx / m, ty: cy / m, tz: cz / m };
  view.camera.dist = fitDistance3(view, p);
  const availW = Math.max(40, view.width - 2 * view.baseSize() - 32);
  const availH = Math.max(40, view.height - view.insetTop - view.insetBottom - 2 * view.baseSize());
  for (let it = 0; it < 3; it++) {
    const saved = view.positions,
      anim = view.anim;
    view.positions = p;
    view.anim = null; // project p itself, not where a transition goes
    view.screenDirty = true;
    const s = view.project3();
    view.positions = saved;
    view.anim = anim;
    let x0 = Infinity,
      x1 = -Infinity,
      y0 = Infinity,
      y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = s[4 * i],
        y = s[4 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
    if (!(x1 >= x0)) break;
    // move the target by the picture's offset from the centre (world units at the target)
    const c = view.camera;
    const perPx = (2 * c.dist * Math.tan(view.fov / 2)) / view.height;
    const midY = view.insetTop + (view.height - view.insetTop - view.insetBottom) / 2;
    const ox = ((x0 + x1) / 2 - view.width / 2) * perPx,
      oy = (midY - (y0 + y1) / 2) * perPx;
    const cyw = Math.cos(c.yaw),
      syw = Math.sin(c.yaw),
      cp = Math.cos(c.pitch),
      sp = Math.sin(c.pitch);
    const right = [cyw, 0, -syw],
      up = [-sp * syw, cp, -sp * cyw];
    const f = Math.max((x1 - x0) / availW, (y1 - y0) / availH, 0.05);
    view.camera = {
      ...c,
      tx: c.tx + right[0] * ox + up[0] * oy,
      ty: c.ty + up[1] * oy,
      tz: c.tz + right[2] * ox + up[2] * oy,
      dist: c.dist * (0.35 + 0.65 * f),
    };
  }
  view.fitDist = view.camera.dist;
  view.home = { ...view.camera };
  view.screenDirty = true;
}
