// frame-cache.js — keeps very large 2-D maps fluid while they are dragged or zoomed: the last
// full picture is kept in a texture, and while the person pans or zooms each frame only moves
// and scales that picture (one quad) instead of drawing every point again; the full picture
// is drawn again once the map has been still for SETTLE_MS (and whenever anything else
// changes). Below CACHE_MIN points, in 3-D and while points travel, frames are drawn in full.
export const CACHE_MIN = 50000;
export const SETTLE_MS = 140;

const VS = `#version 300 es
layout(location = 0) in vec2 a_corner;
uniform vec4 u_rect; // clip-space x0, y0, x1, y1 of the kept picture
out vec2 v_uv;
void main() {
  v_uv = a_corner;
  gl_Position = vec4(mix(u_rect.xy, u_rect.zw, a_corner), 0.0, 1.0);
}`;
const FS = `#version 300 es
precision mediump float;
in vec2 v_uv;
uniform sampler2D u_tex;
out vec4 o;
void main() { o = texture(u_tex, v_uv); }`;

export class FrameCache {
  constructor(gl, compile) {
    this.gl = gl;
    this.prog = compile(gl, VS, FS);
    this.vao = gl.createVertexArray();
    gl.bindVertexArray(this.vao);
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
    this.tex = null;
    this.fbo = null;
    this.depth = null;
    this.w = 0;
    this.h = 0;
    this.at = null; // the 2-D view {cx, cy, scale} the kept picture was drawn with
  }

  /** Draws a full frame with draw() into the kept picture, for `view` (its 2-D view now). */
  capture(view, draw) {
    const gl = this.gl;
    const w = view.canvas.width,
      h = view.canvas.height;
    if (w !== this.w || h !== this.h || !this.fbo) {
      this.release();
      this.tex = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, this.tex);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      this.depth = gl.createRenderbuffer();
      gl.bindRenderbuffer(gl.RENDERBUFFER, this.depth);
      gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, w, h);
      this.fbo = gl.createFramebuffer();
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.tex, 0);
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, this.depth);
      this.w = w;
      this.h = h;
    }
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
    draw();
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    this.at = { ...view.view };
  }

  /** Draws the kept picture moved and scaled to view's 2-D view now. */
  show(view) {
    const gl = this.gl,
      a = this.at,
      v = view.view;
    const k = v.scale / a.scale;
    // the kept picture's centre, where the view now puts it (CSS px from the canvas centre)
    const dx = (a.cx - v.cx) * v.scale,
      dy = (a.cy - v.cy) * v.scale;
    const hw = k,
      hh = k; // half sizes in clip units (the picture filled -1..1)
    const cx = (2 * dx) / view.width,
      cy = (2 * dy) / view.height;
    gl.viewport(0, 0, view.canvas.width, view.canvas.height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.disable(gl.DEPTH_TEST);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.useProgram(this.prog.prog);
    gl.uniform4fv(this.prog.u.u_rect, [cx - hw, cy - hh, cx + hw, cy + hh]);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.tex);
    gl.uniform1i(this.prog.u.u_tex, 0);
    gl.bindVertexArray(this.vao);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.bindVertexArray(null);
  }

  release() {
    const gl = this.gl;
    if (this.fbo) gl.deleteFramebuffer(this.fbo);
    if (this.tex) gl.deleteTexture(this.tex);
    if (this.depth) gl.deleteRenderbuffer(this.depth);
    this.fbo = this.tex = this.depth = null;
    this.at = null;
  }
}
