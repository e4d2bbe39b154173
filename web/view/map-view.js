// view.js — the map: a WebGL2 scatter of spectrogram tiles drawn as instanced quads from one
// sprite atlas. In 2-D: pan (drag), zoom (wheel, about the cursor), fit to view, an optional path
// through the points in time order (long recordings). In 3-D: a perspective camera that orbits
// the cloud (drag) and zooms (wheel); tiles are camera-facing billboards, depth-tested. Both
// pick the point under the mouse (3-D: the frontmost one under it, through a grid index of the
// points' screen positions) and select a box of points (shift-drag). Far zoomed out, when tiles
// are a few pixels wide, they become plain squares of their colour.
//
//   const view = new MapView(canvas, {onHover(i, e), onClick(i, e), onBox(indices), onInteract});
//   view.setPoints({positions, dims?, atlas: {source, tile, cols}, tileIndex?, colors?, paths?});
//   view.setPositions(positions, {dims?, animate?: ms})  // a new layout (the fit eases to it)
//   view.setColors(colors) · view.setStates(states)      // per point: 1 dimmed, 2 looping,
//                                                        // 4 selected (focus), 8 in the box
//   view.screenOf(i) → {x, y} (CSS px in the canvas) · view.pick(x, y) → index or -1
import { GridIndex } from './pick.js';

export const DIMMED = 1, LOOPING = 2, SELECTED = 4, BOXED = 8;
const DOT_PX = 7;   // below this edge (CSS px) tiles are drawn as plain squares of their colour

const ATTRS = `
layout(location = 1) in float a_tile;
layout(location = 2) in vec4 a_color;
layout(location = 3) in float a_state;
uniform float u_grow;    // extra scale of this draw (the hovered point)
uniform float u_cols;
uniform vec2 u_tileUV;   // one tile in texture coordinates
uniform vec2 u_px;       // one CSS px in clip units / 2
out vec2 v_uv;
out vec2 v_local;
out vec4 v_color;
out float v_size;
flat out int v_state;
vec2 corner() { return vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1)) - 0.5; }
void tileOut(vec2 corner, float size, int st) {
  float col = mod(a_tile, u_cols);
  float row = floor(a_tile / u_cols + 1e-4);
  vec2 inset = u_tileUV * 0.01;
  v_uv = vec2(col, row) * u_tileUV + inset + vec2(corner.x + 0.5, 0.5 - corner.y) * (u_tileUV - 2.0 * inset);
  v_local = corner;
  v_color = a_color;
  v_state = st;
  v_size = size;
}`;

const VS = `#version 300 es
layout(location = 0) in vec2 a_pos;
${ATTRS}
uniform vec2 u_scale;    // data → clip
uniform vec2 u_offset;
uniform float u_size;    // tile edge, CSS px
void main() {
  vec2 k = corner();
  int st = int(a_state + 0.5);
  float s = u_size * u_grow * ((st & 2) != 0 ? 1.25 : 1.0);
  vec2 c = a_pos * u_scale + u_offset + k * s * u_px * 2.0;
  if (!(a_pos.x == a_pos.x) || !(a_pos.y == a_pos.y)) c = vec2(-9.0);   // NaN: not mapped
  gl_Position = vec4(c, 0.0, 1.0);
  tileOut(k, s, st);
}`;

const VS3 = `#version 300 es
layout(location = 0) in vec3 a_pos;
${ATTRS}
uniform mat4 u_mvp;
uniform float u_world;   // tile edge in world units
uniform float u_pxPerWorld;  // CSS px per world unit at distance 1
uniform vec2 u_clampPx;  // smallest and largest tile edge, CSS px
void main() {
  vec2 k = corner();
  int st = int(a_state + 0.5);
  vec4 c = u_mvp * vec4(a_pos, 1.0);
  float s = clamp(u_world * u_pxPerWorld / max(c.w, 1e-4), u_clampPx.x, u_clampPx.y);
  s *= u_grow * ((st & 2) != 0 ? 1.25 : 1.0);
  c.xy += k * s * u_px * 2.0 * c.w;
  if (c.w <= 0.0 || !(a_pos.x == a_pos.x) || !(a_pos.y == a_pos.y) || !(a_pos.z == a_pos.z)) c = vec4(-9.0, -9.0, 0.0, 1.0);
  gl_Position = c;
  tileOut(k, s, st);
}`;

