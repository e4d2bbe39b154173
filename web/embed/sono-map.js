// sono-map.js — <sono-map src="<dataset-folder>/">: a map of sounds for any page (a course page,
// a blog post, an iframe via embed.html). It reads a dataset folder (README "The dataset
// folder") from the page's own origin, draws it with the viewer's MapView in its own shadow DOM,
// sized by its container, and plays each point on hover from the folder's spriteclip. All
// elements on a page share one AudioContext (embed-audio.js).
//
//   <script type="module" src="sono-map.js"></script>
//   <sono-map src="maps/drums/" layout="tsne" dims="2" color="label" height="360px"></sono-map>
//
// Attributes: src (the folder), layout (umap | tsne | pca | grid | spherical | projection: a
// layout the folder holds; default its main one), dims (2 | 3), color (label | cluster | tag |
// none; default label when the sounds are labelled), height (a CSS length; default: the
// container's, else 400px). Changing one re-draws the map.
//
// Read-only state for tests and scripts: element.sonomap = {status, count, layout (the drawn
// positions), layoutName, colorBy, items, plays, lastPlayed, audioState, screenPoint(i)}; the
// element fires 'sonomap-ready' when the map is drawn and 'sonomap-error' when it cannot be.
import { parseDataset } from '../core/dataset.js';
import { compactConfig, readCompact } from '../core/dataset-columns.js';
import {
  datasetBase,
  fetchDatasetFiles,
  fetchOk,
  fetchSprite,
  firstThatLoads,
  inFolder,
} from '../core/fetch-dataset.js';
import { tagName } from '../core/policy.js';
import { placeholderSprite } from '../view/atlas.js';
import { groupColors, labelColor } from '../view/legend.js';
import { LOOPING, MapView } from '../view/map-view.js';
import { normalize3, spread } from '../view/spread.js';
import { decodeClip, SharedPlayer } from './embed-audio.js';
import { EMBED_CSS } from './embed-style.js';

const ATTRS = ['src', 'layout', 'dims', 'color', 'height'];

