// embed-audio.js — sound for <sono-map> elements: every element on a page plays through one
// AudioContext and one limiter (browsers limit how many contexts a page may open, and one
// context means one gesture turns the sound on for all of them); each element has its own
// Player (its own spriteclip, voices and volume) feeding that shared output.
import { Player } from '../page/audio.js';

let shared = null;

/** The page's one {ctx, input} (input: the limiter every element's master feeds), or null
 *  where the browser has no Web Audio. */
export function sharedAudio() {
  if (!shared) {
    const AC = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!AC) return null;
    const ctx = new AC({ latencyHint: 'interactive' });
    const limiter = ctx.createDynamicsCompressor();
    limiter.threshold.value = -6;
    limiter.knee.value = 6;
    limiter.ratio.value = 12;
    limiter.attack.value = 0.002;
    limiter.release.value = 0.1;
    limiter.connect(ctx.destination);
    shared = { ctx, input: limiter };
    // One gesture anywhere on the page turns the sound on for every element.
    const wake = () => {
      if (ctx.state === 'suspended') ctx.resume().catch(() => {});
    };
    for (const ev of ['pointerdown', 'keydown', 'touchstart'])
      addEventListener(ev, wake, { capture: true, passive: true });
  }
  return shared;
}

/** A Player whose voices go to the page's shared context instead of a context of its own. */
export class SharedPlayer extends Player {
  context() {
    if (!this.ctx) {
      const s = sharedAudio();
      if (!s) return null;
      this.ctx = s.ctx;
      this.master = this.ctx.createGain();
      this.master.gain.value = this.volume;
      this.master.connect(s.input);
      if (this.pendingAudio) {
        this.setAudio(...this.pendingAudio);
        this.pendingAudio = null;
      }
    }
    return this.ctx;
  }
}

/** The spriteclip's bytes (FLAC or WAV) → {samples, rate}, decoded by the browser on the
 *  shared context (every browser with Web Audio decodes both). */
export async function decodeClip(bytes) {
  const s = sharedAudio();
  if (!s) throw new Error('this browser has no Web Audio');
  const buf = await s.ctx.decodeAudioData(bytes);
  return { samples: buf.getChannelData(0), rate: buf.sampleRate };
}
