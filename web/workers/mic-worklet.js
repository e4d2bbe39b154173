// mic-worklet.js — the AudioWorklet processor of the live input (page/live.js): the
// microphone's channels mixed to mono and posted in blocks of BLOCK samples at the context's
// rate to the port it is given (the live worker's), so the audio thread only copies.
const BLOCK = 1024;

class SonomapMic extends AudioWorkletProcessor {
  constructor() {
    super();
    this.out = null; // MessagePort to the live worker
    this.buf = new Float32Array(BLOCK);
    this.fill = 0;
    this.port.onmessage = (e) => {
      if (e.data?.port) this.out = e.data.port;
    };
  }

  process(inputs) {
    const chans = inputs[0];
    if (!chans?.length || !this.out) return true;
    const len = chans[0].length;
    const k = 1 / chans.length;
    for (let t = 0; t < len; t++) {
      let s = 0;
      for (const c of chans) s += c[t];
      this.buf[this.fill++] = s * k;
      if (this.fill === BLOCK) {
        this.out.postMessage(this.buf, [this.buf.buffer]);
        this.buf = new Float32Array(BLOCK);
        this.fill = 0;
      }
    }
    return true;
  }
}

registerProcessor('sonomap-mic', SonomapMic);
