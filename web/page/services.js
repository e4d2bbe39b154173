// services.js — the page's engine and its projection worker, made once and shared: the compiled
// sonomap.wasm (compiled while the person picks files) and the Projector.
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

export function projector(module) {
  if (!state.projector)
    state.projector = new Projector(new URL('./projection-worker.js', import.meta.url), module);
  return state.projector;
}
