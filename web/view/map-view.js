// map-view.js — the map: a WebGL2 scatter of spectrogram tiles drawn as instanced quads from one
// sprite atlas. In 2-D: pan (drag), zoom (wheel, about the cursor), fit to view, an optional path
// through the points in time order (long recordings). In 3-D: a perspective camera that orbits
// the cloud (drag) and zooms (wheel); tiles are camera-facing billboards, depth-tested. Both
// pick the point under the mouse (3-D: the frontmost one under it, through a grid index of the
// points' screen positions) and select a box of points (shift-drag). Far zoomed out, when tiles
// are a few pixels wide, they become plain squares of their colour. Maps of 50,000 points and
// more move their last full picture while dragged or zoomed (frame-cache.js).
//
//   const view = new MapView(canvas, {onHover(i, e), onClick(i, e), onBox(indices), onInteract});
//   view.setPoints({positions, dims?, atlas: {source, tile, cols}, tileIndex?, colors?, paths?});
//   view.setPositions(positions, {dims?, animate?: ms})  // a new layout (the fit eases to it;
//                                                        // animate: the points travel, 2-D ↔ 3-D too)
//   view.setColors(colors) · view.setStates(states)      // per point: 1 dimmed, 2 looping,
//                                                        // 4 selected (focus), 8 in the box
//   view.screenOf(i) → {x, y} (CSS px in the canvas) · view.pick(x, y) → index or -1
import { mapAspect, PLACEHOLDER_TILE } from '../core/policy.js';
import { atlasBudget } from './atlas.js';
import { fitCamera3, fitDistance3, fitView2 } from './camera.js';
import { drawFrame } from './draw.js';
import { CACHE_MIN, FrameCache, SETTLE_MS } from './frame-cache.js';
import { compile, multiply, orbitView, perspective, setupGl } from './gl.js';
import { wirePointer } from './input.js';
import { morphDims, stepCamera } from './morph.js';
import { firstShown, neighbor, pointsInRect } from './navigate.js';
import { GridIndex } from './pick.js';

export const DIMMED = 1,
  LOOPING = 2,
  SELECTED = 4,
  BOXED = 8,
  HIDDEN = 16; // (with DIMMED) a class switched off in the legend: nearly gone

export class MapView {
  constructor(
    canvas,
    { onHover = () => {}, onClick = () => {}, onInteract = () => {}, onBox = () => {} } = {},
  ) {
    this.canvas = canvas;
    this.onHover = onHover;
    this.onClick = onClick;
    this.onInteract = onInteract;
    this.onBox = onBox;
    // No MSAA: tiles antialias their own edges in the shader, and multisampling the whole canvas
    // is what costs most on software renderers.
    const gl = canvas.getContext('webgl2', {
      antialias: false,
      premultipliedAlpha: true,
      alpha: true,
      depth: true,
    });
    if (!gl) throw new Error('this browser has no WebGL2, which the map needs');
    this.gl = gl;
    Object.assign(this, setupGl(gl));

    this.n = 0;
    this.dims = 2;
    this.positions = new Float32Array(0);
    this.states = new Uint8Array(0);
    this.hover = -1;
    this.lineCount = 0;
    this.view = { cx: 0, cy: 0, scale: 1 }; // 2-D; scale: CSS px per data unit
    this.target = null; // view the fit is easing towards
    this.autoFit = true; // follow the layout until the person moves the map
    this.fitScale = 1;
    this.camera = { yaw: 0.7, pitch: 0.35, dist: 4, tx: 0, ty: 0, tz: 0 }; // 3-D
    this.fitDist = 4;
    this.fov = (40 * Math.PI) / 180;
    this.index = new GridIndex();
    this.screen = null; // 3-D: per point x, y (CSS px), size, depth
    this.screenDirty = true;
    this.anim = null; // {from, to, t0, ms} while positions move
    this.frame = 0;
    this.stats = { draws: 0, ms: 0, full: 0 }; // frames drawn (full: every point drawn), main-thread ms
    this.cache = new FrameCache(gl, compile); // large 2-D maps while dragged (frame-cache.js)
    this.movingUntil = 0;
    this.settleTimer = 0;
    this.stale = true; // something besides the hovered point changed since the kept picture
    this.width = 1;
    this.height = 1;
    this.box = document.createElement('div');
    this.box.className = 'select-box';
    this.box.hidden = true;
    canvas.parentElement?.append(this.box);

    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    this.resize();
    wirePointer(this);
  }

