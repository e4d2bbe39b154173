#!/usr/bin/python3
"""make-sets.py — labelled sound sets for measuring feature and window choices (make eval-features).

Writes build/eval-sets/<set>/<label>/<group>__<name>.wav; the group is what "a neighbour from
another group" means in scripts/eval/features.py (another instrument, kit, phrase or file).
  sonic-pi  Sonic Pi's samples by file-name prefix (ambi, bass, bd, ...); group = file
  gm        General MIDI notes rendered by fluidsynth, label = instrument family (piano ...
            synth pad), group = program; 4 programs per family, 6 notes each, 1-3 s
  gm-drums  GM drum-kit pieces (kick, snare, hi-hat, tom, cymbal, ...), group = kit (Standard,
            Room, Power, Electronic, TR-808, Jazz, Brush, Orchestra)
  letters   klettres' spoken letters, label = language; group = file
  voices    espeak-ng voices as speakers, label = speaker, group = phrase (12 phrases)
Seeded (random.Random(SEED)) and reproducible: the same packages give the same files.
usage: make-sets.py [OUT_DIR]   (default build/eval-sets)
"""
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

SEED = 8
OUT = sys.argv[1] if len(sys.argv) > 1 else 'build/eval-sets'
SONIC = '/usr/share/sonic-pi/samples'
KLETTRES = '/usr/share/klettres'
SF2 = '/usr/share/sounds/sf2/FluidR3_GM.sf2'
NEED = {'fluidsynth': 'fluidsynth', 'sox': 'sox', 'espeak-ng': 'espeak-ng'}
NEED_FILES = {SONIC: 'sonic-pi-samples', KLETTRES: 'klettres-data', SF2: 'fluid-soundfont-gm'}


def ensure_packages():
    missing = [pkg for cmd, pkg in NEED.items() if not shutil.which(cmd)]
    missing += [pkg for path, pkg in NEED_FILES.items() if not os.path.exists(path)]
    if missing:
        print('installing', ' '.join(missing), file=sys.stderr)
        sudo = [] if os.geteuid() == 0 else ['sudo']
        subprocess.run(sudo + ['apt-get', 'install', '-y', '--no-install-recommends'] + missing, check=True)


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---- Standard MIDI files (format 0) ----

