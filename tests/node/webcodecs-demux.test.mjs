// The demuxers that split MP3, ADTS and Ogg Opus into packets for WebCodecs (web/workers/webcodecs.js):
// packet counts and durations against what the encoders wrote.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import {
  demux,
  demuxMp3,
  demuxOggOpus,
  mp3Header,
  opusPacketDuration,
} from '../../web/workers/webcodecs.js';

const F = 'build/fixtures/webcodecs';
const read = (f) => new Uint8Array(fs.readFileSync(`${F}/${f}`));

test('MP3 MPEG-1 stereo: frames of 1152 samples cover the 2 s tone', () => {
  const s = demux(read('tone-440-stereo.mp3'));
  assert.equal(s.config.codec, 'mp3');
  assert.equal(s.config.sampleRate, 44100);
  assert.equal(s.config.numberOfChannels, 2);
  const secs = s.packets.reduce((a, p) => a + p.duration, 0);
  assert.ok(secs > 2.0 && secs < 2.2, `${secs} s of frames`);
  for (const p of s.packets)
    assert.ok(mp3Header(p.data, 0), 'every packet starts with a frame header');
});

test('MP3 MPEG-2 mono at 22.05 kHz: 576-sample frames', () => {
  const s = demuxMp3(read('tone-1000-mpeg2.mp3'));
  assert.equal(s.config.sampleRate, 22050);
  assert.equal(s.config.numberOfChannels, 1);
  assert.ok(Math.abs(s.packets[3].duration - 576 / 22050) < 1e-9);
  const secs = s.packets.reduce((a, p) => a + p.duration, 0);
  assert.ok(secs > 1.5 && secs < 1.7, `${secs} s`);
});

test('Ogg Opus: head, pre-skip, packets covering the 1 s tone', () => {
  const s = demuxOggOpus(read('tone-2000.opus'));
  assert.equal(s.config.codec, 'opus');
  assert.equal(s.config.numberOfChannels, 2);
  assert.equal(String.fromCharCode(...s.config.description.subarray(0, 8)), 'OpusHead');
  assert.ok(s.skip > 0 && s.skip < 48000);
  const secs = s.packets.reduce((a, p) => a + p.duration, 0);
  assert.ok(secs > 1.0 && secs < 1.1, `${secs} s`);
  assert.equal(opusPacketDuration(Uint8Array.of(0xf8)), 0.02); // config 31: CELT FB 20 ms, one frame
});

test('random bytes are not taken for a stream', () => {
  assert.equal(demux(read('noise-not-mp3.mp3')), null);
  assert.equal(demux(new Uint8Array(0)), null);
  assert.equal(demux(Uint8Array.of(0xff, 0xfb, 0x90)), null);
});

test("the LAME tag's encoder delay and padding are read from the Info frame", () => {
  const s = demuxMp3(read('tone-440-stereo.mp3'));
  // lame 3.100 at 44.1 kHz: 576 samples of delay; the decoder's own 529 come on top
  assert.equal(s.skip, 576 + 529);
  const frames = s.packets.length * 1152 - s.skip - s.trim;
  assert.equal(frames, 2 * 44100, 'what is kept is exactly the 2 s that went in');
});
