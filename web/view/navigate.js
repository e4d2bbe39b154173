// navigate.js — finding points on the map by where they are on the screen: the points inside
// a box (shift-drag), the nearest one in a direction (arrow keys) and the first one shown.

/** Points whose centres lie in the CSS px rectangle (canvas coordinates). */
export function pointsInRect(view, x0, y0, x1, y1) {
  const out = [];
  for (let i = 0; i < view.n; i++) {
    const p = view.screenOf(i);
    if (p && p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1) out.push(i);
  }
  return out;
}

/** Nearest point from i in a direction (arrow keys). */
export function neighbor(view, i, dirX, dirY) {
  const from = view.screenOf(i);
  if (!from) return firstShown(view);
  let best = -1,
    bestScore = Infinity;
  for (let j = 0; j < view.n; j++) {
    if (j === i) continue;
    const p = view.screenOf(j);
    if (!p) continue;
    const dx = p.x - from.x,
      dy = p.y - from.y;
    const along = dx * dirX + dy * dirY;
    if (along <= 1) continue;
    const across = Math.abs(dx * dirY - dy * dirX);
    const score = along + 2 * across;
    if (score < bestScore) {
      bestScore = score;
      best = j;
    }
  }
  return best;
}

/** The first point shown, or -1. */
export function firstShown(view) {
  for (let i = 0; i < view.n; i++) if (view.screenOf(i)) return i;
  return -1;
}