const FS = `#version 300 es
precision mediump float;
in vec2 v_uv;
in vec2 v_local;
in vec4 v_color;
in float v_size;
flat in int v_state;
uniform sampler2D u_atlas;
uniform vec2 u_border;    // border: CSS px, and most as a fraction of the tile
uniform float u_hover;
uniform float u_depth;    // 1: depth-tested (3-D): hard edges, dimmed points stay opaque
uniform float u_dot;      // tiles narrower than this (CSS px) are plain squares
uniform float u_dotLod;   // mip level where a tile is one texel
out vec4 o;
void main() {
  bool looping = (v_state & 2) != 0;
  bool selected = (v_state & 4) != 0;
  bool boxed = (v_state & 8) != 0;
  vec3 c;
  float alpha = 1.0;
  if (v_size < u_dot && u_hover < 0.5) {
    // a few pixels: a plain square of the point's colour (its group, else its tile's mean)
    c = v_color.a > 0.0 ? v_color.rgb : textureLod(u_atlas, v_uv, u_dotLod).rgb;
    if (looping) c = vec3(1.0, 0.85, 0.3);
    if (selected || boxed) c = vec3(1.0);
  } else {
    float radius = 0.14;
    vec2 q = abs(v_local) - (0.5 - radius);
    // signed distance to the rounded square's edge, in tile units (< 0 inside)
    float d = length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - radius;
    float aa = max(fwidth(d), 1e-4);
    alpha = 1.0 - smoothstep(-aa, aa, d);
    if (alpha <= (u_depth > 0.5 ? 0.5 : 0.0)) discard;   // depth-tested: no fringe in front of others
    if (u_depth > 0.5) alpha = 1.0;
    c = texture(u_atlas, v_uv).rgb;
    float edge = -d;                                    // distance in from the edge
    float bw = min(u_border.y, u_border.x / max(v_size, 1.0)) * ((looping || selected || boxed || u_hover > 0.5) ? 2.0 : 1.0);
    if (edge < bw) {
      vec3 bc = v_color.a > 0.0 ? v_color.rgb : vec3(0.55, 0.6, 0.68);
      if (u_hover > 0.5 || selected) bc = vec3(1.0);
      else if (looping) bc = vec3(1.0, 0.85, 0.3);
      else if (boxed) bc = vec3(0.92, 0.96, 1.0);
      c = bc;
    }
  }
  if ((v_state & 1) != 0) {
    c *= 0.35;
    if (u_depth < 0.5) alpha *= 0.35;
  }
  o = vec4(c * alpha, alpha);
}`;

// Far zoomed out in 2-D: one point per sprite (a square of its colour), a quarter of the
// vertices of the quads, which is what software renderers spend their time on at 100,000.
const DOT_VS = `#version 300 es
layout(location = 0) in vec2 a_pos;
layout(location = 1) in float a_tile;
layout(location = 2) in vec4 a_color;
layout(location = 3) in float a_state;
uniform vec2 u_scale;
uniform vec2 u_offset;
uniform float u_size;     // device px
uniform float u_cols;
uniform vec2 u_tileUV;
out vec4 v_color;
out vec2 v_uv;
flat out int v_state;
void main() {
  gl_Position = vec4(a_pos * u_scale + u_offset, 0.0, 1.0);
  if (!(a_pos.x == a_pos.x) || !(a_pos.y == a_pos.y)) gl_Position = vec4(-9.0, -9.0, 0.0, 1.0);
  int st = int(a_state + 0.5);
  gl_PointSize = u_size * ((st & 2) != 0 ? 1.5 : 1.0);
  v_color = a_color;
  float col = mod(a_tile, u_cols), row = floor(a_tile / u_cols + 1e-4);
  v_uv = (vec2(col, row) + 0.5) * u_tileUV;
  v_state = st;
}`;

