// model.js — a loaded embedding model (YAMNet .tflite or SMNN) of an Engine: embeddings and
// class scores of log-mel patches, and the top classes of a score row.

/** A loaded model: embed(patches) → {embeddings, scores}. */
export class Model {
  constructor(engine, handle) {
    this.e = engine;
    this.h = handle;
    const x = engine.x;
    this.frames = x.sm_model_input_frames(handle);
    this.bands = x.sm_model_input_bands(handle);
    this.size = x.sm_model_embedding_size(handle);
    this.classes = x.sm_model_classes(handle);
    this.kind = engine.str(x.sm_model_kind(handle));
    this.names = [];
    for (let i = 0; i < this.classes; i++)
      this.names.push(engine.str(x.sm_model_class_name(handle, i)) || `class ${i}`);
  }

  /** patches: Float32Array(n * frames * bands) → {embeddings: Float32Array(n*size), scores: Float32Array(n*classes)}. */
  embed(patches, n) {
    const e = this.e;
    if (patches.length !== n * this.frames * this.bands)
      throw new Error(
        `embed: ${patches.length} values are not ${n} patches of ${this.frames}x${this.bands}`,
      );
    const pin = e.copyIn(patches);
    const pemb = e.alloc(4 * n * this.size);
    const psc = this.classes ? e.alloc(4 * n * this.classes) : 0;
    try {
      if (e.x.sm_model_embed(this.h, pin, n, pemb, psc) < 0)
        throw new Error('the model could not run (out of memory?)');
      return {
        embeddings: e.f32(pemb, n * this.size),
        scores: this.classes ? e.f32(psc, n * this.classes) : null,
      };
    } finally {
      e.free(pin);
      e.free(pemb);
      e.free(psc);
    }
  }

  /** The k highest classes of one score row: [{name, score}]. */
  top(scores, row = 0, k = 3) {
    const c = this.classes,
      out = [];
    for (let i = 0; i < c; i++) out.push(i);
    const s = scores.subarray(row * c, row * c + c);
    out.sort((a, b) => s[b] - s[a]);
    return out
      .slice(0, k)
      .map((i) => ({ name: this.names[i], score: Math.round(s[i] * 1000) / 1000 }));
  }

  free() {
    if (this.h) this.e.x.sm_model_free(this.h);
    this.h = 0;
  }
}
