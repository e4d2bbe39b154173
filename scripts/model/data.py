"""data.py — the training corpus of sonomap-s: 0.975 s windows (15600 samples, 16 kHz) cut from the
allowed sources, augmented on the waveform with a seeded numpy RNG, and their teacher targets.

Sources (only these; other packaged audio is kept for evaluation elsewhere):
  sonic-pi-samples   /usr/share/sonic-pi/samples/*.flac                 label: file-name prefix
  klettres-data      /usr/share/klettres/<lang>/{alpha,syllab}/*.ogg     label: language
  wesnoth-1.16-data  /usr/share/games/wesnoth/1.16/{sounds,data}/**/*.{ogg,wav} label: none
  tuxpaint-stamps    /usr/share/tuxpaint/stamps/** (*.ogg/wav; the spoken "_desc" files sampled)
  fluid-soundfont-gm FluidR3_GM.sf2 rendered by fluidsynth from MIDI written here: 8 notes of each
                     of the 128 GM programs (pitch / velocity / duration varied) + the drum kit
                                                                          label: GM family / drums
  espeak-ng          numbers and letters spoken by many voices / languages label: language
  synthesis          tones, chirps, noises, clicks, AM/FM, two-tone, bursts label: kind

Split: held out BY SOURCE (a file, a rendered note, an utterance, a synthesised sound): the first
8 hex digits of sha1("sonomap-s/" + source id) below 0.15 * 2^32. Held-out windows are never
augmented; training windows are kept clean once and augmented AUG times.

  /usr/bin/python3 scripts/model/data.py --teacher MODEL.tflite --tool build/opt/tools/yamnet-teacher
        --cache build/model-cache
prints the cache directory holding logmel.npy, emb.npy, scores.npy (the teacher's) and meta.json.
The directory's name is a hash of this file and the teacher file: a second run reuses it.
"""
import argparse
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

SR = 16000
WIN = 15600
SEED = 20261203
AUG = 3            # augmented copies of every clean training window
HELD = 0.15        # share of sources held out
MAX_WIN = 5        # windows per source file at most (long loops, ambiences)
SF2 = '/usr/share/sounds/sf2/FluidR3_GM.sf2'
GM_FAMILIES = ['piano', 'chromatic-perc', 'organ', 'guitar', 'bass', 'strings', 'ensemble', 'brass',
               'reed', 'pipe', 'synth-lead', 'synth-pad', 'synth-effects', 'ethnic', 'percussive',
               'sound-effects']
ESPEAK_VOICES = ['en', 'en-us', 'en-gb-scotland', 'fr-fr', 'de', 'es', 'it', 'pt', 'nl', 'pl', 'ru',
                 'sv', 'fi', 'cs', 'hu', 'el', 'tr', 'hi', 'cmn', 'ja', 'ar', 'sw', 'vi', 'ko']
ESPEAK_VARIANTS = ['', '+m1', '+m3', '+f1', '+f2', '+f4', '+croak', '+whisper', '+klatt2']


def held_out(source_id):
    h = int(hashlib.sha1(('sonomap-s/' + source_id).encode()).hexdigest()[:8], 16)
    return h < HELD * 2 ** 32


def decode(path):
    """Any file sox reads -> mono float32 at 16 kHz (None when sox fails)."""
    r = subprocess.run(['sox', '-V1', path, '-t', 'f32', '-r', str(SR), '-c', '1', '-'],
                       capture_output=True)
    if r.returncode != 0 or len(r.stdout) < 4 * 400:
        print(f'data: {path}: skipped ({r.stderr.decode(errors="replace").strip() or "too short"})',
              file=sys.stderr)
        return None
    x = np.frombuffer(r.stdout, dtype='<f4').astype(np.float32)
    return np.nan_to_num(x)


