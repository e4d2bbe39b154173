// gl.js — WebGL2 plumbing of the map view: 4x4 matrices (column-major, as WebGL takes them)
// for the 3-D camera, shader programs compiled with their uniforms looked up, and the
// programs, buffers and vertex arrays a MapView draws with.
import DOT_FS from './shaders/dot.frag';
import DOT_VS from './shaders/dot.vert';
import LINE_FS from './shaders/line.frag';
import LINE_VS from './shaders/line-2d.vert';
import LINE_VS3 from './shaders/line-3d.vert';
import TILE_FS from './shaders/tile.frag';
import TILE_VS from './shaders/tile-2d.vert';
import TILE_VS3 from './shaders/tile-3d.vert';
import TILE_ATTRS from './shaders/tile-attrs.glsl';

// ---- 4x4 matrices, column-major as WebGL takes them ----
export function perspective(fovy, aspect, near, far) {
  const f = 1 / Math.tan(fovy / 2),
    nf = 1 / (near - far);
  return [
    f / aspect,
    0,
    0,
    0,
    0,
    f,
    0,
    0,
    0,
    0,
    (far + near) * nf,
    -1,
    0,
    0,
    2 * far * near * nf,
    0,
  ];
}
export function multiply(a, b) {
  const o = new Array(16).fill(0);
  for (let c = 0; c < 4; c++)
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[k * 4 + r] * b[c * 4 + k];
      o[c * 4 + r] = s;
    }
  return o;
}
/** The camera's view matrix: orbiting the target at yaw/pitch (radians), dist away. */
export function orbitView(cam) {
  const cp = Math.cos(cam.pitch),
    sp = Math.sin(cam.pitch),
    cy = Math.cos(cam.yaw),
    sy = Math.sin(cam.yaw);
  // eye direction from the target
  const ex = cp * sy,
    ey = sp,
    ez = cp * cy;
  const eye = [cam.tx + ex * cam.dist, cam.ty + ey * cam.dist, cam.tz + ez * cam.dist];
  const f = [-ex, -ey, -ez]; // forward
  let r = [f[1] * 0 - f[2] * 1, f[2] * 0 - f[0] * 0, f[0] * 1 - f[1] * 0]; // forward × up(0,1,0)
  const rl = Math.hypot(...r) || 1;
  r = r.map((v) => v / rl);
  const u = [r[1] * f[2] - r[2] * f[1], r[2] * f[0] - r[0] * f[2], r[0] * f[1] - r[1] * f[0]];
  const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  return [
    r[0],
    u[0],
    -f[0],
    0,
    r[1],
    u[1],
    -f[1],
    0,
    r[2],
    u[2],
    -f[2],
    0,
    -dot(r, eye),
    -dot(u, eye),
    dot(f, eye),
    1,
  ];
}

export function compile(gl, vs, fs) {
  const prog = gl.createProgram();
  for (const [type, src] of [
    [gl.VERTEX_SHADER, vs],
    [gl.FRAGMENT_SHADER, fs],
  ]) {
    const sh = gl.createShader(type);
    gl.shaderSource(sh, src);
    gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS))
      throw new Error(`shader: ${gl.getShaderInfoLog(sh)}`);
    gl.attachShader(prog, sh);
  }
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS))
    throw new Error(`shader link: ${gl.getProgramInfoLog(prog)}`);
  const u = {};
  const count = gl.getProgramParameter(prog, gl.ACTIVE_UNIFORMS);
  for (let i = 0; i < count; i++) {
    const name = gl.getActiveUniform(prog, i).name;
    u[name] = gl.getUniformLocation(prog, name);
  }
  return { prog, u };
}

/** The per-point buffers of the tile programs: pos (2 floats), tile (1 float), color (4 bytes),
 *  state (1 byte). */
export function tileBuffers(gl) {
  return {
    pos: gl.createBuffer(),
    tile: gl.createBuffer(),
    color: gl.createBuffer(),
    state: gl.createBuffer(),
  };
}

/** Binds buf's four attributes (locations 0-3, the layout of tile-attrs.glsl) to vao, one value
 *  per instance when instanced (the tiles), per vertex otherwise (the dots). */
export function tileAttrs(gl, vao, buf, instanced) {
  gl.bindVertexArray(vao);
  for (const [loc, b, size, type, norm] of [
    [0, buf.pos, 2, gl.FLOAT, false],
    [1, buf.tile, 1, gl.FLOAT, false],
    [2, buf.color, 4, gl.UNSIGNED_BYTE, true],
    [3, buf.state, 1, gl.UNSIGNED_BYTE, false],
  ]) {
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, size, type, norm, 0, 0);
    if (instanced) gl.vertexAttribDivisor(loc, 1);
  }
  gl.bindVertexArray(null);
}

/** The programs (points, points3, dots, lines, lines3), per-point buffers (buf.pos, .tile,
 *  .color, .state), vertex arrays (vao: instanced tiles, dotVao, lineVao), the path's index
 *  buffer, the atlas texture and the largest texture side of a WebGL2 context. */
export function setupGl(gl) {
  const o = {};
  const withAttrs = (src) => src.replace('#include <tile-attrs>', TILE_ATTRS);
  o.points = compile(gl, withAttrs(TILE_VS), TILE_FS);
  o.points3 = compile(gl, withAttrs(TILE_VS3), TILE_FS);
  o.lines = compile(gl, LINE_VS, LINE_FS);
  o.lines3 = compile(gl, LINE_VS3, LINE_FS);
  o.dots = compile(gl, DOT_VS, DOT_FS);
  o.vao = gl.createVertexArray();
  o.dotVao = gl.createVertexArray();
  o.lineVao = gl.createVertexArray();
  o.buf = tileBuffers(gl);
  o.lineIdx = gl.createBuffer();
  tileAttrs(gl, o.vao, o.buf, true);
  tileAttrs(gl, o.dotVao, o.buf, false);
  gl.bindVertexArray(o.lineVao);
  gl.bindBuffer(gl.ARRAY_BUFFER, o.buf.pos);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, o.lineIdx);
  gl.bindVertexArray(null);
  o.texture = gl.createTexture();
  o.maxTexture = gl.getParameter(gl.MAX_TEXTURE_SIZE);
  return o;
}
