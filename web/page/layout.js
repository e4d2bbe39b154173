// layout.js — the page on any screen. The top bar wraps onto more rows when its controls do not
// fit (the map and the side column start below it, measured); on a narrow or low screen
// (COMPACT) the controls fold into a menu, the side column becomes a bottom sheet opened by
// "Panels" and closed by its ✕, a swipe down, Escape or a tap on the map, and the tooltip docks
// at the bottom. Panels and buttons others add to #side and .tools follow along.
import { view } from './context.js';
import { hideTooltip } from './tooltip.js';

export const COMPACT = '(max-width: 760px), (max-height: 480px)';

/** Wires the menu, the sheet and the top bar's measured height. */
export function wireResponsive(doc = document) {
  const body = doc.body;
  const bar = doc.querySelector('.topbar');
  const menuBtn = doc.getElementById('menu-button');
  const panelsBtn = doc.getElementById('panels-button');
  const side = doc.getElementById('side');
  const tools = doc.getElementById('tools');
  const closeBtn = doc.getElementById('side-close');
  const compact = window.matchMedia(COMPACT);

  const setMenu = (open) => {
    body.classList.toggle('menu-open', open);
    menuBtn.setAttribute('aria-expanded', String(open));
    if (open) {
      setSheet(false);
      if (compact.matches) hideTooltip(); // the docked card would sit under the menu
    }
  };
  const setSheet = (open) => {
    body.classList.toggle('sheet-open', open);
    panelsBtn.setAttribute('aria-expanded', String(open));
    if (open) {
      setMenu(false);
      if (compact.matches) {
        hideTooltip();
        closeBtn.focus({ preventScroll: true });
      }
    }
  };
  const onCompact = () => {
    body.classList.toggle('compact', compact.matches);
    setMenu(false);
    setSheet(false);
  };
  compact.addEventListener('change', onCompact);
  onCompact();

  menuBtn.addEventListener('click', () => setMenu(!body.classList.contains('menu-open')));
  // a choice made in the menu closes it, so the map is there to see (and to draw a lasso on)
  const chosen = () => {
    if (compact.matches) setMenu(false);
  };
  tools.addEventListener('click', (e) => {
    if (e.target.closest('button')) chosen();
  });
  tools.addEventListener('change', (e) => {
    if (e.target.matches('select')) chosen();
  });
  panelsBtn.addEventListener('click', () => setSheet(!body.classList.contains('sheet-open')));
  closeBtn.addEventListener('click', () => {
    setSheet(false);
    panelsBtn.focus({ preventScroll: true });
  });
  // the Panels button is there while the side column has something to show
  new MutationObserver(() => {
    panelsBtn.hidden = !body.classList.contains('has-side');
    if (panelsBtn.hidden) setSheet(false);
  }).observe(body, { attributes: true, attributeFilter: ['class'] });
  doc.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if (body.classList.contains('menu-open')) {
      setMenu(false);
      menuBtn.focus({ preventScroll: true });
    } else if (body.classList.contains('sheet-open') && compact.matches) {
      setSheet(false);
      panelsBtn.focus({ preventScroll: true });
    }
  });
  // a press outside the open menu (or, on a compact screen, outside the sheet) closes it
  doc.addEventListener(
    'pointerdown',
    (e) => {
      const t = e.target;
      if (body.classList.contains('menu-open') && !tools.contains(t) && !menuBtn.contains(t))
        setMenu(false);
      if (
        compact.matches &&
        body.classList.contains('sheet-open') &&
        !side.contains(t) &&
        !panelsBtn.contains(t)
      )
        setSheet(false);
    },
    { capture: true },
  );
  // a swipe down on the sheet's head closes it
  let swipe = null;
  const head = side.querySelector('.sheet-head');
  head.addEventListener('pointerdown', (e) => {
    swipe = { y: e.clientY, id: e.pointerId };
  });
  head.addEventListener('pointerup', (e) => {
    if (swipe && swipe.id === e.pointerId && e.clientY - swipe.y > 40) setSheet(false);
    swipe = null;
  });

  // the bar's height: the side column starts under it and the map keeps clear of it
  let last = -1;
  new ResizeObserver(() => {
    const h = Math.ceil(bar.getBoundingClientRect().height);
    if (h === last) return;
    last = h;
    doc.documentElement.style.setProperty('--bar', `${h}px`);
    if (view) {
      view.insetTop = h + 18;
      window.dispatchEvent(new Event('resize')); // the map fits itself to the room left
    }
  }).observe(bar);
  return { setMenu, setSheet, compact: () => compact.matches };
}