def windows(x, n_max):
    """Clean windows of a source: the peak-centred one (as the engine's clip mode), then evenly
    spaced ones over a long file."""
    out = []
    L = len(x)
    if L <= WIN:
        w = np.zeros(WIN, np.float32)
        w[:L] = x
        return [w]
    peak = int(np.argmax(np.abs(x)))
    s = min(max(peak - WIN // 2, 0), L - WIN)
    out.append(x[s:s + WIN])
    n = min(n_max, L // WIN)
    for k in range(1, n):
        s2 = int(round(k * (L - WIN) / max(n - 1, 1)))
        if abs(s2 - s) > WIN // 2:
            out.append(x[s2:s2 + WIN])
    return [np.ascontiguousarray(w, np.float32) for w in out]


# ---------------------------------------------------------------- file sources
def file_sources(rng):
    src = []  # (source id, kind, label, path)
    for f in sorted(os.listdir('/usr/share/sonic-pi/samples')):
        if f.endswith('.flac'):
            src.append(('sonicpi/' + f, 'sonicpi', f.split('_')[0], '/usr/share/sonic-pi/samples/' + f))
    root = '/usr/share/klettres'
    for lang in sorted(os.listdir(root)):
        for sub in ('alpha', 'syllab'):
            d = os.path.join(root, lang, sub)
            if os.path.isdir(d):
                for f in sorted(os.listdir(d)):
                    if f.endswith('.ogg') or f.endswith('.wav'):
                        src.append((f'klettres/{lang}/{sub}/{f}', 'klettres', lang, os.path.join(d, f)))
    for top, kind in (('/usr/share/games/wesnoth/1.16', 'wesnoth'), ('/usr/share/tuxpaint/stamps', 'tuxpaint')):
        files = []
        for dp, _, fs in os.walk(top):
            if kind == 'wesnoth' and not (dp.startswith(top + '/sounds') or dp.startswith(top + '/data')):
                continue
            for f in fs:
                if f.endswith('.ogg') or f.endswith('.wav'):
                    files.append(os.path.join(dp, f))
        files.sort()
        if kind == 'tuxpaint':  # every stamp sound, a sample of the spoken descriptions
            sounds = [f for f in files if '_desc' not in f]
            desc = [f for f in files if '_desc' in f]
            pick = rng.choice(len(desc), size=min(300, len(desc)), replace=False)
            files = sounds + [desc[i] for i in sorted(pick)]
        for p in files:
            src.append((kind + p[len(top):], kind, 'speech' if '_desc' in p else '', p))
    return src


# ---------------------------------------------------------------- fluidsynth
def midi_file(events, path):
    """events: (time s, bytes) sorted -> a format-0 MIDI file at 480 ticks per quarter, 120 bpm."""
    def vlq(n):
        b = [n & 127]
        n >>= 7
        while n:
            b.append((n & 127) | 128)
            n >>= 7
        return bytes(reversed(b))
    trk = bytearray()
    last = 0
    for t, ev in events:
        tick = int(round(t * 960))
        trk += vlq(tick - last) + ev
        last = tick
    trk += b'\x00\xff\x2f\x00'
    with open(path, 'wb') as f:
        f.write(b'MThd' + struct.pack('>IHHH', 6, 0, 1, 480))
        f.write(b'MTrk' + struct.pack('>I', len(trk)) + trk)


def gm_sources(rng, tmp):
    """One MIDI file holding every note, rendered once; each note is a source."""
    notes = []  # (source id, label, channel, program, pitch, velocity, duration)
    for p in range(128):
        combos = set()
        while len(combos) < 8:
            combos.add((int(rng.integers(36, 85)), int(rng.choice([45, 80, 115])), float(rng.choice([0.12, 0.4, 0.9, 1.6]))))
        for k, (pitch, vel, dur) in enumerate(sorted(combos)):
            notes.append((f'gm/{p}/{k}', GM_FAMILIES[p // 8], 0, p, pitch, vel, dur))
    for pitch in range(35, 82):
        for k, vel in enumerate((60, 118)):
            notes.append((f'gm/drum/{pitch}/{k}', 'drums', 9, 0, pitch, vel, 0.3))
    events, t, spacing = [], 0.5, 3.0
    onsets = []
    for _, _, ch, prog, pitch, vel, dur in notes:
        if ch != 9:
            events.append((t - 0.1, bytes([0xC0 | ch, prog])))
        events.append((t, bytes([0x90 | ch, pitch, vel])))
        events.append((t + dur, bytes([0x80 | ch, pitch, 0])))
        onsets.append(t)
        t += spacing
    events.sort(key=lambda e: e[0])
    mid, wav = os.path.join(tmp, 'gm.mid'), os.path.join(tmp, 'gm.wav')
    midi_file(events, mid)
    subprocess.run(['fluidsynth', '-ni', '-q', '-g', '0.6', '-r', str(SR), '-F', wav, SF2, mid],
                   check=True, capture_output=True)
    x = decode(wav)
    out = []
    for (sid, label, *_), t0 in zip(notes, onsets):
        s = max(int((t0 - 0.03) * SR), 0)
        w = np.zeros(WIN, np.float32)
        seg = x[s:s + WIN]
        w[:len(seg)] = seg
        if np.max(np.abs(w)) > 1e-4:
            out.append((sid, 'gm', label, [w]))
    return out


# ---------------------------------------------------------------- espeak-ng
def espeak_sources(rng, tmp):
    jobs = []
    for v in ESPEAK_VOICES:
        for k in range(14):
            text = ' '.join(str(int(rng.integers(0, 10 ** int(rng.integers(1, 4))))) for _ in range(int(rng.integers(1, 4))))
            var = ESPEAK_VARIANTS[int(rng.integers(len(ESPEAK_VARIANTS)))]
            speed, pitch = int(rng.integers(110, 230)), int(rng.integers(15, 85))
            jobs.append((f'espeak/{v}/{k}', v, [ 'espeak-ng', '-v', v + var, '-s', str(speed), '-p', str(pitch)], text))

    def one(job):
        sid, v, cmd, text = job
        wav = os.path.join(tmp, sid.replace('/', '_') + '.wav')
        r = subprocess.run(cmd + ['-w', wav, text], capture_output=True)
        if r.returncode != 0:
            print(f'data: espeak-ng {v}: {r.stderr.decode(errors="replace").strip()}', file=sys.stderr)
            return None
        x = decode(wav)
        return None if x is None else (sid, 'espeak', v.split('-')[0], windows(x, 2))
    with ThreadPoolExecutor(2) as ex:
        return [r for r in ex.map(one, jobs) if r]


# ---------------------------------------------------------------- synthesis
def pink(rng, n):
    f = np.fft.rfft(rng.standard_normal(n))
    f[1:] /= np.sqrt(np.arange(1, len(f)))
    f[0] = 0
    return np.fft.irfft(f, n)


def brown(rng, n):
    x = np.cumsum(rng.standard_normal(n))
    x -= np.linspace(x[0], x[-1], n)
    return x


def norm(x, peak):
    m = np.max(np.abs(x))
    return (x / m * peak if m > 0 else x).astype(np.float32)


def synth_sources(rng):
    t = np.arange(WIN) / SR
    kinds = ['sine', 'square', 'saw', 'chirp', 'white', 'pink', 'brown', 'clicks', 'am', 'fm',
             'twotone', 'burst', 'harmonic', 'silence']
    out = []
    for kind in kinds:
        for k in range(40 if kind != 'silence' else 10):
            f0 = float(np.exp(rng.uniform(np.log(60), np.log(5000))))
            peak = float(10 ** rng.uniform(-2, 0))
            ph = 2 * np.pi * f0 * t
            if kind == 'sine':
                x = np.sin(ph)
            elif kind == 'square':
                x = np.sign(np.sin(ph))
            elif kind == 'saw':
                x = 2 * ((f0 * t) % 1) - 1
            elif kind == 'chirp':
                f1 = float(np.exp(rng.uniform(np.log(60), np.log(7000))))
                x = np.sin(2 * np.pi * np.cumsum(np.geomspace(f0, f1, WIN)) / SR)
            elif kind == 'white':
                x = rng.uniform(-1, 1, WIN)
            elif kind == 'pink':
                x = pink(rng, WIN)
            elif kind == 'brown':
                x = brown(rng, WIN)
            elif kind == 'clicks':
                x = np.zeros(WIN)
                rate = rng.uniform(1, 40)
                x[(np.arange(0, t[-1], 1 / rate) * SR).astype(int)] = 1
                if rng.random() < 0.5:
                    x = np.convolve(x, np.exp(-np.arange(80) / rng.uniform(2, 30)))[:WIN]
            elif kind == 'am':
                x = np.sin(ph) * (0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(1, 30) * t))
            elif kind == 'fm':
                x = np.sin(ph + rng.uniform(0.5, 8) * np.sin(2 * np.pi * rng.uniform(2, 200) * t))
            elif kind == 'twotone':
                x = np.sin(ph) + np.sin(2 * np.pi * f0 * rng.uniform(1.1, 2.0) * t)
                on = (t % rng.uniform(0.2, 0.8)) < rng.uniform(0.05, 0.2)
                x = x * on if rng.random() < 0.6 else x
            elif kind == 'burst':
                x = rng.standard_normal(WIN) * np.exp(-((t - rng.uniform(0.1, 0.8)) / rng.uniform(0.01, 0.2)) ** 2)
            elif kind == 'harmonic':
                x = sum(np.sin(ph * h) / h ** rng.uniform(0.5, 2) for h in range(1, 12) if f0 * h < 7800)
                x = x * np.exp(-t / rng.uniform(0.1, 2))
            else:
                x = rng.standard_normal(WIN) * 1e-5
                peak = 1e-4
            out.append((f'synth/{kind}/{k}', 'synth', kind, [norm(x, peak)]))
    return out


# ---------------------------------------------------------------- augmentation
def fft_filter(x, rng):
    f = np.fft.rfftfreq(len(x), 1 / SR)
    X = np.fft.rfft(x)
    kind = rng.integers(3)
    fc, order = float(np.exp(rng.uniform(np.log(150), np.log(6000)))), float(rng.uniform(1, 4))
    lp = 1 / np.sqrt(1 + (f / fc) ** (2 * order))
    hp = 1 / np.sqrt(1 + (fc / np.maximum(f, 1)) ** (2 * order))
    g = lp if kind == 0 else hp if kind == 1 else lp * (1 / np.sqrt(1 + ((fc / 4) / np.maximum(f, 1)) ** 4))
    return np.fft.irfft(X * g, len(x))


def augment(w, pool, rng):
    x = w.astype(np.float64)
    if rng.random() < 0.4:  # pitch and speed together: resample by up to +-5 semitones
        r = 2 ** (rng.uniform(-5, 5) / 12)
        pos = np.arange(WIN) * r
        x = np.interp(pos, np.arange(WIN), x, right=0.0)
    if rng.random() < 0.5:  # time shift
        s = int(rng.uniform(-0.35, 0.35) * SR)
        x = np.roll(x, s)
        if s > 0:
            x[:s] = 0
        elif s < 0:
            x[s:] = 0
    if rng.random() < 0.35:  # mix in another training window
        o = pool[int(rng.integers(len(pool)))].astype(np.float64)
        eo, ex = np.sqrt(np.mean(o ** 2)) + 1e-9, np.sqrt(np.mean(x ** 2)) + 1e-9
        x = x + o * (ex / eo) * 10 ** (rng.uniform(-15, 0) / 20)
    if rng.random() < 0.35:
        x = fft_filter(x, rng)
    if rng.random() < 0.3:  # simple reverb: exponentially decaying noise
        n = int(rng.uniform(0.1, 0.8) * SR)
        ir = rng.standard_normal(n) * np.exp(-np.arange(n) / (rng.uniform(0.03, 0.3) * SR))
        ir[0] = 0
        wet = np.fft.irfft(np.fft.rfft(x, WIN + n) * np.fft.rfft(ir, WIN + n), WIN + n)[:WIN]
        wet *= (np.sqrt(np.mean(x ** 2)) + 1e-9) / (np.sqrt(np.mean(wet ** 2)) + 1e-9)
        x = x + wet * rng.uniform(0.2, 0.8)
    if rng.random() < 0.35:  # additive noise at 5..40 dB SNR
        nz = rng.standard_normal(WIN) if rng.random() < 0.5 else pink(rng, WIN)
        ex = np.sqrt(np.mean(x ** 2)) + 1e-6
        x = x + nz / (np.sqrt(np.mean(nz ** 2)) + 1e-12) * ex * 10 ** (-rng.uniform(5, 40) / 20)
    m = np.max(np.abs(x))
    if m > 0:  # gain: a peak between -40 and 0 dBFS
        x = x / m * 10 ** (rng.uniform(-40, 0) / 20)
    return x.astype(np.float32)


# ---------------------------------------------------------------- main
def recipe_key(teacher):
    h = hashlib.sha256()
    h.update(open(__file__, 'rb').read())
    with open(teacher, 'rb') as f:
        h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()[:16]


def build(teacher, tool, cache):
    key = recipe_key(teacher)
    out = os.path.join(cache, key)
    if os.path.exists(os.path.join(out, 'meta.json')):
        print(f'data: cached {out}', file=sys.stderr)
        return out
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        srcs = file_sources(rng)
        with ThreadPoolExecutor(2) as ex:
            dec = list(ex.map(lambda s: decode(s[3]), srcs))
        items = [(sid, kind, label, windows(x, MAX_WIN)) for (sid, kind, label, _), x in zip(srcs, dec) if x is not None]
        print(f'data: {len(items)} files decoded ({time.time() - t0:.0f} s)', file=sys.stderr)
        items += gm_sources(rng, tmp)
        print(f'data: + GM notes rendered ({time.time() - t0:.0f} s)', file=sys.stderr)
        items += espeak_sources(rng, tmp)
        print(f'data: + espeak-ng ({time.time() - t0:.0f} s)', file=sys.stderr)
    items += synth_sources(rng)
    sources = [{'id': sid, 'kind': kind, 'label': label, 'held': held_out(sid)} for sid, kind, label, _ in items]
    train_pool = [w for (sid, _, _, ws), s in zip(items, sources) if not s['held'] for w in ws]
    # order: held-out windows first (clean), then every training window clean and AUG augmented
    src_of, aug_of = [], []
    proc = subprocess.Popen([tool, teacher, out], stdin=subprocess.PIPE)
    n = 0
    for held in (True, False):
        for i, (sid, kind, label, ws) in enumerate(items):
            if sources[i]['held'] != held:
                continue
            for w in ws:
                reps = [w] + ([] if held else [augment(w, train_pool, rng) for _ in range(AUG)])
                for a, x in enumerate(reps):
                    proc.stdin.write(np.ascontiguousarray(x, '<f4').tobytes())
                    src_of.append(i)
                    aug_of.append(a)
                    n += 1
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit('data: the teacher pass failed')
    meta = {'sources': sources, 'source': src_of, 'aug': aug_of, 'seed': SEED, 'aug_copies': AUG,
            'held_share': HELD, 'seconds': round(time.time() - t0, 1)}
    with open(os.path.join(out, 'meta.json'), 'w') as f:
        json.dump(meta, f)
    held_n = sum(1 for s in src_of if sources[s]['held'])
    print(f'data: {n} patches ({held_n} held out) from {len(sources)} sources in {time.time() - t0:.0f} s -> {out}',
          file=sys.stderr)
    return out


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--teacher', required=True)
    ap.add_argument('--tool', required=True)
    ap.add_argument('--cache', default='build/model-cache')
    a = ap.parse_args()
    print(build(a.teacher, a.tool, a.cache))