def vlq(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def midi_file(events, path, tpq=480):
    """events: [(delta_ticks, bytes)] at 120 bpm (1 tick = 1/960 s with tpq 480)."""
    track = b''.join(vlq(d) + e for d, e in events) + vlq(0) + b'\xff\x2f\x00'
    with open(path, 'wb') as f:
        f.write(b'MThd' + struct.pack('>IHHH', 6, 0, 1, tpq))
        f.write(b'MTrk' + struct.pack('>I', len(track)) + track)


def ticks(seconds):
    return int(round(seconds * 960))


def note_midi(path, ch, program, note, vel, lead, dur, tail, bank=None):
    ev = []
    if bank is not None:
        ev.append((0, bytes([0xB0 | ch, 0, bank])))
    ev.append((0, bytes([0xC0 | ch, program])))
    ev.append((ticks(lead), bytes([0x90 | ch, note, vel])))
    ev.append((ticks(dur), bytes([0x80 | ch, note, 0])))
    ev.append((ticks(tail), b'\xff\x01\x00'))  # empty text event: the file ends after the tail
    midi_file(ev, path)


def render(mid, wav):
    run(['fluidsynth', '-ni', '-q', '-g', '0.6', '-r', '16000', '-F', wav, SF2, mid])


FAMILIES = ['piano', 'chromatic-perc', 'organ', 'guitar', 'bass', 'strings', 'ensemble', 'brass',
            'reed', 'pipe', 'synth-lead', 'synth-pad']
# Pitch range per family (MIDI notes) so notes sound like the instrument.
RANGES = {'bass': (28, 52), 'piano': (40, 84), 'chromatic-perc': (55, 90), 'organ': (40, 80),
          'guitar': (40, 76), 'strings': (43, 84), 'ensemble': (45, 81), 'brass': (45, 77),
          'reed': (45, 81), 'pipe': (60, 93), 'synth-lead': (48, 84), 'synth-pad': (40, 76)}


def make_gm(rng, tmp):
    for f, fam in enumerate(FAMILIES):
        d = os.path.join(OUT, 'gm', fam)
        os.makedirs(d, exist_ok=True)
        for off in (0, 2, 4, 6):
            prog = 8 * f + off
            lo, hi = RANGES[fam]
            for k in range(6):
                note = rng.randint(lo, hi)
                vel = rng.choice((60, 85, 110))
                dur = rng.uniform(1.0, 3.0)
                lead = rng.uniform(0.0, 0.3)
                mid = os.path.join(tmp, 'n.mid')
                note_midi(mid, 0, prog, note, vel, lead, dur, 0.6)
                render(mid, os.path.join(d, f'p{prog:03d}__n{note}_v{vel}_{k}.wav'))


DRUMS = {'kick': (35, 36), 'snare': (38, 40), 'hihat-closed': (42, 44), 'hihat-open': (46,),
         'tom': (41, 43, 45, 47, 48, 50), 'crash': (49, 57), 'ride': (51, 59),
         'hand-perc': (60, 61, 62, 63, 64), 'clap': (39,), 'cowbell': (56,)}
KITS = {0: 'standard', 8: 'room', 16: 'power', 24: 'electronic', 25: 'tr808', 32: 'jazz',
        40: 'brush', 48: 'orchestra'}


def make_drums(rng, tmp):
    for piece, notes in DRUMS.items():
        d = os.path.join(OUT, 'gm-drums', piece)
        os.makedirs(d, exist_ok=True)
        for prog, kit in KITS.items():
            for note in notes:
                vel = rng.choice((70, 100, 120))
                mid = os.path.join(tmp, 'd.mid')
                note_midi(mid, 9, prog, note, vel, rng.uniform(0.0, 0.3), 0.2, 1.3, bank=None)
                render(mid, os.path.join(d, f'{kit}__n{note}_v{vel}.wav'))


def make_sonic():
    for name in sorted(os.listdir(SONIC)):
        if not name.endswith('.flac'):
            continue
        label = name.split('_')[0]
        d = os.path.join(OUT, 'sonic-pi', label)
        os.makedirs(d, exist_ok=True)
        stem = name[:-5]
        run(['sox', os.path.join(SONIC, name), os.path.join(d, f'{stem}__{stem}.wav')])


def make_letters():
    for lang in sorted(os.listdir(KLETTRES)):
        src = os.path.join(KLETTRES, lang, 'alpha')
        if not os.path.isdir(src):
            continue
        files = sorted(x for x in os.listdir(src) if x.endswith('.ogg'))
        if len(files) < 5:
            continue
        d = os.path.join(OUT, 'letters', lang)
        os.makedirs(d, exist_ok=True)
        for x in files:
            stem = x[:-4]
            run(['sox', os.path.join(src, x), os.path.join(d, f'{stem}__{stem}.wav')])


VOICES = ['en+m1', 'en+m3', 'en+m7', 'en+f1', 'en+f2', 'en+f4', 'en+klatt2', 'en-us+m2',
          'en-gb-scotland+f3', 'en+croak']
PHRASES = ['The quick brown fox jumps over the lazy dog.',
           'Please call Stella and ask her to bring these things.',
           'Seven green apples fell from the old tree.',
           'How much wood would a woodchuck chuck?',
           'It is a bright cold day in April.',
           'She sells sea shells by the sea shore.',
           'Turn left at the second light, then go straight on.',
           'Nothing ventured, nothing gained.',
           'The museum opens at nine in the morning.',
           'Can you hear the music playing downstairs?',
           'Rain is expected over the weekend.',
           'My favourite number is forty two.']


def make_voices(rng, tmp):
    for v in VOICES:
        d = os.path.join(OUT, 'voices', v.replace('+', '_'))
        os.makedirs(d, exist_ok=True)
        for k, text in enumerate(PHRASES):
            speed = rng.randint(150, 190)
            raw = os.path.join(tmp, 'v.wav')
            run(['espeak-ng', '-v', v, '-s', str(speed), '-w', raw, text])
            run(['sox', raw, '-r', '16000', os.path.join(d, f'phrase{k:02d}__s{speed}.wav')])


def main():
    ensure_packages()
    rng = random.Random(SEED)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    with tempfile.TemporaryDirectory() as tmp:
        make_sonic()
        make_gm(rng, tmp)
        make_drums(rng, tmp)
        make_letters()
        make_voices(rng, tmp)
    for s in sorted(os.listdir(OUT)):
        labels = os.listdir(os.path.join(OUT, s))
        n = sum(len(os.listdir(os.path.join(OUT, s, l))) for l in labels)
        print(f'{s}: {n} files, {len(labels)} labels')


if __name__ == '__main__':
    main()
