// services.js — the page's engine and its projection worker, made once and shared: the compiled
// sonomap.wasm (compiled while the person picks files) and the Projector.
import { DEFAULT_MODEL } from '../core/policy.js';
import { Projector } from '../workers/projection.js';
import { state } from './state.js';

export function wasmModule() {
  if (!state.wasm) {
    const url = new URL('./sonomap.wasm', import.meta.url);
    state.wasm = (async () => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`sonomap.wasm: HTTP ${res.status}`);
      if (
        WebAssembly.compileStreaming &&
        /application\/wasm/.test(res.headers.get('content-type') || '')
      ) {
        return WebAssembly.compileStreaming(res);
      }
      return WebAssembly.compile(await res.arrayBuffer());
    })();
    state.wasm.catch(() => {
      state.wasm = null;
    });
  }
  return state.wasm;
}

/** The shipped model's bytes (dist/models/sonomap-s.smnn next to main.js, so the page works
 *  from a sub-path), fetched once and kept: {name, bytes}. Rejects with the reason when it
 *  cannot be fetched (a copy of dist/ without models/); a later call tries again. */
export function shippedModel() {
  if (!state.shippedModel) {
    const url = new URL(`./${DEFAULT_MODEL.file}`, import.meta.url);
    state.shippedModel = (async () => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${DEFAULT_MODEL.file}: HTTP ${res.status}`);
      return { name: DEFAULT_MODEL.name, bytes: new Uint8Array(await res.arrayBuffer()) };
    })();
    state.shippedModel.catch(() => {
      state.shippedModel = null;
    });
  }
  return state.shippedModel;
}

export function projector(module) {
  if (!state.projector)
    state.projector = new Projector(new URL('./projection-worker.js', import.meta.url), module);
  return state.projector;
}