const DOT_FS = `#version 300 es
precision mediump float;
in vec4 v_color;
in vec2 v_uv;
flat in int v_state;
uniform sampler2D u_atlas;
uniform float u_dotLod;
out vec4 o;
void main() {
  vec3 c = v_color.a > 0.0 ? v_color.rgb : textureLod(u_atlas, v_uv, u_dotLod).rgb;
  if ((v_state & 2) != 0) c = vec3(1.0, 0.85, 0.3);
  if ((v_state & 12) != 0) c = vec3(1.0);
  float a = 1.0;
  if ((v_state & 1) != 0) { c *= 0.35; a = 0.35; }
  o = vec4(c * a, a);
}`;

const LINE_VS = `#version 300 es
layout(location = 0) in vec2 a_pos;
uniform vec2 u_scale;
uniform vec2 u_offset;
void main() { gl_Position = vec4(a_pos * u_scale + u_offset, 0.0, 1.0); }`;

const LINE_VS3 = `#version 300 es
layout(location = 0) in vec3 a_pos;
uniform mat4 u_mvp;
void main() { gl_Position = u_mvp * vec4(a_pos, 1.0); }`;

const LINE_FS = `#version 300 es
precision mediump float;
uniform vec4 u_color;
out vec4 o;
void main() { o = u_color; }`;

