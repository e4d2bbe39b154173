// audio.js — plays points from one spriteclip through Web Audio.
// Every voice is spriteclip → gain (5 ms linear fade in, 5 ms fade out at the end or when it is
// cut short) → stereo panner → master (a limiter keeps many loops from clipping). Hover plays one
// voice at a time (the last one fades out); looping voices run until toggled off, at most
// maxLoops of them (the oldest stops when one more starts). The master gain is the volume.
// For the latency figure, play() takes the timeStamp of the pointer event that asked for the
// sound and keeps the time from it to the source's start() call (performance.now() base).

const FADE = 0.005;

export class Player {
  constructor() {
    this.ctx = null;
    this.buffer = null;
    this.voice = null; // the current one-shot
    this.loops = new Map(); // point index → looping voice
    this.lastPlayed = null; // {index, start, duration, pan, loop, at}
    this.plays = 0;
    this.volume = 0.9;
    this.maxLoops = 8;
    this.pendingAudio = null;
    this.recent = []; // the last 64 points started, oldest first
    this.latency = null; // {eventToStart (ms), at} of the last sound asked for by an event
  }

  /** The AudioContext, made on first need. Browsers keep it suspended until a user gesture;
   *  resume() is called from the page's first pointer or key press. */
  context() {
    if (!this.ctx) {
      const AC = globalThis.AudioContext || globalThis.webkitAudioContext;
      if (!AC) return null;
      this.ctx = new AC({ latencyHint: 'interactive' });
      const limiter = this.ctx.createDynamicsCompressor();
      limiter.threshold.value = -6;
      limiter.knee.value = 6;
      limiter.ratio.value = 12;
      limiter.attack.value = 0.002;
      limiter.release.value = 0.1;
      this.master = this.ctx.createGain();
      this.master.gain.value = this.volume;
      this.master.connect(limiter).connect(this.ctx.destination);
      if (this.pendingAudio) {
        this.setAudio(...this.pendingAudio);
        this.pendingAudio = null;
      }
    }
    return this.ctx;
  }

  get state() {
    return this.ctx ? this.ctx.state : 'none';
  }

  resume() {
    const ctx = this.context();
    if (ctx && ctx.state === 'suspended') return ctx.resume().catch(() => {});
    return Promise.resolve();
  }

  /** The spriteclip: mono samples at `rate`. */
  setAudio(samples, rate) {
    this.stopAll();
    if (!this.ctx) {
      this.pendingAudio = [samples, rate];
      this.buffer = null;
      return;
    }
    if (!samples || samples.length === 0) {
      this.buffer = null;
      return;
    }
    this.buffer = this.ctx.createBuffer(1, samples.length, rate);
    this.buffer.copyToChannel(samples, 0);
  }

  /** The spriteclip's samples and rate, or null when there is none. */
  samples() {
    if (this.buffer)
      return { samples: this.buffer.getChannelData(0), rate: this.buffer.sampleRate };
    if (this.pendingAudio?.[0]?.length)
      return { samples: this.pendingAudio[0], rate: this.pendingAudio[1] };
    return null;
  }

  clear() {
    this.stopAll();
    this.buffer = null;
    this.pendingAudio = null;
  }

  setVolume(v) {
    this.volume = v;
    if (this.master) this.master.gain.setTargetAtTime(v, this.ctx.currentTime, 0.01);
  }

  #voice(start, duration, pan, loop) {
    const ctx = this.ctx;
    const t = ctx.currentTime + 0.002;
    const src = ctx.createBufferSource();
    src.buffer = this.buffer;
    const gain = ctx.createGain();
    const panner = ctx.createStereoPanner();
    panner.pan.value = Math.max(-1, Math.min(1, pan));
    src.connect(gain).connect(panner).connect(this.master);
    gain.gain.setValueAtTime(0, t);
    gain.gain.linearRampToValueAtTime(1, t + FADE);
    const dur = Math.max(2 * FADE + 0.001, duration);
    if (loop) {
      src.loop = true;
      src.loopStart = start;
      src.loopEnd = Math.min(this.buffer.duration, start + dur);
      src.start(t, start);
    } else {
      gain.gain.setValueAtTime(1, t + dur - FADE);
      gain.gain.linearRampToValueAtTime(0, t + dur);
      src.start(t, start, dur);
    }
    this.startedAt = performance.now();
    const v = { src, gain, panner, ended: false };
    src.onended = () => {
      v.ended = true;
      src.disconnect();
      gain.disconnect();
      panner.disconnect();
    };
    return v;
  }

  #fadeOut(v) {
    if (!v || v.ended) return;
    const t = this.ctx.currentTime;
    try {
      v.gain.gain.cancelScheduledValues(t);
      v.gain.gain.setValueAtTime(v.gain.gain.value, t);
      v.gain.gain.linearRampToValueAtTime(0, t + FADE);
      v.src.stop(t + FADE + 0.001);
    } catch {
      /* already stopped */
    }
  }

  /** Plays [start, start + duration) s of the spriteclip; pan in [-1, 1]. Returns false when
   *  nothing can sound yet (no audio, or the context is still waiting for a gesture). */
  play(index, start, duration, pan = 0, eventTime = undefined) {
    const ctx = this.context();
    if (!ctx || !this.buffer || !(duration > 0)) return false;
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
    this.#fadeOut(this.voice);
    this.voice = this.#voice(start, duration, pan, false);
    if (Number.isFinite(eventTime))
      this.latency = { eventToStart: this.startedAt - eventTime, index, plays: this.plays + 1 };
    this.#played(index);
    this.lastPlayed = { index, start, duration, pan, loop: false, at: ctx.currentTime };
    return ctx.state === 'running';
  }

  /** Starts or stops a loop of a point; returns true when it now loops. */
  toggleLoop(index, start, duration, pan = 0) {
    const ctx = this.context();
    if (!ctx || !this.buffer || !(duration > 0)) return false;
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
    const old = this.loops.get(index);
    if (old) {
      this.#fadeOut(old);
      this.loops.delete(index);
      return false;
    }
    this.#fadeOut(this.voice);
    this.voice = null;
    this.loops.set(index, this.#voice(start, duration, pan, true));
    this.capLoops();
    this.#played(index);
    this.lastPlayed = { index, start, duration, pan, loop: true, at: ctx.currentTime };
    return true;
  }

  #played(index) {
    this.plays++;
    this.recent.push(index);
    if (this.recent.length > 64) this.recent.shift();
  }

  /** Stops the oldest loops until at most maxLoops play; returns the indices stopped. */
  capLoops() {
    const stopped = [];
    for (const [i, v] of this.loops) {
      if (this.loops.size <= this.maxLoops) break;
      this.#fadeOut(v);
      this.loops.delete(i);
      stopped.push(i);
    }
    return stopped;
  }

  setMaxLoops(n) {
    this.maxLoops = Math.max(1, Math.floor(n));
    return this.capLoops();
  }

  /** The master gain's value now (what the volume control set, once its 10 ms glide is done). */
  get gain() {
    return this.master ? this.master.gain.value : this.volume;
  }

  /** The context's own latency figures (s), or null before it exists. */
  get contextLatency() {
    if (!this.ctx) return null;
    return { base: this.ctx.baseLatency ?? null, output: this.ctx.outputLatency ?? null };
  }

  isLooping(index) {
    return this.loops.has(index);
  }

  stopAll() {
    if (!this.ctx) return;
    this.#fadeOut(this.voice);
    this.voice = null;
    for (const v of this.loops.values()) this.#fadeOut(v);
    this.loops.clear();
  }
}
