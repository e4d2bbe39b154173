// pick.js — a uniform grid over the points' data coordinates, for finding the point nearest the
// mouse without scanning them all. Rebuilt whenever the layout changes (O(n)).

export class GridIndex {
  constructor() {
    this.n = 0;
  }

  /** pos: Float32Array of n points × stride (x, y first); points with non-finite x or y and those
   *  where skip(i) is true are left out. */
  build(pos, n, stride = 2, skip = null) {
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity,
      m = 0;
    for (let i = 0; i < n; i++) {
      const x = pos[i * stride],
        y = pos[i * stride + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y) || skip?.(i)) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      m++;
    }
    this.n = m;
    this.pos = pos;
    this.stride = stride;
    if (m === 0) return this;
    const side = Math.max(1, Math.ceil(Math.sqrt(m)));
    const span = Math.max(maxX - minX, maxY - minY, 1e-9);
    this.cell = span / side;
    this.minX = minX;
    this.minY = minY;
    this.cols = Math.max(1, Math.ceil((maxX - minX) / this.cell) + 1);
    this.rows = Math.max(1, Math.ceil((maxY - minY) / this.cell) + 1);
    const cells = this.cols * this.rows;
    const count = new Uint32Array(cells + 1);
    const cellOf = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const x = pos[i * stride],
        y = pos[i * stride + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y) || skip?.(i)) continue;
      const c = this.#cx(x) + this.#cy(y) * this.cols;
      cellOf[i] = c;
      count[c + 1]++;
    }
    for (let c = 0; c < cells; c++) count[c + 1] += count[c];
    const items = new Uint32Array(m);
    const fill = count.slice(0, cells);
    for (let i = 0; i < n; i++) if (cellOf[i] >= 0) items[fill[cellOf[i]]++] = i;
    this.start = count;
    this.items = items;
    return this;
  }

  #cx(x) {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.minX) / this.cell)));
  }
  #cy(y) {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.minY) / this.cell)));
  }

  /** Calls fn(i, squared distance) for every point within r of (x, y). */
  within(x, y, r, fn) {
    if (this.n === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return;
    const x0 = this.#cx(x - r),
      x1 = this.#cx(x + r),
      y0 = this.#cy(y - r),
      y1 = this.#cy(y + r);
    const { pos, stride } = this;
    for (let cy = y0; cy <= y1; cy++) {
      for (let cx = x0; cx <= x1; cx++) {
        const c = cx + cy * this.cols;
        for (let k = this.start[c]; k < this.start[c + 1]; k++) {
          const i = this.items[k];
          const dx = pos[i * stride] - x,
            dy = pos[i * stride + 1] - y;
          const d = dx * dx + dy * dy;
          if (d <= r * r) fn(i, d);
        }
      }
    }
  }

  /** Index of the point nearest (x, y) within maxDist (data units), or -1. */
  nearest(x, y, maxDist = Infinity) {
    if (this.n === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return -1;
    let best = -1,
      bestD = Infinity;
    this.within(x, y, Math.min(maxDist, 1e30), (i, d) => {
      if (d <= bestD) {
        bestD = d;
        best = i;
      }
    });
    return best;
  }
}