// ---- 4x4 matrices, column-major as WebGL takes them ----
function perspective(fovy, aspect, near, far) {
  const f = 1 / Math.tan(fovy / 2), nf = 1 / (near - far);
  return [f / aspect, 0, 0, 0, 0, f, 0, 0, 0, 0, (far + near) * nf, -1, 0, 0, 2 * far * near * nf, 0];
}
function multiply(a, b) {
  const o = new Array(16).fill(0);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += a[k * 4 + r] * b[c * 4 + k];
    o[c * 4 + r] = s;
  }
  return o;
}
/** The camera's view matrix: orbiting the target at yaw/pitch (radians), dist away. */
function orbitView(cam) {
  const cp = Math.cos(cam.pitch), sp = Math.sin(cam.pitch), cy = Math.cos(cam.yaw), sy = Math.sin(cam.yaw);
  // eye direction from the target
  const ex = cp * sy, ey = sp, ez = cp * cy;
  const eye = [cam.tx + ex * cam.dist, cam.ty + ey * cam.dist, cam.tz + ez * cam.dist];
  const f = [-ex, -ey, -ez];                         // forward
  let r = [f[1] * 0 - f[2] * 1, f[2] * 0 - f[0] * 0, f[0] * 1 - f[1] * 0];   // forward × up(0,1,0)
  const rl = Math.hypot(...r) || 1;
  r = r.map((v) => v / rl);
  const u = [r[1] * f[2] - r[2] * f[1], r[2] * f[0] - r[0] * f[2], r[0] * f[1] - r[1] * f[0]];
  const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  return [r[0], u[0], -f[0], 0, r[1], u[1], -f[1], 0, r[2], u[2], -f[2], 0,
    -dot(r, eye), -dot(u, eye), dot(f, eye), 1];
}

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
  constructor(canvas, { onHover = () => {}, onClick = () => {}, onInteract = () => {}, onBox = () => {} } = {}) {
    this.canvas = canvas;
    this.onHover = onHover;
    this.onClick = onClick;
    this.onInteract = onInteract;
    this.onBox = onBox;
    // No MSAA: tiles antialias their own edges in the shader, and multisampling the whole canvas
    // is what costs most on software renderers.
    const gl = canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: true, alpha: true, depth: true });
    if (!gl) throw new Error('this browser has no WebGL2, which the map needs');
    this.gl = gl;
    this.points = compile(gl, VS, FS);
    this.points3 = compile(gl, VS3, FS);
    this.lines = compile(gl, LINE_VS, LINE_FS);
    this.lines3 = compile(gl, LINE_VS3, LINE_FS);
    this.dots = compile(gl, DOT_VS, DOT_FS);
    this.vao = gl.createVertexArray();
    this.dotVao = gl.createVertexArray();
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
    gl.bindVertexArray(this.dotVao);
    for (const [loc, buf, size, type, norm] of [[0, this.buf.pos, 2, gl.FLOAT, false], [1, this.buf.tile, 1, gl.FLOAT, false],
      [2, this.buf.color, 4, gl.UNSIGNED_BYTE, true], [3, this.buf.state, 1, gl.UNSIGNED_BYTE, false]]) {
      gl.bindBuffer(gl.ARRAY_BUFFER, buf);
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, size, type, norm, 0, 0);
    }
    gl.bindVertexArray(this.lineVao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.pos);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.lineIdx);
    gl.bindVertexArray(null);
    this.texture = gl.createTexture();
    this.maxTexture = gl.getParameter(gl.MAX_TEXTURE_SIZE);

    this.n = 0;
    this.dims = 2;
    this.positions = new Float32Array(0);
    this.states = new Uint8Array(0);
    this.hover = -1;
    this.lineCount = 0;
    this.view = { cx: 0, cy: 0, scale: 1 };   // 2-D; scale: CSS px per data unit
    this.target = null;                       // view the fit is easing towards
    this.autoFit = true;                      // follow the layout until the person moves the map
    this.fitScale = 1;
    this.camera = { yaw: 0.7, pitch: 0.35, dist: 4, tx: 0, ty: 0, tz: 0 };   // 3-D
    this.fitDist = 4;
    this.fov = (40 * Math.PI) / 180;
    this.index = new GridIndex();
    this.screen = null;                       // 3-D: per point x, y (CSS px), size, depth
    this.screenDirty = true;
    this.anim = null;                         // {from, to, t0, ms} while positions move
    this.frame = 0;
    this.stats = { draws: 0, ms: 0 };         // frames drawn, and the main thread's time in them
    this.width = 1;
    this.height = 1;
    this.box = document.createElement('div');
    this.box.className = 'select-box';
    this.box.hidden = true;
    canvas.parentElement?.append(this.box);

    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    this.resize();
    this.#wire();
  }

  // ---- data ----
  /** positions: Float32Array(n*dims); atlas: {source: canvas|image|ImageBitmap, tile, cols};
   *  tileIndex: tile of each point (default i); colors: Uint8Array(n*4) (alpha 0: none);
   *  paths: arrays of point indices to join in order. */
  setPoints({ positions, dims = 2, atlas, tileIndex = null, colors = null, paths = null }) {
    const gl = this.gl;
    this.n = positions.length / dims;
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
    this.dims = 0;   // forces the attribute layout to be set
    this.setPositions(positions, { dims, jump: true });
  }

  setColors(colors) {
    const gl = this.gl;
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
  setPositions(positions, { dims = this.dims || 2, jump = false, settle = false, animate = 0 } = {}) {
    const gl = this.gl;
    const changed = dims !== this.dims;
    this.#setDims(dims);
    if (animate > 0 && !changed && this.positions.length === positions.length) {
      this.anim = { from: this.positions.slice(), to: positions, t0: performance.now(), ms: animate };
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
      const fit = this.#fitView(final);
      this.fitScale = fit.scale;
      if (this.autoFit) {
        if (jump) { this.view = fit; this.target = null; } else this.target = fit;
      }
      if (settle && this.target) { this.view = this.target; this.target = null; }
    } else {
      if (this.autoFit) this.#fit3(final);
      else this.fitDist = this.#fitDist(final);
      this.screenDirty = true;
    }
    this.redraw();
  }

  /** 3-D fit: the camera, at its current angles, aimed and set back so the cloud's picture
   *  fills the room the overlays leave (two refinements from the bounding sphere). */
  #fit3(p = this.positions) {
    const n = this.n;
    let cx = 0, cy = 0, cz = 0, m = 0;
    for (let i = 0; i < n; i++) {
      const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
      if (!Number.isFinite(x + y + z)) continue;
      cx += x; cy += y; cz += z; m++;
    }
    if (!m) return;
    this.camera = { ...this.camera, tx: cx / m, ty: cy / m, tz: cz / m };
    this.camera.dist = this.#fitDist(p);
    const availW = Math.max(40, this.width - 2 * this.baseSize() - 32);
    const availH = Math.max(40, this.height - this.insetTop - this.insetBottom - 2 * this.baseSize());
    for (let it = 0; it < 3; it++) {
      const saved = this.positions;
      this.positions = p;
      this.screenDirty = true;
      const s = this.#project3();
      this.positions = saved;
      let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      for (let i = 0; i < n; i++) {
        const x = s[4 * i], y = s[4 * i + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
      if (!(x1 >= x0)) break;
      // move the target by the picture's offset from the centre (world units at the target)
      const c = this.camera;
      const perPx = (2 * c.dist * Math.tan(this.fov / 2)) / this.height;
      const midY = this.insetTop + (this.height - this.insetTop - this.insetBottom) / 2;
      const ox = ((x0 + x1) / 2 - this.width / 2) * perPx, oy = (midY - (y0 + y1) / 2) * perPx;
      const cyw = Math.cos(c.yaw), syw = Math.sin(c.yaw), cp = Math.cos(c.pitch), sp = Math.sin(c.pitch);
      const right = [cyw, 0, -syw], up = [-sp * syw, cp, -sp * cyw];
      const f = Math.max((x1 - x0) / availW, (y1 - y0) / availH, 0.05);
      this.camera = {
        ...c, tx: c.tx + right[0] * ox + up[0] * oy, ty: c.ty + up[1] * oy, tz: c.tz + right[2] * ox + up[2] * oy,
        dist: c.dist * (0.35 + 0.65 * f),
      };
    }
    this.fitDist = this.camera.dist;
    this.home = { ...this.camera };
    this.screenDirty = true;
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
    this.anim = null;
    this.screen = null;
    this.index.build(this.positions, 0);
    this.redraw();
  }

  // ---- view ----
  #bounds(p = this.positions) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < this.n; i++) {
      const x = p[2 * i], y = p[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
    return minX <= maxX ? { minX, minY, maxX, maxY } : null;
  }

  #fitView(p) {
    const b = this.#bounds(p);
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

  /** Camera distance at which the whole 3-D cloud (about the origin) fits the view. */
  #fitDist(p) {
    let r = 0;
    for (let i = 0; i < this.n; i++) {
      const d = Math.hypot(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
      if (Number.isFinite(d) && d > r) r = d;
    }
    r = Math.max(r, 1e-3);
    const aspect = this.width / Math.max(1, this.height - this.insetTop - this.insetBottom);
    const half = Math.min(this.fov / 2, Math.atan(Math.tan(this.fov / 2) * aspect));
    return (r / Math.sin(half)) * 1.04;
  }

  /** Room the page's overlays take at the top and bottom (CSS px), kept clear by fit(). */
  setInsets(top, bottom) { this.insetTop = top; this.insetBottom = bottom; }
  insetTop = 72;
  insetBottom = 24;

  fit({ jump = false } = {}) {
    this.autoFit = true;
    if (this.dims === 3) {
      this.#fit3();
    } else {
      const f = this.#fitView();
      if (jump) { this.view = f; this.target = null; } else this.target = f;
    }
    this.redraw();
  }

  /** Tile edge in CSS px at the fitted zoom: big when there are few points, small when many
   *  (down to a few pixels: plain coloured squares). */
  baseSize() {
    const n = Math.max(1, this.n);
    return this.sizeBoost * Math.max(3, Math.min(56, 0.36 * Math.sqrt((this.width * this.height) / n)));
  }

  /** Tiles this many times their usual size (the grid layout fills its cells). */
  setSizeBoost(f) { this.sizeBoost = f > 0 ? f : 1; this.redraw(); }
  sizeBoost = 1;

  pointSize() {
    if (this.dims === 3) return Math.max(3, Math.min(64, this.baseSize() * Math.sqrt(this.fitDist / this.camera.dist)));
    const zoom = this.view.scale / (this.fitScale || this.view.scale || 1);
    return this.baseSize() * Math.max(0.6, Math.min(4, Math.sqrt(zoom)));
  }

  zoomAt(x, y, factor) {
    this.autoFit = false;
    this.target = null;
    if (this.dims === 3) {
      this.camera = { ...this.camera, dist: Math.max(this.fitDist * 0.08, Math.min(this.fitDist * 6, this.camera.dist / factor)) };
      this.screenDirty = true;
      this.redraw();
      return;
    }
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
    if (this.dims === 3) {   // orbit
      const c = this.camera;
      this.camera = { ...c, yaw: c.yaw - dx * 0.008, pitch: Math.max(-1.45, Math.min(1.45, c.pitch + dy * 0.008)) };
      this.screenDirty = true;
      this.redraw();
      return;
    }
    const v = this.view;
    this.view = { cx: v.cx - dx / v.scale, cy: v.cy + dy / v.scale, scale: v.scale };
    this.redraw();
  }

  /** 3-D: projection × view, and CSS px per world unit at distance 1. */
  #camera3() {
    const aspect = this.width / this.height;
    const near = Math.max(1e-3, this.camera.dist * 0.02), far = this.camera.dist * 4 + 10;
    const proj = perspective(this.fov, aspect, near, far);
    // the picture's centre sits in the middle of the room the overlays leave
    const shift = (this.insetBottom - this.insetTop) / this.height;
    proj[9] += -shift;  // adds -shift * w to y in clip space (column 2, row 1 times -z)
    return { mvp: multiply(proj, orbitView(this.camera)), pxPerWorld: proj[5] * this.height / 2 };
  }

  /** Every point's screen position in 3-D (CSS px, size, depth), and a grid index of them. */
  #project3() {
    if (!this.screenDirty && this.screen) return this.screen;
    const n = this.n, p = this.positions;
    const { mvp, pxPerWorld } = this.#camera3();
    const out = this.screen && this.screen.length === n * 4 ? this.screen : new Float32Array(n * 4);
    const world = this.worldSize();
    const w2 = this.width / 2, h2 = this.height / 2;
    for (let i = 0; i < n; i++) {
      const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
      const cw = mvp[3] * x + mvp[7] * y + mvp[11] * z + mvp[15];
      if (!(cw > 1e-4) || !Number.isFinite(x + y + z)) { out[4 * i] = out[4 * i + 1] = NaN; continue; }
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
    return (px * 2.2) / Math.max(1, Math.min(this.width, this.height)) * (this.fitDist * Math.tan(this.fov / 2));
  }

  /** Data → CSS px in the canvas (2-D). */
  toScreen(x, y) {
    const v = this.view;
    return { x: (x - v.cx) * v.scale + this.width / 2, y: this.height / 2 - (y - v.cy) * v.scale };
  }

  screenOf(i) {
    if (i < 0 || i >= this.n) return null;
    if (this.dims === 3) {
      const s = this.#project3();
      const x = s[4 * i], y = s[4 * i + 1];
      return Number.isFinite(x) && Number.isFinite(y) ? { x, y } : null;
    }
    const x = this.positions[2 * i], y = this.positions[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
    return this.toScreen(x, y);
  }

  /** The point under CSS px (x, y) of the canvas, or -1 (3-D: the frontmost of those there). */
  pick(x, y, slack = 0.62) {
    if (this.dims === 3) {
      const s = this.#project3();
      let best = -1, bestDepth = Infinity;
      this.index.within(x, y, 64 * slack, (i, d2) => {
        const r = s[4 * i + 2] * slack;
        if (d2 <= r * r && s[4 * i + 3] < bestDepth) { bestDepth = s[4 * i + 3]; best = i; }
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
    const out = [];
    for (let i = 0; i < this.n; i++) {
      const p = this.screenOf(i);
      if (p && p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1) out.push(i);
    }
    return out;
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
    if (this.autoFit && this.n) {
      if (this.dims === 3) this.fit(); else this.view = this.#fitView();
    }
    this.screenDirty = true;
    this.redraw();
  }

  redraw() {
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
      const e = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;   // ease in-out
      const p = this.positions;
      for (let k = 0; k < p.length; k++) p[k] = a.from[k] + (a.to[k] - a.from[k]) * e;
      if (t >= 1) { this.positions = a.to; this.anim = null; }
      const gl = this.gl;
      gl.bindBuffer(gl.ARRAY_BUFFER, this.buf.pos);
      gl.bufferData(gl.ARRAY_BUFFER, this.positions, gl.DYNAMIC_DRAW);
      this.screenDirty = true;
      if (this.anim) this.redraw();
    }
    if (this.target) {
      const v = this.view, t = this.target, k = 0.25;
      const ls = Math.log(v.scale) + (Math.log(t.scale) - Math.log(v.scale)) * k;
      this.view = { cx: v.cx + (t.cx - v.cx) * k, cy: v.cy + (t.cy - v.cy) * k, scale: Math.exp(ls) };
      const done = Math.abs(ls - Math.log(t.scale)) < 1e-3 &&
        Math.abs(this.view.cx - t.cx) * t.scale < 0.5 && Math.abs(this.view.cy - t.cy) * t.scale < 0.5;
      if (done) { this.view = t; this.target = null; } else this.redraw();
    }
  }

  #draw() {
    this.#step();
    const gl = this.gl;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.clearColor(0, 0, 0, 0);
    gl.clearDepth(1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    if (!this.n || !this.atlas) return;
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    const three = this.dims === 3;
    let p, size = this.pointSize();
    if (three) {
      const { mvp, pxPerWorld } = this.#camera3();
      if (this.lineCount) {
        gl.useProgram(this.lines3.prog);
        gl.uniformMatrix4fv(this.lines3.u.u_mvp, false, mvp);
        gl.uniform4fv(this.lines3.u.u_color, [0.16, 0.18, 0.22, 0.5]);
        gl.bindVertexArray(this.lineVao);
        gl.drawElements(gl.LINES, this.lineCount, gl.UNSIGNED_INT, 0);
      }
      p = this.points3;
      gl.useProgram(p.prog);
      gl.uniformMatrix4fv(p.u.u_mvp, false, mvp);
      gl.uniform1f(p.u.u_world, this.worldSize());
      gl.uniform1f(p.u.u_pxPerWorld, pxPerWorld);
      gl.uniform2fv(p.u.u_clampPx, [3, 64]);
      gl.uniform1f(p.u.u_depth, 1);
      gl.enable(gl.DEPTH_TEST);
      gl.depthFunc(gl.LEQUAL);
      gl.depthMask(true);
    } else {
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
      if (size < DOT_PX) {
        const d = this.dots;
        gl.useProgram(d.prog);
        gl.uniform2fv(d.u.u_scale, scale);
        gl.uniform2fv(d.u.u_offset, offset);
        gl.uniform1f(d.u.u_size, Math.max(1, Math.round(size * 0.85 * this.dpr)));
        gl.uniform1f(d.u.u_cols, this.atlas.cols);
        gl.uniform2fv(d.u.u_tileUV, [this.atlas.tile / this.atlas.width, this.atlas.tile / this.atlas.height]);
        gl.uniform1f(d.u.u_dotLod, this.dotLod || 0);
        gl.activeTexture(gl.TEXTURE0);
        gl.bindTexture(gl.TEXTURE_2D, this.texture);
        gl.uniform1i(d.u.u_atlas, 0);
        gl.disable(gl.DEPTH_TEST);
        gl.bindVertexArray(this.dotVao);
        gl.drawArrays(gl.POINTS, 0, this.n);
      }
      p = this.points;
      gl.useProgram(p.prog);
      gl.uniform2fv(p.u.u_scale, scale);
      gl.uniform2fv(p.u.u_offset, offset);
      gl.uniform1f(p.u.u_size, size);
      gl.uniform1f(p.u.u_depth, 0);
      gl.disable(gl.DEPTH_TEST);
    }
    gl.uniform2fv(p.u.u_px, [1 / this.width, 1 / this.height]);
    gl.uniform1f(p.u.u_grow, 1);
    gl.uniform1f(p.u.u_cols, this.atlas.cols);
    gl.uniform2fv(p.u.u_tileUV, [this.atlas.tile / this.atlas.width, this.atlas.tile / this.atlas.height]);
    gl.uniform2fv(p.u.u_border, [2, 0.12]);
    gl.uniform1f(p.u.u_hover, 0);
    gl.uniform1f(p.u.u_dot, DOT_PX);
    gl.uniform1f(p.u.u_dotLod, this.dotLod || 0);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.uniform1i(p.u.u_atlas, 0);
    gl.bindVertexArray(this.vao);
    if (three || size >= DOT_PX) gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.n);
    if (this.hover >= 0 && this.hover < this.n) {
      // The hovered point again, on top and larger: point the instance attributes at it.
      const i = this.hover;
      const at = (loc, buf, sz, type, norm, bytes) => {
        gl.bindBuffer(gl.ARRAY_BUFFER, buf);
        gl.vertexAttribPointer(loc, sz, type, norm, 0, i * bytes);
      };
      const d = this.dims;
      if (three) {
        gl.disable(gl.DEPTH_TEST);
        size = this.screen ? this.screen[4 * i + 2] || size : size;
      }
      at(0, this.buf.pos, d, gl.FLOAT, false, 4 * d);
      at(1, this.buf.tile, 1, gl.FLOAT, false, 4);
      at(2, this.buf.color, 4, gl.UNSIGNED_BYTE, true, 4);
      at(3, this.buf.state, 1, gl.UNSIGNED_BYTE, false, 1);
      const grow = Math.max(1.6, Math.min(three ? 6 : 3, 72 / size));
      gl.uniform1f(p.u.u_grow, grow);
      if (three) gl.uniform2fv(p.u.u_clampPx, [3, 64 * grow]);
      gl.uniform1f(p.u.u_hover, 1);
      gl.uniform2fv(p.u.u_border, [1.5, 0.06]);
      gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, 1);
      at(0, this.buf.pos, d, gl.FLOAT, false, 0);
      at(1, this.buf.tile, 1, gl.FLOAT, false, 0);
      at(2, this.buf.color, 4, gl.UNSIGNED_BYTE, true, 0);
      at(3, this.buf.state, 1, gl.UNSIGNED_BYTE, false, 0);
    }
    gl.disable(gl.DEPTH_TEST);
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
    const placeBox = (b) => {
      const x0 = Math.min(b.x0, b.x), y0 = Math.min(b.y0, b.y);
      Object.assign(this.box.style, {
        left: `${c.offsetLeft + x0}px`, top: `${c.offsetTop + y0}px`,
        width: `${Math.abs(b.x - b.x0)}px`, height: `${Math.abs(b.y - b.y0)}px`,
      });
    };
    c.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const p = local(e);
      drag = { x: p.x, y: p.y, x0: p.x, y0: p.y, moved: false, id: e.pointerId, box: e.shiftKey };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      const p = local(e);
      if (drag && drag.id === e.pointerId) {
        const dx = p.x - drag.x, dy = p.y - drag.y;
        if (drag.moved || Math.hypot(dx, dy) > 4) {
          if (!drag.moved) { drag.moved = true; c.classList.add(drag.box ? 'boxing' : 'panning'); this.onInteract(); }
          if (drag.box) {
            drag.x = p.x; drag.y = p.y;
            placeBox(drag);
            this.box.hidden = false;
          } else {
            this.panBy(dx, dy);
            drag.x = p.x; drag.y = p.y;
          }
          return;
        }
      }
      const i = this.pick(p.x, p.y);
      this.setHover(i);
      this.onHover(i, e);
    });
    const end = (e) => {
      if (!drag || drag.id !== e.pointerId) return;
      const d = drag;
      drag = null;
      c.classList.remove('panning', 'boxing');
      this.box.hidden = true;
      if (d.box && d.moved) {
        if (e.type === 'pointerup') {
          this.onBox(this.inRect(Math.min(d.x0, d.x), Math.min(d.y0, d.y), Math.max(d.x0, d.x), Math.max(d.y0, d.y)));
        }
        return;
      }
      if (!d.moved && e.type === 'pointerup') {
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
