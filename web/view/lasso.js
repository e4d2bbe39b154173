// lasso.js — free-hand selection on the map: the path drawn while dragging (an SVG overlay over
// the canvas) and the points whose screen positions lie inside it (even-odd rule; in 3-D the
// projected positions, so what is inside the drawn shape on screen is what is selected).

const SVG = 'http://www.w3.org/2000/svg';

/** True when (x, y) lies inside the closed polygon [{x, y}, ...] (even-odd rule). */
export function pointInPolygon(poly, x, y) {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i],
      b = poly[j];
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** Indices of the view's points whose centres (canvas CSS px) lie inside poly. */
export function pointsInPolygon(view, poly) {
  if (poly.length < 3) return [];
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const p of poly) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  const out = [];
  for (let i = 0; i < view.n; i++) {
    const p = view.screenOf(i);
    if (!p || p.x < x0 || p.x > x1 || p.y < y0 || p.y > y1) continue;
    if (pointInPolygon(poly, p.x, p.y)) out.push(i);
  }
  return out;
}

/** The drawn path: an SVG laid over the canvas, shown while a lasso is being drawn. */
export class LassoOverlay {
  constructor(canvas) {
    this.canvas = canvas;
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('class', 'lasso');
    this.svg.setAttribute('aria-hidden', 'true');
    this.path = document.createElementNS(SVG, 'polygon');
    this.svg.append(this.path);
    this.svg.style.display = 'none';
    canvas.parentElement?.append(this.svg);
  }

  /** Shows poly (canvas CSS px). */
  draw(poly) {
    const c = this.canvas;
    Object.assign(this.svg.style, {
      display: '',
      left: `${c.offsetLeft}px`,
      top: `${c.offsetTop}px`,
      width: `${c.clientWidth}px`,
      height: `${c.clientHeight}px`,
    });
    this.path.setAttribute('points', poly.map((p) => `${p.x},${p.y}`).join(' '));
  }

  hide() {
    this.svg.style.display = 'none';
    this.path.setAttribute('points', '');
  }

  get visible() {
    return this.svg.style.display !== 'none';
  }
}
