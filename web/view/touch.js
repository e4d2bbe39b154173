// touch.js — fingers on the map: a tap plays the sound under it, a long press (half a second
// without moving) selects it, one finger drawn across the map plays what it passes (the touch
// form of hovering), two fingers pan and pinch to zoom (in 3-D they turn the cloud). Touch
// pointers are taken before the mouse handlers of input.js see them, so those stay as they are;
// while the lasso tool is on (view.lassoMode) a finger draws the lasso there instead.

const LONG_PRESS_MS = 500;
const SLOP = 10; // px a finger may wander and still tap or press

/** Listens on the canvas's parent for the rest of the view's life. actions: {onTap(i),
 *  onLongPress(i), onScrub(i)} with i the point under the finger or -1. */
export function wireTouch(view, actions) {
  const c = view.canvas;
  const host = c.parentElement;
  const fingers = new Map(); // pointerId → {x, y}
  let g = null; // the gesture: {mode: 'press' | 'scrub' | 'pinch' | 'done', ...}
  const local = (e) => {
    const r = c.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const pair = () => {
    const [a, b] = [...fingers.values()];
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, d: Math.hypot(a.x - b.x, a.y - b.y) };
  };
  const clearPress = () => {
    clearTimeout(g?.timer);
  };
  const take = (e) => {
    if (e.pointerType !== 'touch' || view.lassoMode) return false; // the lasso tool draws with a finger
    if (e.target !== c && !fingers.has(e.pointerId)) return false;
    e.stopPropagation(); // input.js never sees touch pointers
    return true;
  };

  host.addEventListener(
    'pointerdown',
    (e) => {
      if (!take(e)) return;
      e.preventDefault();
      const p = local(e);
      fingers.set(e.pointerId, p);
      if (fingers.size === 1) {
        g = { mode: 'press', x0: p.x, y0: p.y };
        g.timer = setTimeout(() => {
          if (g?.mode !== 'press') return;
          g.mode = 'done';
          navigator.vibrate?.(12);
          actions.onLongPress(view.pick(g.x0, g.y0));
        }, LONG_PRESS_MS);
      } else if (fingers.size === 2) {
        clearPress();
        g = { mode: 'pinch', ...pair() };
        view.onInteract();
      } else if (g) g.mode = 'done';
    },
    { capture: true },
  );
  host.addEventListener(
    'pointermove',
    (e) => {
      if (!take(e) || !fingers.has(e.pointerId)) return;
      const p = local(e);
      fingers.set(e.pointerId, p);
      if (!g) return;
      if (g.mode === 'press' && Math.hypot(p.x - g.x0, p.y - g.y0) > SLOP) {
        clearPress();
        g.mode = 'scrub';
      }
      if (g.mode === 'scrub') {
        const i = view.pick(p.x, p.y);
        view.setHover(i);
        actions.onScrub(i);
      } else if (g.mode === 'pinch' && fingers.size === 2) {
        const now = pair();
        if (g.d > 0 && now.d > 0) view.zoomAt(now.x, now.y, now.d / g.d);
        view.panBy(now.x - g.x, now.y - g.y);
        Object.assign(g, now);
        view.onInteract();
      }
    },
    { capture: true },
  );
  const end = (e) => {
    if (!take(e)) return;
    if (!fingers.has(e.pointerId)) return;
    fingers.delete(e.pointerId);
    if (g?.mode === 'press' && e.type === 'pointerup') {
      clearPress();
      actions.onTap(view.pick(g.x0, g.y0));
    }
    if (g && g.mode !== 'done' && fingers.size > 0) g.mode = 'done'; // one of two fingers left
    if (fingers.size === 0) {
      clearPress();
      g = null;
    }
  };
  host.addEventListener('pointerup', end, { capture: true });
  host.addEventListener('pointercancel', end, { capture: true });
  // the pointer leaving after a lift is not the mouse leaving: keep the tapped point's tooltip
  for (const type of ['pointerleave', 'pointerout'])
    host.addEventListener(
      type,
      (e) => {
        if (e.pointerType === 'touch' && e.target === c) e.stopPropagation();
      },
      { capture: true },
    );
  c.addEventListener('contextmenu', (e) => {
    if (fingers.size || g) e.preventDefault();
  });
}