  // ---- data ----
  /** positions: Float32Array(n*dims); atlas: {source: canvas|image|ImageBitmap, tile, cols};
   *  tileIndex: tile of each point (default i); colors: Uint8Array(n*4) (alpha 0: none);
   *  paths: arrays of point indices to join in order. */
  setPoints({
    positions,
    dims = 2,
    atlas,
    tileIndex = null,
    colors = null,
    paths = null,
    points = false,
  }) {
    const gl = this.gl;
    this.n = positions.length / dims;
    // points: a map of many rows drawn as plain points, tiles streamed over them (tile-layer.js)
    this.pointsMode = points;
    this.layer?.clear();
    const n = this.n;
    // A sprite sheet past the texture budget cannot be drawn: plain points instead, and the
    // page is told (the 'sonomap-atlas' event on the canvas, detail {dropped, width, height, budget}).
    const budget = atlasBudget(this.maxTexture);
    const src = atlas.source;
    this.tilesDropped = src.width > budget || src.height > budget;
    this.canvas.dispatchEvent(
      new CustomEvent('sonomap-atlas', {
        detail: { dropped: this.tilesDropped, width: src.width, height: src.height, budget, n },
      }),
    );
    if (this.tilesDropped) {
      const c = document.createElement('canvas');
      c.width = c.height = PLACEHOLDER_TILE.size;
      const g = c.getContext('2d');
      g.fillStyle = PLACEHOLDER_TILE.color;
      g.fillRect(0, 0, c.width, c.height);
      atlas = { source: c, tile: c.width, cols: 1 };
      tileIndex = null;
    }
    const tiles = new Float32Array(n);
    for (let i = 0; i < n; i++) tiles[i] = this.tilesDropped ? 0 : tileIndex ? tileIndex[i] : i;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.tile);
    gl.bufferData(gl.ARRAY_BUFFER, tiles, gl.STATIC_DRAW);
    this.setColors(colors);
    this.states = new Uint8Array(n);
    this.setStates(this.states);
    this.atlas = {
      tile: atlas.tile,
      cols: atlas.cols,
      width: atlas.source.width,
      height: atlas.source.height,
    };
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, atlas.source);
    gl.generateMipmap(gl.TEXTURE_2D);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR_MIPMAP_LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    // the mip level where one tile is about one texel: its mean colour (plain squares)
    this.dotLod = Math.max(0, Math.log2(Math.max(1, atlas.tile)));
    const idx = [];
    for (const p of paths || []) for (let k = 1; k < p.length; k++) idx.push(p[k - 1], p[k]);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.lineIdx);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint32Array(idx), gl.STATIC_DRAW);
    this.lineCount = idx.length;
    this.hover = -1;
    this.autoFit = true;
    this.target = null;
    this.anim = null;
    this.dims = 0; // forces the attribute layout to be set
    this.setPositions(positions, { dims, jump: true });
  }

  setColors(colors) {
    const gl = this.gl;
    this.colors = colors;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.color);
    gl.bufferData(gl.ARRAY_BUFFER, colors || new Uint8Array(this.n * 4), gl.STATIC_DRAW);
    this.redraw();
  }

  #setDims(dims) {
    if (dims === this.dims) return;
    const gl = this.gl;
    this.dims = dims;
    for (const vao of [this.vao, this.lineVao, this.dotVao]) {
      gl.bindVertexArray(vao);
      gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.pos);
      gl.vertexAttribPointer(0, dims, gl.FLOAT, false, 0, 0);
    }
    gl.bindVertexArray(null);
    this.autoFit = true;
    this.target = null;
  }

  /** A new layout for the same points (dims 2 or 3). animate: ms to move the points there. */
  setPositions(
    positions,
    { dims = this.dims || 2, jump = false, settle = false, animate = 0 } = {},
  ) {
    const gl = this.gl;
    const changed = dims !== this.dims;
    // a switch between 2-D and 3-D travels too (morph.js)
    if (animate > 0 && changed && this.dims && this.n && positions.length === this.n * dims)
      return morphDims(this, positions, dims, animate);
    // a new layout while the points travel: they go on towards the new one
    if (this.anim && !animate && !changed && positions.length === this.positions.length) {
      this.anim.to = positions;
      this.#afterMove(jump, settle, positions);
      return;
    }
    this.#setDims(dims);
    if (animate > 0 && !changed && this.positions.length === positions.length) {
      this.anim = {
        from: this.positions.slice(),
        to: positions,
        t0: performance.now(),
        ms: animate,
      };
      this.positions = this.positions.slice();
    } else {
      this.anim = null;
      this.positions = positions;
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.pos);
    gl.bufferData(gl.ARRAY_BUFFER, this.positions, gl.DYNAMIC_DRAW);
    this.#afterMove(jump || changed, settle, positions);
  }

  #afterMove(jump, settle, final = this.positions) {
    if (this.dims === 2) {
      this.index.build(final, this.n, 2);
      const fit = fitView2(this, final);
      this.fitScale = fit.scale;
      if (this.autoFit) {
        if (jump) {
          this.view = fit;
          this.target = null;
        } else this.target = fit;
      }
      if (settle && this.target) {
        this.view = this.target;
        this.target = null;
      }
    } else {
      if (this.autoFit) fitCamera3(this, final);
      else this.fitDist = fitDistance3(this, final);
      this.screenDirty = true;
    }
    this.redraw();
  }

  setStates(states) {
    this.states = states;
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.state);
    gl.bufferData(gl.ARRAY_BUFFER, states, gl.DYNAMIC_DRAW);
    this.redraw();
  }

  setHover(i) {
    if (i === this.hover) return;
    this.hover = i;
    this.redraw(false);
  }

  clear() {
    this.n = 0;
    this.positions = new Float32Array(0);
    this.lineCount = 0;
    this.hover = -1;
    this.anim = null;
    this.screen = null;
    this.index.build(this.positions, 0);
    this.redraw();
  }

  // ---- view ----

  /** Room the page's overlays take at the top and bottom (CSS px), kept clear by fit(). */
  insetTop = 72;
  insetBottom = 24;

  /** Width / height a 2-D layout is stretched to for this view (core/policy.js mapAspect). */
  layoutAspect() {
    return mapAspect(this.width, this.height - this.insetTop - this.insetBottom);
  }

  /** CSS px of the view's area between the overlays: {width, height}. */
  openArea() {
    return { width: this.width - 48, height: this.height - this.insetTop - this.insetBottom };
  }

  fit({ jump = false } = {}) {
    this.autoFit = true;
    if (this.dims === 3) {
      fitCamera3(this);
    } else {
      const f = fitView2(this);
      if (jump) {
        this.view = f;
        this.target = null;
      } else this.target = f;
    }
    this.redraw();
  }

  /** Tile edge in CSS px at the fitted zoom: big when there are few points, small when many
   *  (down to a few pixels: plain coloured squares). */
  baseSize() {
    const n = Math.max(1, this.n);
    return (
      this.sizeBoost * Math.max(3, Math.min(56, 0.36 * Math.sqrt((this.width * this.height) / n)))
    );
  }

  /** Tiles this many times their usual size (the grid layout fills its cells). */
  setSizeBoost(f) {
    this.sizeBoost = f > 0 ? f : 1;
    this.redraw();
  }
  sizeBoost = 1;

  pointSize() {
    if (this.dims === 3)
      return Math.max(
        3,
        Math.min(64, this.baseSize() * Math.sqrt(this.fitDist / this.camera.dist)),
      );
    const zoom = this.view.scale / (this.fitScale || this.view.scale || 1);
    if (this.pointsMode) {
      // many points: they grow as the map does, so zoomed in they become tiles again
      const px = 0.6 * Math.sqrt((this.width * this.height) / Math.max(1, this.n)) * zoom;
      return Math.max(3, Math.min(56, px));
    }
    return this.baseSize() * Math.max(0.6, Math.min(4, Math.sqrt(zoom)));
  }

  zoomAt(x, y, factor) {
    this.autoFit = false;
    this.target = null;
    if (this.dims === 3) {
      this.camera = {
        ...this.camera,
        dist: Math.max(this.fitDist * 0.08, Math.min(this.fitDist * 6, this.camera.dist / factor)),
      };
      this.screenDirty = true;
      this.redraw();
      return;
    }
    const v = this.view;
    const dx = (x - this.width / 2) / v.scale,
      dy = (this.height / 2 - y) / v.scale;
    const ax = v.cx + dx,
      ay = v.cy + dy;
    const scale = Math.max(this.fitScale * 0.2, Math.min(this.fitScale * 200, v.scale * factor));
    this.view = { cx: ax - dx * (v.scale / scale), cy: ay - dy * (v.scale / scale), scale };
    this.#moving();
    this.redraw();
  }

  panBy(dx, dy) {
    this.autoFit = false;
    this.target = null;
    if (this.dims === 3) {
      // orbit
      const c = this.camera;
      this.camera = {
        ...c,
        yaw: c.yaw - dx * 0.008,
        pitch: Math.max(-1.45, Math.min(1.45, c.pitch + dy * 0.008)),
      };
      this.screenDirty = true;
      this.redraw();
      return;
    }
    const v = this.view;
    this.view = { cx: v.cx - dx / v.scale, cy: v.cy + dy / v.scale, scale: v.scale };
    this.#moving();
    this.redraw();
  }

  /** 3-D: projection × view, and CSS px per world unit at distance 1. */
  /** 3-D: {mvp, pxPerWorld} of the camera now. */
  camera3() {
    const aspect = this.width / this.height;
    const near = Math.max(1e-3, this.camera.dist * 0.02),
      far = this.camera.dist * 4 + 10;
    const proj = perspective(this.fov, aspect, near, far);
    // the picture's centre sits in the middle of the room the overlays leave
    const shift = (this.insetBottom - this.insetTop) / this.height;
    proj[9] += -shift; // adds -shift * w to y in clip space (column 2, row 1 times -z)
    return { mvp: multiply(proj, orbitView(this.camera)), pxPerWorld: (proj[5] * this.height) / 2 };
  }

  /** Every point's screen position in 3-D (CSS px, size, depth), and a grid index of them. */
  project3() {
    if (!this.screenDirty && this.screen) return this.screen;
    // while points travel: where they go, seen by the camera where it goes (what pick finds)
    const n = this.n,
      p = this.anim?.to ?? this.positions;
    const camera = this.camera;
    if (this.anim?.camera) this.camera = this.anim.camera.to;
    const { mvp, pxPerWorld } = this.camera3();
    this.camera = camera;
    const out = this.screen && this.screen.length === n * 4 ? this.screen : new Float32Array(n * 4);
    const world = this.worldSize();
    const w2 = this.width / 2,
      h2 = this.height / 2;
    for (let i = 0; i < n; i++) {
      const x = p[3 * i],
        y = p[3 * i + 1],
        z = p[3 * i + 2];
      const cw = mvp[3] * x + mvp[7] * y + mvp[11] * z + mvp[15];
      if (!(cw > 1e-4) || !Number.isFinite(x + y + z)) {
        out[4 * i] = out[4 * i + 1] = NaN;
        continue;
      }
      const cx = mvp[0] * x + mvp[4] * y + mvp[8] * z + mvp[12];
      const cy = mvp[1] * x + mvp[5] * y + mvp[9] * z + mvp[13];
      out[4 * i] = (cx / cw + 1) * w2;
      out[4 * i + 1] = (1 - cy / cw) * h2;
      out[4 * i + 2] = Math.max(3, Math.min(64, (world * pxPerWorld) / cw));
      out[4 * i + 3] = cw;
    }
    this.screen = out;
    this.screenDirty = false;
    this.index.build(out, n, 4);
    return out;
  }

  /** 3-D: a tile's edge in world units (the cloud is about 2 units across). */
  worldSize() {
    const px = this.baseSize();
    return (
      ((px * 2.2) / Math.max(1, Math.min(this.width, this.height))) *
      (this.fitDist * Math.tan(this.fov / 2))
    );
  }

  /** Data → CSS px in the canvas (2-D). */
  toScreen(x, y) {
    const v = this.view;
    return { x: (x - v.cx) * v.scale + this.width / 2, y: this.height / 2 - (y - v.cy) * v.scale };
  }

  screenOf(i) {
    if (i < 0 || i >= this.n) return null;
    if (this.dims === 3) {
      const s = this.project3();
      const x = s[4 * i],
        y = s[4 * i + 1];
      return Number.isFinite(x) && Number.isFinite(y) ? { x, y } : null;
    }
    // while points travel, where they go: what pick() finds there (its index is of the end)
    const p = this.anim?.to ?? this.positions;
    const x = p[2 * i],
      y = p[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
    return this.toScreen(x, y);
  }

  /** The point under CSS px (x, y) of the canvas, or -1 (3-D: the frontmost of those there). */
  pick(x, y, slack = 0.62) {
    if (this.dims === 3) {
      const s = this.project3();
      let best = -1,
        bestDepth = Infinity;
      this.index.within(x, y, 64 * slack, (i, d2) => {
        const r = s[4 * i + 2] * slack;
        if (d2 <= r * r && s[4 * i + 3] < bestDepth) {
          bestDepth = s[4 * i + 3];
          best = i;
        }
      });
      return best;
    }
    const v = this.view;
    const dx = v.cx + (x - this.width / 2) / v.scale;
    const dy = v.cy + (this.height / 2 - y) / v.scale;
    return this.index.nearest(dx, dy, (this.pointSize() * slack) / v.scale);
  }

  /** Points whose centres lie in the CSS px rectangle (canvas coordinates). */
  inRect(x0, y0, x1, y1) {
    return pointsInRect(this, x0, y0, x1, y1);
  }
  /** Nearest point from i in a direction (arrow keys), or -1. */
  neighbor(i, dirX, dirY) {
    return neighbor(this, i, dirX, dirY);
  }
  /** The first point shown, or -1. */
  first() {
    return firstShown(this);
  }

  // ---- drawing ----
  resize() {
    const dpr = window.devicePixelRatio || 1;
    const r = this.canvas.getBoundingClientRect();
    this.width = Math.max(1, r.width);
    this.height = Math.max(1, r.height);
    this.dpr = dpr;
    this.canvas.width = Math.round(this.width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    if (this.autoFit && this.n) {
      if (this.dims === 3) this.fit();
      else this.view = fitView2(this);
    }
    this.screenDirty = true;
    this.redraw();
  }

  /** A frame soon; full: false when only the hovered point changed (the kept picture of a
   *  large map still holds). */
  redraw(full = true) {
    if (full) this.stale = true;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const t0 = performance.now();
      this.#draw();
      this.stats.draws++;
      this.stats.ms += performance.now() - t0;
    });
  }

  #step() {
    if (this.anim) {
      const a = this.anim;
      const t = Math.min(1, (performance.now() - a.t0) / a.ms);
      const e = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2; // ease in-out
      const p = this.positions;
      for (let k = 0; k < p.length; k++) p[k] = a.from[k] + (a.to[k] - a.from[k]) * e;
      if (a.camera) stepCamera(this, a.camera, e);
      if (t >= 1) {
        this.positions = a.to;
        this.anim = null;
      }
      const gl = this.gl;
      gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.pos);
      gl.bufferData(gl.ARRAY_BUFFER, this.positions, gl.DYNAMIC_DRAW);
      this.screenDirty = true;
      if (this.anim) this.redraw();
      else a.done?.();
    }
    if (this.target) {
      const v = this.view,
        t = this.target,
        k = 0.25;
      const ls = Math.log(v.scale) + (Math.log(t.scale) - Math.log(v.scale)) * k;
      this.view = {
        cx: v.cx + (t.cx - v.cx) * k,
        cy: v.cy + (t.cy - v.cy) * k,
        scale: Math.exp(ls),
      };
      const done =
        Math.abs(ls - Math.log(t.scale)) < 1e-3 &&
        Math.abs(this.view.cx - t.cx) * t.scale < 0.5 &&
        Math.abs(this.view.cy - t.cy) * t.scale < 0.5;
      if (done) {
        this.view = t;
        this.target = null;
      } else this.redraw();
    }
  }

  /** The person is moving a 2-D map: frames move the kept picture until SETTLE_MS after. */
  #moving() {
    this.movingUntil = performance.now() + SETTLE_MS;
    this.movedSinceDraw = true; // a slow frame must not end the move before the next one
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.redraw(), SETTLE_MS + 10);
  }

  #draw() {
    this.#step();
    const cacheable = this.dims === 2 && this.n >= CACHE_MIN && !this.anim && !this.target;
    if (!cacheable) {
      if (this.cache.at) this.cache.release();
      this.stats.full++;
      drawFrame(this);
      this.onSettled?.();
      return;
    }
    const moving = this.cache.at && (this.movedSinceDraw || performance.now() < this.movingUntil);
    this.movedSinceDraw = false;
    if (!moving && (this.stale || !this.cache.at)) {
      // the kept picture without the hovered point, which goes on top of it every frame
      const hover = this.hover;
      this.hover = -1;
      this.cache.capture(this, () => drawFrame(this));
      this.hover = hover;
      this.stale = false;
      this.stats.full++;
    }
    this.cache.show(this);
    if (this.hover >= 0 && !moving) drawFrame(this, { points: false });
    if (!moving) this.onSettled?.();
  }

  // ---- input ----
}
