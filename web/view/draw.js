// draw.js — one frame of the map: the tiles (2-D quads, 3-D depth-tested billboards, or far
// zoomed out plain dots), the path through a long recording and the hovered tile on top. It
// reads a MapView's state (buffers, programs, camera, sizes) and changes none of it except the
// frame statistics.
/** Below this tile edge (CSS px) tiles are drawn as plain squares of their colour. */
export const DOT_PX = 7;
/** The time path of long recordings: the page's accent, premultiplied, about 60 % opaque. */
const PATH_COLOR = [0.18, 0.47, 0.56, 0.6];

/** Draws view's current state into its canvas. points: false draws only the hovered point,
 *  over what is there (frame-cache.js keeps the rest). */
export function drawFrame(view, { points = true } = {}) {
  const gl = view.gl;
  gl.viewport(0, 0, view.canvas.width, view.canvas.height);
  if (points) {
    gl.clearColor(0, 0, 0, 0);
    gl.clearDepth(1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
  }
  if (!view.n || !view.atlas) return;
  gl.enable(gl.BLEND);
  gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
  const three = view.dims === 3;
  let p,
    dots = false,
    size = view.pointSize();
  if (three) {
    const { mvp, pxPerWorld } = view.camera3();
    if (view.lineCount) {
      gl.useProgram(view.lines3.prog);
      gl.uniformMatrix4fv(view.lines3.u.u_mvp, false, mvp);
      gl.uniform4fv(view.lines3.u.u_color, PATH_COLOR);
      gl.bindVertexArray(view.lineVao);
      gl.drawElements(gl.LINES, view.lineCount, gl.UNSIGNED_INT, 0);
    }
    p = view.points3;
    gl.useProgram(p.prog);
    gl.uniformMatrix4fv(p.u.u_mvp, false, mvp);
    gl.uniform1f(p.u.u_world, view.worldSize());
    gl.uniform1f(p.u.u_pxPerWorld, pxPerWorld);
    gl.uniform2fv(p.u.u_clampPx, [3, 64]);
    gl.uniform1f(p.u.u_depth, 1);
    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LEQUAL);
    gl.depthMask(true);
  } else {
    const v = view.view;
    const sx = (2 * v.scale) / view.width,
      sy = (2 * v.scale) / view.height;
    const scale = [sx, sy],
      offset = [-v.cx * sx, -v.cy * sy];
    if (view.lineCount && points) {
      gl.useProgram(view.lines.prog);
      gl.uniform2fv(view.lines.u.u_scale, scale);
      gl.uniform2fv(view.lines.u.u_offset, offset);
      gl.uniform4fv(view.lines.u.u_color, PATH_COLOR);
      gl.bindVertexArray(view.lineVao);
      gl.drawElements(gl.LINES, view.lineCount, gl.UNSIGNED_INT, 0);
    }
    dots = size < DOT_PX || view.tilesDropped || view.pointsMode; // far out, or no sprite sheet
    if (dots && points) {
      const d = view.dots;
      gl.useProgram(d.prog);
      gl.uniform2fv(d.u.u_scale, scale);
      gl.uniform2fv(d.u.u_offset, offset);
      gl.uniform1f(d.u.u_size, Math.max(1, Math.round(size * 0.85 * view.dpr)));
      gl.uniform1f(d.u.u_cols, view.atlas.cols);
      gl.uniform2fv(d.u.u_tileUV, [
        view.atlas.tile / view.atlas.width,
        view.atlas.tile / view.atlas.height,
      ]);
      gl.uniform1f(d.u.u_dotLod, view.dotLod || 0);
      gl.activeTexture(gl.TEXTURE0);
      gl.bindTexture(gl.TEXTURE_2D, view.texture);
      gl.uniform1i(d.u.u_atlas, 0);
      gl.disable(gl.DEPTH_TEST);
      gl.bindVertexArray(view.dotVao);
      gl.drawArrays(gl.POINTS, 0, view.n);
    }
    p = view.points;
    gl.useProgram(p.prog);
    gl.uniform2fv(p.u.u_scale, scale);
    gl.uniform2fv(p.u.u_offset, offset);
    gl.uniform1f(p.u.u_size, size);
    gl.uniform1f(p.u.u_depth, 0);
    gl.disable(gl.DEPTH_TEST);
  }
  gl.uniform2fv(p.u.u_px, [1 / view.width, 1 / view.height]);
  gl.uniform1f(p.u.u_grow, 1);
  gl.uniform1f(p.u.u_cols, view.atlas.cols);
  gl.uniform2fv(p.u.u_tileUV, [
    view.atlas.tile / view.atlas.width,
    view.atlas.tile / view.atlas.height,
  ]);
  gl.uniform2fv(p.u.u_border, [2, 0.12]);
  gl.uniform1f(p.u.u_hover, 0);
  gl.uniform1f(p.u.u_dot, DOT_PX);
  gl.uniform1f(p.u.u_dotLod, view.dotLod || 0);
  gl.activeTexture(gl.TEXTURE0);
  gl.bindTexture(gl.TEXTURE_2D, view.texture);
  gl.uniform1i(p.u.u_atlas, 0);
  gl.bindVertexArray(view.vao);
  if ((three || !dots) && points) gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, view.n);
  // points mode: the streamed tiles of what is on screen over the points (tile-layer.js)
  const layer = !three && view.pointsMode && size >= DOT_PX ? view.layer : null;
  if (layer?.texture && points) {
    layer.sync(view);
    if (layer.count) {
      useAtlas(gl, p, layer.atlas());
      gl.bindVertexArray(layer.vao);
      gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, layer.count);
    }
  }
  const fromLayer = layer?.texture ? layer.instanceOf.get(view.hover) : undefined;
  if (view.hover >= 0 && view.hover < view.n) {
    // The hovered point again, on top and larger: point the instance attributes at it (in the
    // streamed tiles' buffers when its tile is there).
    let i = view.hover;
    let buf = view.buf;
    if (fromLayer !== undefined) {
      i = fromLayer;
      buf = layer.buf;
      useAtlas(gl, p, layer.atlas());
      gl.bindVertexArray(layer.vao);
    } else if (layer?.texture) {
      useAtlas(gl, p, {
        cols: view.atlas.cols,
        tileUV: [view.atlas.tile / view.atlas.width, view.atlas.tile / view.atlas.height],
        texture: view.texture,
      });
      gl.bindVertexArray(view.vao);
    }
    const at = (loc, buf, sz, type, norm, bytes) => {
      gl.bindBuffer(gl.ARRAY_BUFFER, buf);
      gl.vertexAttribPointer(loc, sz, type, norm, 0, i * bytes);
    };
    const d = view.dims;
    if (three) {
      gl.disable(gl.DEPTH_TEST);
      size = view.screen ? view.screen[4 * i + 2] || size : size;
    }
    at(0, buf.pos, d, gl.FLOAT, false, 4 * d);
    at(1, buf.tile, 1, gl.FLOAT, false, 4);
    at(2, buf.color, 4, gl.UNSIGNED_BYTE, true, 4);
    at(3, buf.state, 1, gl.UNSIGNED_BYTE, false, 1);
    const grow = Math.max(1.6, Math.min(three ? 6 : 3, 72 / size));
    gl.uniform1f(p.u.u_grow, grow);
    if (three) gl.uniform2fv(p.u.u_clampPx, [3, 64 * grow]);
    gl.uniform1f(p.u.u_hover, 1);
    gl.uniform2fv(p.u.u_border, [1.5, 0.06]);
    gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, 1);
    at(0, buf.pos, d, gl.FLOAT, false, 0);
    at(1, buf.tile, 1, gl.FLOAT, false, 0);
    at(2, buf.color, 4, gl.UNSIGNED_BYTE, true, 0);
    at(3, buf.state, 1, gl.UNSIGNED_BYTE, false, 0);
  }
  gl.disable(gl.DEPTH_TEST);
  gl.bindVertexArray(null);
}

/** Points the tile program at an atlas: {cols, tileUV, texture}. */
function useAtlas(gl, p, a) {
  gl.uniform1f(p.u.u_cols, a.cols);
  gl.uniform2fv(p.u.u_tileUV, a.tileUV);
  gl.activeTexture(gl.TEXTURE0);
  gl.bindTexture(gl.TEXTURE_2D, a.texture);
}
