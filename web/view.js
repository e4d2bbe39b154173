// view.js — the map: a WebGL2 scatter of spectrogram tiles drawn as instanced quads from one
// sprite atlas, with pan (drag), zoom (wheel, about the cursor), fit to view, an optional path
// through the points in time order (long recordings), and picking of the point under the mouse.
//
//   const view = new MapView(canvas, {onHover(i, e), onClick(i, e)});
//   view.setPoints({positions, atlas: {source, tile, cols}, tileIndex?, colors?, paths?});
//   view.setPositions(positions)      // a new layout (animates the fit while it settles)
//   view.setStates(states)            // per point: 1 dimmed, 2 looping, 4 selected
//   view.screenOf(i) → {x, y} (CSS px in the canvas) · view.pick(x, y) → index or -1
import { GridIndex } from './pick.js';

export const DIMMED = 1, LOOPING = 2, SELECTED = 4;

const VS = `#version 300 es
layout(location = 0) in vec2 a_pos;
layout(location = 1) in float a_tile;
layout(location = 2) in vec4 a_color;
layout(location = 3) in float a_state;
uniform vec2 u_scale;    // data → clip
uniform vec2 u_offset;
uniform vec2 u_px;       // one CSS px in clip units
uniform float u_size;    // tile edge, CSS px
uniform float u_grow;    // extra scale of this draw (the hovered point)
uniform float u_cols;
uniform vec2 u_tileUV;   // one tile in texture coordinates
out vec2 v_uv;
out vec2 v_local;
out vec4 v_color;
flat out int v_state;
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1)) - 0.5;
  int st = int(a_state + 0.5);
  float s = u_size * u_grow * ((st & 2) != 0 ? 1.25 : 1.0);
  vec2 c = a_pos * u_scale + u_offset + corner * s * u_px * 2.0;
  if (!(a_pos.x == a_pos.x) || !(a_pos.y == a_pos.y)) c = vec2(-9.0);   // NaN: not mapped
  gl_Position = vec4(c, 0.0, 1.0);
  float col = mod(a_tile, u_cols);
  float row = floor(a_tile / u_cols + 1e-4);
  vec2 inset = u_tileUV * 0.01;
  v_uv = vec2(col, row) * u_tileUV + inset + vec2(corner.x + 0.5, 0.5 - corner.y) * (u_tileUV - 2.0 * inset);
  v_local = corner;
  v_color = a_color;
  v_state = st;
}`;

const FS = `#version 300 es
precision mediump float;
in vec2 v_uv;
in vec2 v_local;
in vec4 v_color;
flat in int v_state;
uniform sampler2D u_atlas;
uniform float u_border;   // border width, fraction of the tile
uniform float u_radius;   // corner radius, fraction of the tile
uniform float u_hover;
out vec4 o;
void main() {
  vec2 q = abs(v_local) - (0.5 - u_radius);
  // signed distance to the rounded square's edge, in tile units (< 0 inside)
  float d = length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - u_radius;
  float aa = max(fwidth(d), 1e-4);
  float alpha = 1.0 - smoothstep(-aa, aa, d);
  if (alpha <= 0.0) discard;
  vec3 c = texture(u_atlas, v_uv).rgb;
  float edge = -d;                                    // distance in from the edge
  bool looping = (v_state & 2) != 0;
  bool selected = (v_state & 4) != 0;
  float bw = u_border * ((looping || selected || u_hover > 0.5) ? 2.0 : 1.0);
  if (edge < bw) {
    vec3 bc = v_color.a > 0.0 ? v_color.rgb : vec3(0.55, 0.6, 0.68);
    if (u_hover > 0.5 || selected) bc = vec3(1.0);
    else if (looping) bc = vec3(1.0, 0.85, 0.3);
    c = bc;
  }
  if ((v_state & 1) != 0) { c *= 0.35; alpha *= 0.35; }
  o = vec4(c * alpha, alpha);
}`;