export class SonoMap extends HTMLElement {
  static observedAttributes = ATTRS;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.innerHTML = `<style>${EMBED_CSS}</style>
<div class="frame" part="frame">
  <canvas part="map" tabindex="0" aria-label="Map of sounds"></canvas>
  <div class="tip" role="tooltip" hidden></div>
  <div class="legend" part="legend"></div>
  <p class="status" role="status" aria-live="polite">Loading…</p>
</div>`;
    const $ = (s) => this.root.querySelector(s);
    this.ui = { canvas: $('canvas'), tip: $('.tip'), legend: $('.legend'), status: $('.status') };
    this.player = new SharedPlayer();
    this.view = null;
    this.model = null;
    this.loaded = null; // the src the model was read from
    this.drawn = null; // {positions, dims, name, colorBy}
    this.hover = -1;
    this.state = 'loading';
    this.loadToken = 0;
  }

  connectedCallback() {
    this.#applyHeight();
    this.#render();
  }

  disconnectedCallback() {
    this.player.stopAll();
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue === value || !this.isConnected) return;
    if (name === 'height') this.#applyHeight();
    else this.#render();
  }

  /** State for tests and scripts (see the file's header). */
  get sonomap() {
    const v = this.view;
    return {
      status: this.ui.status.textContent,
      state: this.state,
      count: this.model?.items.length ?? 0,
      layout: this.drawn ? this.drawn.positions.slice() : null,
      layoutName: this.drawn?.name ?? null,
      dims: this.drawn?.dims ?? 0,
      colorBy: this.drawn?.colorBy ?? null,
      items: this.model?.items.map((it) => ({ file: it.file, label: it.label })) ?? [],
      plays: this.player.plays,
      lastPlayed: this.player.lastPlayed ? { ...this.player.lastPlayed } : null,
      audioState: this.player.state,
      screenPoint: (i) => {
        const p = v?.screenOf(i);
        if (!p) return null;
        const r = this.ui.canvas.getBoundingClientRect();
        return { x: r.left + p.x, y: r.top + p.y };
      },
    };
  }

  #applyHeight() {
    const h = this.getAttribute('height');
    this.style.setProperty('--sono-map-height', h || '');
  }

  #say(text, state) {
    this.ui.status.textContent = text;
    this.ui.status.hidden = state === 'ready';
    this.state = state;
  }

  async #render() {
    const token = ++this.loadToken;
    const src = this.getAttribute('src');
    if (!src) {
      this.#fail('no map: the element needs a src attribute (a dataset folder)');
      return;
    }
    try {
      if (this.loaded !== src) {
        this.#say('Loading…', 'loading');
        const model = await this.#load(src);
        if (token !== this.loadToken) return;
        this.model = model;
        this.loaded = src;
      }
      this.#draw();
    } catch (e) {
      if (token !== this.loadToken) return;
      this.#fail(`Could not open the map ${src}: ${e.message}`);
    }
  }

  #fail(text) {
    this.#say(text, 'error');
    this.dispatchEvent(new CustomEvent('sonomap-error', { detail: { message: text } }));
  }

  async #load(src) {
    const base = datasetBase(src, document.baseURI);
    const [config, proj] = await fetchDatasetFiles(base);
    // big maps: layouts and columns as .npy files (core/dataset-columns.js); drawn as points
    const compact = compactConfig(config);
    const get = async (name) => {
      const res = await fetch(inFolder(base, name));
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`${name} could not be read (HTTP ${res.status})`);
      return res.blob();
    };
    const bin = compact && (await readCompact(compact, config, get, new Map()));
    const model = parseDataset(config, proj, bin);
    const n = model.items.length;
    if (!n) throw new Error('it has no sounds');
    model.notes = [];
    try {
      model.spriteSheet = await fetchSprite(base, model.sprite, n);
    } catch {
      model.notes.push('no sprite sheet');
      model.spriteSheet = placeholderSprite(n);
    }
    // The sound loads in the background: the map can be looked at before it can be heard.
    firstThatLoads(model.audio.files, async (f) =>
      (await fetchOk(inFolder(base, f), f)).arrayBuffer(),
    )
      .then(decodeClip)
      .then(({ samples, rate }) => this.player.setAudio(samples, rate))
      .catch((e) => {
        model.notes.push(`no sound (${e.message})`);
        this.ui.status.hidden = false;
        this.ui.status.textContent = `This map has no sound: ${e.message}`;
      });
    return model;
  }

  #layoutName() {
    const layouts = this.model.layouts;
    const main = this.model.mainLayout;
    const want = this.getAttribute('layout') || main.replace(/-[23]d$/, '');
    const dims = this.getAttribute('dims') || (main.endsWith('3d') ? '3' : '2');
    for (const name of [`${want}-${dims}d`, `${want}-2d`, `${want}-3d`, main])
      if (layouts[name]) return name;
    return main;
  }

  #colors() {
    const items = this.model.items;
    const labelled = items.some((it) => it.label);
    const by = this.getAttribute('color') || (labelled ? 'label' : 'none');
    let groups = null;
    if (by === 'label') groups = items.map((it) => it.label || '');
    else if (by === 'cluster')
      groups = items.map((it) => (it.cluster >= 0 ? `cluster ${it.cluster + 1}` : ''));
    else if (by === 'tag') groups = items.map((it) => tagName(it.tags?.[0]) || '');
    const info = groups
      ? groupColors(groups, {
          max: by === 'label' ? 24 : 12,
          order: by === 'label' ? 'name' : 'count',
          colorOf: labelColor,
        })
      : null;
    return { by, info };
  }

  #draw() {
    const m = this.model;
    if (!this.view) {
      try {
        this.view = new MapView(this.ui.canvas, {
          onHover: (i) => this.#onHover(i),
          onClick: (i) => this.#onClick(i),
        });
      } catch (e) {
        this.#fail(`The map cannot be drawn: ${e.message}`);
        return;
      }
      this.view.insetTop = 8;
      this.ui.canvas.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') {
          this.player.stopAll();
          this.#states();
        }
      });
    }
    const { by, info } = this.#colors();
    // the legend first: the map is laid out in the space above it
    this.#legend(info);
    this.view.insetBottom = Math.max(12, this.ui.legend.offsetHeight + 14);
    const name = this.#layoutName();
    const dims = name.endsWith('3d') ? 3 : 2;
    const n = m.items.length;
    const raw = m.layouts[name];
    const positions =
      dims === 3 ? normalize3(raw, n) : spread(raw, n, this.view.layoutAspect(), {});
    const s = m.spriteSheet;
    this.view.setPoints({
      positions,
      dims,
      atlas: { source: s.canvas || s.image, tile: s.tile, cols: s.cols },
      colors: info?.colors ?? null,
    });
    this.drawn = { positions, dims, name, colorBy: info ? by : 'none' };
    this.ui.canvas.setAttribute(
      'aria-label',
      `Map of ${n} sounds (${name}). Hover a point to hear it, click to loop it, Escape stops.`,
    );
    this.#say(m.notes.length ? m.notes.join(' · ') : `${n} sounds`, 'ready');
    if (m.notes.length) this.ui.status.hidden = false;
    this.dispatchEvent(new CustomEvent('sonomap-ready', { detail: { count: n, layout: name } }));
  }

  #legend(info) {
    const box = this.ui.legend;
    box.replaceChildren();
    if (!info) return;
    info.names.forEach((name, k) => {
      const chip = document.createElement('span');
      chip.className = 'chip';
      const sw = info.swatches?.[k] ?? labelColor(k);
      chip.style.setProperty('--c', `rgb(${sw.join(',')})`);
      chip.textContent = name;
      box.append(chip);
    });
  }

  #pan(i) {
    const p = this.view.screenOf(i);
    return p ? Math.max(-1, Math.min(1, (p.x / this.view.width) * 2 - 1)) * 0.8 : 0;
  }

  #onHover(i) {
    this.hover = i;
    const tip = this.ui.tip;
    if (i < 0) {
      tip.hidden = true;
      return;
    }
    const it = this.model.items[i];
    tip.replaceChildren();
    const name = document.createElement('div');
    name.className = 'name';
    name.textContent = it.file.split('/').pop();
    tip.append(name);
    const meta = [it.label, ...(it.tags || []).slice(0, 3).map(tagName)].filter(Boolean);
    if (meta.length) {
      const d = document.createElement('div');
      d.className = 'meta';
      d.textContent = meta.join(' · ');
      tip.append(d);
    }
    tip.hidden = false;
    const p = this.view.screenOf(i);
    if (p) {
      const w = this.view.width;
      tip.style.left = `${Math.min(Math.max(4, p.x + 14), Math.max(4, w - tip.offsetWidth - 4))}px`;
      tip.style.top = `${Math.max(4, p.y - tip.offsetHeight - 10)}px`;
    }
    this.player.play(i, it.clipStart, it.clipDuration, this.#pan(i));
  }

  #onClick(i) {
    if (i < 0) return;
    const it = this.model.items[i];
    this.player.toggleLoop(i, it.clipStart, it.clipDuration, this.#pan(i));
    this.#states();
  }

  #states() {
    const st = new Uint8Array(this.model.items.length);
    for (const i of this.player.loops.keys()) st[i] |= LOOPING;
    this.view.setStates(st);
  }
}

if (!customElements.get('sono-map')) customElements.define('sono-map', SonoMap);
