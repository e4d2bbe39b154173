// tile-layer.js — streamed tiles over a map drawn as points (maps of many rows, README "Maps of
// many rows"): small sprite sheets, each uploaded whole into a slot of one texture, and the
// points whose tiles they hold drawn as tiles on top of the plain points. The slots are a
// bounded LRU: a sheet not needed now makes room for a new one. visibleRows says which points
// are on screen, or that there are too many to stream.

import { tileAttrs, tileBuffers } from './gl.js';

/** The points of a 2-D view whose centres are on screen (Int32Array), or null when there are
 *  more than `limit` of them. */
export function visibleRows(view, limit) {
  if (view.dims !== 2) return null;
  const v = view.view;
  const hw = view.width / 2 / v.scale,
    hh = view.height / 2 / v.scale;
  const x0 = v.cx - hw,
    x1 = v.cx + hw,
    y0 = v.cy - hh,
    y1 = v.cy + hh;
  const p = view.positions;
  const out = [];
  for (let i = 0, n = view.n; i < n; i++) {
    const x = p[2 * i],
      y = p[2 * i + 1];
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) {
      if (out.length >= limit) return null;
      out.push(i);
    }
  }
  return Int32Array.from(out);
}

export class TileLayer {
  /** tile: px of a tile; slotSide: px of the largest sheet; maxTexture: the GPU's limit. */
  constructor(gl, { tile, slotSide, maxTexture = 4096 }) {
    this.gl = gl;
    this.tile = tile;
    const side = Math.min(4096, maxTexture || 4096);
    // slots are a whole number of tiles wide, so every tile sits on the texture's tile grid
    this.slotTiles = Math.ceil(slotSide / tile);
    this.perRow = Math.max(1, Math.floor(side / (this.slotTiles * tile)));
    this.side = this.perRow * this.slotTiles * tile;
    this.capacity = this.perRow * this.perRow;
    this.sheets = new Map(); // sheet id → {slot, rows, cols}, least recently used first
    this.free = [];
    for (let s = this.capacity - 1; s >= 0; s--) this.free.push(s);
    this.texture = null;
    this.count = 0; // points drawn as tiles
    this.instanceOf = new Map(); // point → its instance in the buffers
    this.vao = gl.createVertexArray();
    this.buf = tileBuffers(gl);
    tileAttrs(gl, this.vao, this.buf, true);
  }

  has(id) {
    return this.sheets.has(id);
  }

  /** Marks a sheet as used now (it is evicted last). */
  touch(id) {
    const s = this.sheets.get(id);
    if (!s) return;
    this.sheets.delete(id);
    this.sheets.set(id, s);
  }

  /** Uploads sheet `id` (an ImageBitmap or image, cols tiles a row) holding the tiles of `rows`
   *  (points, in cell order). Evicts the least recently used sheet not in `keep` when no slot
   *  is free; false when none can go. */
  add(id, image, rows, cols, keep = new Set()) {
    if (this.sheets.has(id)) return true;
    if (!this.free.length) {
      const old = [...this.sheets.keys()].find((k) => !keep.has(k));
      if (old === undefined) return false;
      this.drop(old);
    }
    const gl = this.gl;
    if (!this.texture) {
      this.texture = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, this.texture);
      gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA8, this.side, this.side);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    }
    const slot = this.free.pop();
    const px = this.slotTiles * this.tile;
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.texSubImage2D(
      gl.TEXTURE_2D,
      0,
      (slot % this.perRow) * px,
      Math.floor(slot / this.perRow) * px,
      gl.RGBA,
      gl.UNSIGNED_BYTE,
      image,
    );
    this.sheets.set(id, { slot, rows, cols });
    this.dirty = true;
    return true;
  }

  drop(id) {
    const s = this.sheets.get(id);
    if (!s) return;
    this.sheets.delete(id);
    this.free.push(s.slot);
    this.dirty = true;
  }

  /** Every sheet dropped and the texture released (zoomed out). */
  clear() {
    for (const id of [...this.sheets.keys()]) this.drop(id);
    if (this.texture) this.gl.deleteTexture(this.texture);
    this.texture = null;
    this.count = 0;
    this.instanceOf.clear();
  }

  /** The instance buffers from the view's positions, colours and states now. */
  sync(view) {
    const gl = this.gl;
    let m = 0;
    for (const s of this.sheets.values()) m += s.rows.length;
    const pos = new Float32Array(2 * m),
      tile = new Float32Array(m),
      color = new Uint8Array(4 * m),
      state = new Uint8Array(m);
    const texCols = this.perRow * this.slotTiles;
    const p = view.positions,
      c = view.colors,
      st = view.states;
    this.instanceOf.clear();
    let j = 0;
    for (const s of this.sheets.values()) {
      const sx = (s.slot % this.perRow) * this.slotTiles,
        sy = Math.floor(s.slot / this.perRow) * this.slotTiles;
      s.rows.forEach((i, cell) => {
        if (i >= view.n) return;
        pos[2 * j] = p[2 * i];
        pos[2 * j + 1] = p[2 * i + 1];
        tile[j] = (sy + Math.floor(cell / s.cols)) * texCols + sx + (cell % s.cols);
        if (c) color.set(c.subarray(4 * i, 4 * i + 4), 4 * j);
        state[j] = st[i] ?? 0;
        this.instanceOf.set(i, j);
        j++;
      });
    }
    this.count = j;
    for (const [b, data] of [
      [this.buf.pos, pos],
      [this.buf.tile, tile],
      [this.buf.color, color],
      [this.buf.state, state],
    ]) {
      gl.bindBuffer(gl.ARRAY_BUFFER, b);
      gl.bufferData(gl.ARRAY_BUFFER, data, gl.DYNAMIC_DRAW);
    }
    this.dirty = false;
  }

  /** Atlas facts for the tile program: {cols, tileUV, texture}. */
  atlas() {
    const texCols = this.perRow * this.slotTiles;
    const uv = this.tile / this.side;
    return { cols: texCols, tileUV: [uv, uv], texture: this.texture };
  }
}