const LINE_VS = `#version 300 es
layout(location = 0) in vec2 a_pos;
uniform vec2 u_scale;
uniform vec2 u_offset;
void main() { gl_Position = vec4(a_pos * u_scale + u_offset, 0.0, 1.0); }`;

const LINE_FS = `#version 300 es
precision mediump float;
uniform vec4 u_color;
out vec4 o;
void main() { o = u_color; }`;

function compile(gl, vs, fs) {
  const prog = gl.createProgram();
  for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]]) {
    const sh = gl.createShader(type);
    gl.shaderSource(sh, src);
    gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) throw new Error(`shader: ${gl.getShaderInfoLog(sh)}`);
    gl.attachShader(prog, sh);
  }
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(`shader link: ${gl.getProgramInfoLog(prog)}`);
  const u = {};
  const count = gl.getProgramParameter(prog, gl.ACTIVE_UNIFORMS);
  for (let i = 0; i < count; i++) {
    const name = gl.getActiveUniform(prog, i).name;
    u[name] = gl.getUniformLocation(prog, name);
  }
  return { prog, u };
}

export class MapView {
  constructor(canvas, { onHover = () => {}, onClick = () => {}, onInteract = () => {} } = {}) {
    this.canvas = canvas;
    this.onHover = onHover;
    this.onClick = onClick;
    this.onInteract = onInteract;
    const gl = canvas.getContext('webgl2', { antialias: true, premultipliedAlpha: true, alpha: true });
    if (!gl) throw new Error('this browser has no WebGL2, which the map needs');
    this.gl = gl;
    this.points = compile(gl, VS, FS);
    this.lines = compile(gl, LINE_VS, LINE_FS);
    this.vao = gl.createVertexArray();
    this.lineVao = gl.createVertexArray();
    this.buf = { pos: gl.createBuffer(), tile: gl.createBuffer(), color: gl.createBuffer(), state: gl.createBuffer() };
    this.lineIdx = gl.createBuffer();
    gl.bindVertexArray(this.vao);
    const attr = (loc, buf, size, type, norm) => {
      gl.bindBuffer(gl.ARRAY_BUFFER, buf);
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, size, type, norm, 0, 0);
      gl.vertexAttribDivisor(loc, 1);
    };
    attr(0, this.buf.pos, 2, gl.FLOAT, false);
    attr(1, this.buf.tile, 1, gl.FLOAT, false);
    attr(2, this.buf.color, 4, gl.UNSIGNED_BYTE, true);
    attr(3, this.buf.state, 1, gl.UNSIGNED_BYTE, false);
    gl.bindVertexArray(this.lineVao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.pos);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.lineIdx);
    gl.bindVertexArray(null);
    this.texture = gl.createTexture();
    this.maxTexture = gl.getParameter(gl.MAX_TEXTURE_SIZE);

    this.n = 0;
    this.positions = new Float32Array(0);
    this.states = new Uint8Array(0);
    this.hover = -1;
    this.lineCount = 0;
    this.view = { cx: 0, cy: 0, scale: 1 };   // scale: CSS px per data unit
    this.target = null;                       // view the fit is easing towards
    this.autoFit = true;                      // follow the layout until the person moves the map
    this.fitScale = 1;
    this.index = new GridIndex();
    this.frame = 0;
    this.width = 1;
    this.height = 1;

    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    this.resize();
    this.#wire();
  }

  // ---- data ----
  /** positions: Float32Array(n*2); atlas: {source: canvas|image|ImageBitmap, tile, cols};
   *  tileIndex: tile of each point (default i); colors: Uint8Array(n*4) (alpha 0: none);
   *  paths: arrays of point indices to join in order. */
  setPoints({ positions, atlas, tileIndex = null, colors = null, paths = null }) {
    const gl = this.gl;
    this.n = positions.length / 2;
    const n = this.n;
    const tiles = new Float32Array(n);
    for (let i = 0; i < n; i++) tiles[i] = tileIndex ? tileIndex[i] : i;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.tile);
    gl.bufferData(gl.ARRAY_BUFFER, tiles, gl.STATIC_DRAW);
    this.setColors(colors);
    this.states = new Uint8Array(n);
    this.setStates(this.states);
    this.atlas = { tile: atlas.tile, cols: atlas.cols, width: atlas.source.width, height: atlas.source.height };
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, atlas.source);
    gl.generateMipmap(gl.TEXTURE_2D);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR_MIPMAP_LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    const idx = [];
    for (const p of paths || []) for (let k = 1; k < p.length; k++) idx.push(p[k - 1], p[k]);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.lineIdx);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint32Array(idx), gl.STATIC_DRAW);
    this.lineCount = idx.length;
    this.hover = -1;
    this.autoFit = true;
    this.target = null;
    this.setPositions(positions, { jump: true });
  }

  setColors(colors) {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.color);
    gl.bufferData(gl.ARRAY_BUFFER, colors || new Uint8Array(this.n * 4), gl.STATIC_DRAW);
    this.redraw();
  }

  /** A new layout for the same points. */
  setPositions(positions, { jump = false, settle = false } = {}) {
    const gl = this.gl;
    this.positions = positions;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.pos);
    gl.bufferData(gl.ARRAY_BUFFER, positions, gl.DYNAMIC_DRAW);
    this.index.build(positions, this.n, 2);
    const fit = this.#fitView();
    this.fitScale = fit.scale;
    if (this.autoFit) {
      if (jump) { this.view = fit; this.target = null; } else this.target = fit;
    }
    if (settle && this.target) { this.view = this.target; this.target = null; }
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
    this.redraw();
  }

  clear() {
    this.n = 0;
    this.positions = new Float32Array(0);
    this.lineCount = 0;
    this.hover = -1;
    this.index.build(this.positions, 0);
    this.redraw();
  }

  // ---- view ----
  #bounds() {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    const p = this.positions;
    for (let i = 0; i < this.n; i++) {
      const x = p[2 * i], y = p[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
    return minX <= maxX ? { minX, minY, maxX, maxY } : null;
  }

  #fitView() {
    const b = this.#bounds();
    if (!b) return { cx: 0, cy: 0, scale: 1 };
    const size = this.baseSize();
    const w = Math.max(40, this.width - size * 1.6 - 48);
    const h = Math.max(40, this.height - size * 1.6 - this.insetTop - this.insetBottom);
    const bw = Math.max(b.maxX - b.minX, 1e-6), bh = Math.max(b.maxY - b.minY, 1e-6);
    const scale = b.maxX - b.minX < 1e-9 && b.maxY - b.minY < 1e-9 ? 1 : Math.min(w / bw, h / bh);
    return {
      cx: (b.minX + b.maxX) / 2,
      cy: (b.minY + b.maxY) / 2 - (this.insetBottom - this.insetTop) / 2 / scale,
      scale,
    };
  }

  /** Room the page's overlays take at the top and bottom (CSS px), kept clear by fit(). */
  setInsets(top, bottom) { this.insetTop = top; this.insetBottom = bottom; }
  insetTop = 72;
  insetBottom = 24;

  fit({ jump = false } = {}) {
    this.autoFit = true;
    const f = this.#fitView();
    if (jump) { this.view = f; this.target = null; } else this.target = f;
    this.redraw();
  }

  /** Tile edge in CSS px at the fitted zoom: big when there are few points, small when many. */
  baseSize() {
    const n = Math.max(1, this.n);
    return Math.max(10, Math.min(56, 0.36 * Math.sqrt((this.width * this.height) / n)));
  }

  pointSize() {
    const zoom = this.view.scale / (this.fitScale || this.view.scale || 1);
    return this.baseSize() * Math.max(0.6, Math.min(4, Math.sqrt(zoom)));
  }

  zoomAt(x, y, factor) {
    this.autoFit = false;
    this.target = null;
    const v = this.view;
    const dx = (x - this.width / 2) / v.scale, dy = (this.height / 2 - y) / v.scale;
    const ax = v.cx + dx, ay = v.cy + dy;
    const scale = Math.max(this.fitScale * 0.2, Math.min(this.fitScale * 200, v.scale * factor));
    this.view = { cx: ax - dx * (v.scale / scale), cy: ay - dy * (v.scale / scale), scale };
    this.redraw();
  }

  panBy(dx, dy) {
    this.autoFit = false;
    this.target = null;
    const v = this.view;
    this.view = { cx: v.cx - dx / v.scale, cy: v.cy + dy / v.scale, scale: v.scale };
    this.redraw();
  }

  /** Data → CSS px in the canvas. */
  toScreen(x, y) {
    const v = this.view;
    return { x: (x - v.cx) * v.scale + this.width / 2, y: this.height / 2 - (y - v.cy) * v.scale };
  }

  screenOf(i) {
    if (i < 0 || i >= this.n) return null;
    const x = this.positions[2 * i], y = this.positions[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
    return this.toScreen(x, y);
  }

  /** The point under CSS px (x, y) of the canvas, or -1. */
  pick(x, y, slack = 0.62) {
    const v = this.view;
    const dx = v.cx + (x - this.width / 2) / v.scale;
    const dy = v.cy + (this.height / 2 - y) / v.scale;
    return this.index.nearest(dx, dy, (this.pointSize() * slack) / v.scale);
  }

  /** Nearest point from i in a direction (arrow keys). */
  neighbour(i, dirX, dirY) {
    const from = this.screenOf(i);
    if (!from) return this.first();
    let best = -1, bestScore = Infinity;
    for (let j = 0; j < this.n; j++) {
      if (j === i) continue;
      const p = this.screenOf(j);
      if (!p) continue;
      const dx = p.x - from.x, dy = p.y - from.y;
      const along = dx * dirX + dy * dirY;
      if (along <= 1) continue;
      const across = Math.abs(dx * dirY - dy * dirX);
      const score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = j; }
    }
    return best;
  }

  first() {
    for (let i = 0; i < this.n; i++) if (this.screenOf(i)) return i;
    return -1;
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
    if (this.autoFit && this.n) this.view = this.#fitView();
    this.redraw();
  }

  redraw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.#draw(); });
  }

  #draw() {
    if (this.target) {
      const v = this.view, t = this.target, k = 0.25;
      const ls = Math.log(v.scale) + (Math.log(t.scale) - Math.log(v.scale)) * k;
      this.view = { cx: v.cx + (t.cx - v.cx) * k, cy: v.cy + (t.cy - v.cy) * k, scale: Math.exp(ls) };
      const done = Math.abs(ls - Math.log(t.scale)) < 1e-3 &&
        Math.abs(this.view.cx - t.cx) * t.scale < 0.5 && Math.abs(this.view.cy - t.cy) * t.scale < 0.5;
      if (done) { this.view = t; this.target = null; } else this.redraw();
    }
    const gl = this.gl;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (!this.n || !this.atlas) return;
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    const v = this.view;
    const sx = (2 * v.scale) / this.width, sy = (2 * v.scale) / this.height;
    const scale = [sx, sy], offset = [-v.cx * sx, -v.cy * sy];
    if (this.lineCount) {
      gl.useProgram(this.lines.prog);
      gl.uniform2fv(this.lines.u.u_scale, scale);
      gl.uniform2fv(this.lines.u.u_offset, offset);
      gl.uniform4fv(this.lines.u.u_color, [0.16, 0.18, 0.22, 0.5]);
      gl.bindVertexArray(this.lineVao);
      gl.drawElements(gl.LINES, this.lineCount, gl.UNSIGNED_INT, 0);
    }
    const p = this.points;
    gl.useProgram(p.prog);
    gl.uniform2fv(p.u.u_scale, scale);
    gl.uniform2fv(p.u.u_offset, offset);
    gl.uniform2fv(p.u.u_px, [1 / this.width, 1 / this.height]);
    const size = this.pointSize();
    gl.uniform1f(p.u.u_size, size);
    gl.uniform1f(p.u.u_grow, 1);
    gl.uniform1f(p.u.u_cols, this.atlas.cols);
    gl.uniform2fv(p.u.u_tileUV, [this.atlas.tile / this.atlas.width, this.atlas.tile / this.atlas.height]);
    gl.uniform1f(p.u.u_border, Math.min(0.12, 2 / size));
    gl.uniform1f(p.u.u_radius, 0.14);
    gl.uniform1f(p.u.u_hover, 0);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.uniform1i(p.u.u_atlas, 0);
    gl.bindVertexArray(this.vao);
    gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.n);
    if (this.hover >= 0 && this.hover < this.n) {
      // The hovered point again, on top and larger: point the instance attributes at it.
      const i = this.hover;
      const at = (loc, buf, size, type, norm, bytes) => {
        gl.bindBuffer(gl.ARRAY_BUFFER, buf);
        gl.vertexAttribPointer(loc, size, type, norm, 0, i * bytes);
      };
      at(0, this.buf.pos, 2, gl.FLOAT, false, 8);
      at(1, this.buf.tile, 1, gl.FLOAT, false, 4);
      at(2, this.buf.color, 4, gl.UNSIGNED_BYTE, true, 4);
      at(3, this.buf.state, 1, gl.UNSIGNED_BYTE, false, 1);
      gl.uniform1f(p.u.u_grow, Math.max(1.6, Math.min(3, 72 / size)));
      gl.uniform1f(p.u.u_hover, 1);
      gl.uniform1f(p.u.u_border, Math.min(0.06, 1.5 / size));
      gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, 1);
      at(0, this.buf.pos, 2, gl.FLOAT, false, 0);
      at(1, this.buf.tile, 1, gl.FLOAT, false, 0);
      at(2, this.buf.color, 4, gl.UNSIGNED_BYTE, true, 0);
      at(3, this.buf.state, 1, gl.UNSIGNED_BYTE, false, 0);
    }
    gl.bindVertexArray(null);
  }

  // ---- input ----
  #wire() {
    const c = this.canvas;
    let drag = null;
    const local = (e) => {
      const r = c.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    c.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const p = local(e);
      drag = { x: p.x, y: p.y, moved: false, id: e.pointerId };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      const p = local(e);
      if (drag && drag.id === e.pointerId) {
        const dx = p.x - drag.x, dy = p.y - drag.y;
        if (drag.moved || Math.hypot(dx, dy) > 4) {
          if (!drag.moved) { drag.moved = true; c.classList.add('panning'); this.onInteract(); }
          this.panBy(dx, dy);
          drag.x = p.x; drag.y = p.y;
          return;
        }
      }
      const i = this.pick(p.x, p.y);
      this.setHover(i);
      this.onHover(i, e);
    });
    const end = (e) => {
      if (!drag || drag.id !== e.pointerId) return;
      const wasDrag = drag.moved;
      drag = null;
      c.classList.remove('panning');
      if (!wasDrag && e.type === 'pointerup') {
        const p = local(e);
        this.onClick(this.pick(p.x, p.y), e);
      }
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('pointerleave', (e) => {
      if (drag) return;
      this.setHover(-1);
      this.onHover(-1, e);
    });
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const p = local(e);
      const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      this.zoomAt(p.x, p.y, Math.exp(-delta * 0.0015));
      this.onInteract();
      this.onHover(this.pick(p.x, p.y), e);
    }, { passive: false });
    c.addEventListener('dblclick', (e) => { e.preventDefault(); this.fit(); this.onInteract(); });
  }
}
