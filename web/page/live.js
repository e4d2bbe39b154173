// live.js — *Listen live*: the microphone's last second, embedded continuously with the map's
// own features and model, drawn on the map as a moving marker among the sounds nearest to it
// (query by vocal imitation). getUserMedia → an AudioWorklet (workers/mic-worklet.js) that
// posts mono blocks straight to a worker (workers/live-worker.js) running the engine; the
// worker answers the k nearest map points and the marker sits at the weighted mean of their
// screen positions, followed on every frame (pan, zoom, 3-D). The nearest light up (rings)
// and are listed in a panel where each can be played. Maps loaded with ?dataset= use their
// embeddings.npy.
import { needsModel } from '../core/features.js';
import { placeAmong } from '../core/live-match.js';
import { npyDecode } from '../core/npy.js';
import { DEFAULT_MODEL } from '../core/policy.js';
import { player, ui, view } from './context.js';
import { playPoint } from './listening.js';
import { between, makeMarker } from './markers.js';
import { reason } from './progress.js';
import { shippedModel, wasmModule } from './services.js';
import { state } from './state.js';
import { baseName } from './tooltip.js';

const SHOWN = 5; // nearest sounds listed and ringed
let button = null,
  panel = null,
  marker = null,
  rings = [];
// {model, ctx, stream, node, worker, nearest, rms, updates, frame, pos} while listening
let live = null;
let lastError = '';

function say(html, error = false) {
  panel.hidden = false;
  panel.classList.toggle('error', error);
  panel.innerHTML = html;
}

const esc = (s) =>
  String(s).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );

/** Why the microphone cannot be had, in words. */
function micError(e) {
  const name = e?.name || '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Microphone access was refused. Allow the microphone for this page (the icon in the address bar) and try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found. Plug one in (or enable it) and try again.';
  if (name === 'NotReadableError')
    return 'The microphone is busy or cannot be read (another program may be using it).';
  return `The microphone could not be opened: ${reason(e)}`;
}

/** The map's feature rows and how they were made: {X, n, d, features, mode, modelName}. */
async function mapRows(m) {
  if (m.X) {
    return {
      X: m.X,
      n: m.items.length,
      d: m.d,
      features: m.features,
      mode: m.mode,
      modelName: m.model?.name ?? null,
    };
  }
  if (!m.loadedFrom) throw new Error('this map has no feature rows to compare the sound with');
  const base = new URL(
    m.loadedFrom.endsWith('/') ? m.loadedFrom : `${m.loadedFrom}/`,
    location.href,
  );
  const config = await (await fetch(new URL('config.json', base))).json();
  const res = await fetch(new URL(config.embeddings || 'embeddings.npy', base));
  if (!res.ok) throw new Error(`this map has no embeddings.npy (HTTP ${res.status})`);
  const { data, shape } = npyDecode(await res.arrayBuffer(), 'embeddings.npy');
  if (shape[0] !== m.items.length) throw new Error('embeddings.npy does not match the map');
  return {
    X: Float32Array.from(data),
    n: shape[0],
    d: shape[1],
    features: config.features || 'fingerprint',
    mode: config.mode || 'whole',
    modelName: config.model?.name ?? null,
  };
}

/** The model the map was made with, as bytes, or null when its features need none. */
async function modelBytes(rows) {
  if (!needsModel(rows.features)) return null;
  if (state.modelFile && rows.modelName === state.modelFile.name) return state.modelFile.bytes;
  if (rows.modelName && rows.modelName !== DEFAULT_MODEL.name)
    throw new Error(`the map was made with the model ${rows.modelName}: drop it again to listen`);
  return (await shippedModel()).bytes;
}

export async function startLive() {
  const m = state.model;
  if (!m || !state.shown || live) return;
  lastError = '';
  say('Starting the microphone…');
  const md = navigator.mediaDevices;
  if (!md?.getUserMedia) {
    return fail('This page cannot use a microphone here (it needs https or this computer).');
  }
  let stream;
  try {
    stream = await md.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
  } catch (e) {
    return fail(micError(e));
  }
  const session = { model: m, stream, nearest: [], rms: 0, updates: 0, frame: 0, pos: null };
  live = session;
  setButton();
  try {
    const rows = await mapRows(m);
    const [module, bytes] = await Promise.all([wasmModule(), modelBytes(rows)]);
    if (live !== session) return;
    const ctx = new AudioContext({ latencyHint: 'interactive' });
    session.ctx = ctx;
    await ctx.audioWorklet.addModule(new URL('./mic-worklet.js', import.meta.url));
    const src = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, 'sonomap-mic', { numberOfOutputs: 1 });
    const mute = ctx.createGain();
    mute.gain.value = 0; // pulled by the graph, heard by nobody (no feedback)
    src.connect(node).connect(mute).connect(ctx.destination);
    session.node = node;
    const worker = new Worker(new URL('./live-worker.js', import.meta.url), {
      type: 'module',
      name: 'sonomap-live',
    });
    session.worker = worker;
    const chan = new MessageChannel();
    node.port.postMessage({ port: chan.port1 }, [chan.port1]);
    await new Promise((resolve, reject) => {
      worker.onmessage = (e) => {
        const r = e.data;
        if (r.type === 'ready') resolve();
        else if (r.type === 'error') reject(new Error(r.error));
        else onResult(session, r);
      };
      worker.onerror = (e) => reject(new Error(e.message || 'the live worker stopped'));
      worker.postMessage(
        {
          type: 'init',
          module,
          model: bytes,
          X: rows.X,
          n: rows.n,
          d: rows.d,
          features: rows.features,
          mode: rows.mode,
          rate: ctx.sampleRate,
          port: chan.port2,
        },
        [chan.port2],
      );
    });
    worker.onmessage = (e) => onResult(session, e.data);
    if (ctx.state === 'suspended') await ctx.resume().catch(() => {});
    if (live !== session) return;
    say('Listening… make a sound');
    session.frame = requestAnimationFrame(() => follow(session));
  } catch (e) {
    stopLive();
    fail(`Listening live could not start: ${reason(e)}`);
  }
}

