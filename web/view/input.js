// input.js — the pointer on the map: hover (pick under the mouse), click, drag to pan (3-D: to
// turn the cloud), shift-drag to select a box, alt-drag (or any drag while view.lassoMode is
// set, the page's lasso tool) to draw a lasso, wheel to zoom about the cursor, double-click to
// fit. It drives a MapView through its public methods and calls the view's callbacks
// (onHover, onClick, onBox(indices, {add, shape: 'box' | 'lasso'}), onInteract); add is true
// when shift was held (the box always has it).
import { LassoOverlay, pointsInPolygon } from './lasso.js';

/** Listens on view.canvas for the rest of the view's life. */
export function wirePointer(view) {
  const c = view.canvas;
  let drag = null;
  let lasso = null;
  const local = (e) => {
    const r = c.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const placeBox = (b) => {
    const x0 = Math.min(b.x0, b.x),
      y0 = Math.min(b.y0, b.y);
    Object.assign(view.box.style, {
      left: `${c.offsetLeft + x0}px`,
      top: `${c.offsetTop + y0}px`,
      width: `${Math.abs(b.x - b.x0)}px`,
      height: `${Math.abs(b.y - b.y0)}px`,
    });
  };
  c.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    const p = local(e);
    const shape = e.altKey || view.lassoMode ? 'lasso' : e.shiftKey ? 'box' : null;
    if (shape === 'lasso') e.preventDefault();
    drag = { x: p.x, y: p.y, x0: p.x, y0: p.y, moved: false, id: e.pointerId, shape };
    drag.box = !!shape;
    drag.add = e.shiftKey;
    drag.path = [p];
    c.setPointerCapture(e.pointerId);
  });
  c.addEventListener('pointermove', (e) => {
    const p = local(e);
    if (drag && drag.id === e.pointerId) {
      if (drag.shape === 'lasso') drag.path.push(p);
      const dx = p.x - drag.x,
        dy = p.y - drag.y;
      if (drag.moved || Math.hypot(dx, dy) > 4) {
        if (!drag.moved) {
          drag.moved = true;
          c.classList.add(drag.box ? 'boxing' : 'panning');
          view.onInteract();
        }
        if (drag.shape === 'lasso') {
          drag.x = p.x;
          drag.y = p.y;
          lasso ??= new LassoOverlay(c);
          lasso.draw(drag.path);
        } else if (drag.box) {
          drag.x = p.x;
          drag.y = p.y;
          placeBox(drag);
          view.box.hidden = false;
        } else {
          view.panBy(dx, dy);
          drag.x = p.x;
          drag.y = p.y;
        }
        return;
      }
    }
    const i = view.pick(p.x, p.y);
    view.setHover(i);
    view.onHover(i, e);
  });
  const end = (e) => {
    if (!drag || drag.id !== e.pointerId) return;
    const d = drag;
    drag = null;
    c.classList.remove('panning', 'boxing');
    view.box.hidden = true;
    lasso?.hide();
    if (d.shape === 'lasso' && d.moved) {
      if (e.type === 'pointerup') {
        d.path.push(local(e));
        view.onBox(pointsInPolygon(view, d.path), { add: d.add, shape: 'lasso' });
      }
      return;
    }
    if (d.box && d.moved) {
      if (e.type === 'pointerup') {
        view.onBox(
          view.inRect(
            Math.min(d.x0, d.x),
            Math.min(d.y0, d.y),
            Math.max(d.x0, d.x),
            Math.max(d.y0, d.y),
          ),
          { add: true, shape: 'box' },
        );
      }
      return;
    }
    if (!d.moved && e.type === 'pointerup') {
      const p = local(e);
      view.onClick(view.pick(p.x, p.y), e);
    }
  };
  c.addEventListener('pointerup', end);
  c.addEventListener('pointercancel', end);
  c.addEventListener('pointerleave', (e) => {
    if (drag) return;
    view.setHover(-1);
    view.onHover(-1, e);
  });
  c.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const p = local(e);
      const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      view.zoomAt(p.x, p.y, Math.exp(-delta * 0.0015));
      view.onInteract();
      view.onHover(view.pick(p.x, p.y), e);
    },
    { passive: false },
  );
  c.addEventListener('dblclick', (e) => {
    e.preventDefault();
    view.fit();
    view.onInteract();
  });
}