function fail(text) {
  lastError = text;
  say(esc(text), true);
  setButton();
}

export function stopLive() {
  const s = live;
  if (!s) return;
  live = null;
  cancelAnimationFrame(s.frame);
  for (const t of s.stream?.getTracks() ?? []) t.stop();
  s.worker?.terminate();
  s.ctx?.close().catch(() => {});
  marker.hide();
  for (const r of rings) r.hide();
  panel.hidden = !lastError;
  setButton();
}

function onResult(s, r) {
  if (live !== s) return;
  if (r.type === 'error') {
    lastError = r.error;
    return;
  }
  s.rms = r.rms;
  if (r.type === 'quiet') {
    s.quiet = true;
    say('Listening… (quiet)');
    return;
  }
  s.quiet = false;
  s.nearest = r.nearest;
  s.updates++;
  const items = s.model.items;
  const list = r.nearest
    .slice(0, SHOWN)
    .map(
      (h) =>
        `<li><button type="button" data-i="${h.index}">${esc(baseName(items[h.index].file))}</button></li>`,
    )
    .join('');
  say(`Listening · nearest sounds:<ol>${list}</ol>`);
}

/** Every frame: the marker among its nearest points' screen positions, and their rings. */
function follow(s) {
  if (live !== s) return;
  if (state.model !== s.model || !state.shown) return stopLive();
  const near = s.quiet ? [] : s.nearest;
  const pts = near.map((h) => ({
    ...(view.screenOf(h.index) ?? { x: NaN, y: NaN }),
    distance: h.distance,
  }));
  s.pos = placeAmong(pts);
  const size = Math.max(12, Math.min(36, view.pointSize()));
  if (s.pos) marker.place(s.pos.x, s.pos.y, size * 0.9);
  else marker.hide();
  rings.forEach((r, k) => {
    const h = near[k];
    const p = h ? between(h.index, -1, 0) : null;
    if (p) r.place(p.x, p.y, view.pointSize() + 8);
    else r.hide();
  });
  s.frame = requestAnimationFrame(() => follow(s));
}

function setButton() {
  if (!button) return;
  button.hidden = !(state.shown && state.model && (state.model.X || state.model.loadedFrom));
  button.textContent = live ? 'Stop listening' : 'Listen live';
  button.setAttribute('aria-pressed', String(!!live));
}

export function wireLive() {
  button = document.getElementById('listen');
  panel = document.getElementById('live-panel');
  marker = makeMarker('live', 'The sound the microphone hears now');
  rings = Array.from({ length: SHOWN }, () => makeMarker('live-near'));
  button?.addEventListener('click', () => (live ? stopLive() : startLive()));
  panel?.addEventListener('click', (e) => {
    const i = Number(e.target?.dataset?.i);
    if (Number.isInteger(i) && live) {
      player.resume();
      playPoint(i);
    }
  });
  new MutationObserver(() => {
    if (live && state.model !== live.model) stopLive();
    if (!live && lastError && !state.shown) panel.hidden = true;
    setButton();
  }).observe(ui.status, { childList: true, characterData: true, subtree: true });
  setButton();
}

/** For window.sonomap: {on, error, position {x, y} (page px) or null, nearest [indices],
 *  distances, updates, rms}. */
export const liveDebug = {
  get live() {
    const s = live;
    const r = ui.canvas.getBoundingClientRect();
    return {
      on: !!s,
      error: lastError || null,
      position: s?.pos ? { x: r.left + s.pos.x, y: r.top + s.pos.y } : null,
      nearest: s ? s.nearest.map((h) => h.index) : [],
      distances: s ? s.nearest.map((h) => h.distance) : [],
      updates: s ? s.updates : 0,
      rms: s ? s.rms : 0,
    };
  },
};
