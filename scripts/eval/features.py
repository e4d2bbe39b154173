#!/usr/bin/python3
"""features.py — how well each feature and clip-window choice groups labelled sounds.

For every set under build/eval-sets (scripts/eval/make-sets.py) and every window mode (clip,
onset, whole, blend), runs build/opt/tools/feature-dump (the engine's own analysis path) and
scores each feature choice by leave-one-out 1-NN label accuracy: cosine similarity after the
map's column scaling (web/core/features.js featureBlocks / standardize), the nearest neighbour taken
among sounds of ANOTHER group (another instrument, kit, phrase; another file where a set has no
groups: the group is the file-name part before "__"). Prints markdown tables.

Feature choices and their scaling (z = (x - column mean) / sd over the set's rows):
  fingerprint        32x32 fingerprint as one block (one global sd) + 6 descriptors per column
                     with weight sqrt(0.25 x 1024 / 6)    (the page's rule)
  descriptors        6 descriptors, per column
  embedding          model embedding, one block (global sd)
  timbre             SM_NTIMBRE MFCC statistics, per column
  embedding+timbre   embedding block (global sd) x 1/sqrt(E) next to timbre (per column) x
                     1/sqrt(40): each block has total variance 1, i.e. equal weight
  fingerprint+timbre the fingerprint rule's 1030 columns x 1/sqrt(1280) next to timbre x 1/sqrt(40)
usage: features.py [--sets DIR] [--work DIR] [--model NAME=PATH ...] [--modes clip,onset,...]
  (models default to YAMNet at ../shared/models/yamnet.tflite and models/sonomap-s.smnn, where
  present; the first model's columns are "emb", the others "emb:NAME")
"""
import argparse
import os
import subprocess
import sys

import numpy as np

TOOL = 'build/opt/tools/feature-dump'
NT = 40


def files_of(set_dir):
    rows = []
    for label in sorted(os.listdir(set_dir)):
        d = os.path.join(set_dir, label)
        for f in sorted(os.listdir(d)):
            if f.endswith('.wav'):
                rows.append((os.path.join(d, f), label, label + '/' + f.split('__')[0]))
    return rows


def dump(paths, mode, model, prefix):
    want = [prefix + '.timbre.npy'] + ([prefix + '.embedding.npy'] if model != '-' else [])
    if all(os.path.exists(w) for w in want):
        return
    lst = prefix + '.list'
    with open(lst, 'w') as f:
        f.write('\n'.join(paths) + '\n')
    subprocess.run([TOOL, lst, mode, model, prefix], check=True)


def scale(X, how, weight=1.0):
    """The map's scaling of one block: 'global' (one sd for the block) or 'column'."""
    mu = X.mean(0)
    var = X.var(0)
    if how == 'global':
        sd = np.full_like(var, np.sqrt(var.mean()))
    else:
        sd = np.sqrt(var)
    out = np.where(sd > 1e-12, (X - mu) / np.where(sd > 1e-12, sd, 1), 0.0)
    return out * weight


def fingerprint_rule(F):
    return np.hstack([scale(F[:, :1024], 'global'), scale(F[:, 1024:], 'column', np.sqrt(0.25 * 1024 / 6))])


def choices(feat):
    out = {}
    if 'fingerprint' in feat:
        out['fingerprint'] = fingerprint_rule(feat['fingerprint'])
        out['descriptors'] = scale(feat['descriptors'], 'column')
        T = feat['timbre']
        out['timbre'] = scale(T, 'column')
        out['timbre (means)'] = scale(T[:, :NT // 2], 'column')
        out['fingerprint+timbre'] = np.hstack([out['fingerprint'] / np.sqrt(1280), out['timbre'] / np.sqrt(NT)])
    for k, E in feat.items():
        if k.startswith('embedding'):
            name = k.replace('embedding', 'emb')
            out[name] = scale(E, 'global')
            out[name + '+timbre'] = np.hstack([scale(E, 'global', 1 / np.sqrt(E.shape[1])),
                                               scale(feat['timbre'], 'column', 1 / np.sqrt(NT))])
    return out


def accuracy(X, labels, groups):
    n = len(labels)
    Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    S = Xn @ Xn.T
    same_group = groups[:, None] == groups[None, :]
    S[same_group] = -np.inf
    nn = S.argmax(1)
    ok = np.isfinite(S[np.arange(n), nn])
    return float((labels[nn] == labels)[ok].mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sets', default='build/eval-sets')
    ap.add_argument('--work', default='build/eval-features')
    ap.add_argument('--model', action='append', default=[], help='NAME=PATH (embedding column NAME)')
    ap.add_argument('--modes', default='clip,onset,whole,blend')
    args = ap.parse_args()
    models = [m.split('=', 1) for m in args.model] or [['yamnet', '../shared/models/yamnet.tflite'],
                                                       ['student', 'models/sonomap-s.smnn']]
    models = [(k, p) for k, p in models if os.path.exists(p)]
    os.makedirs(args.work, exist_ok=True)
    modes = args.modes.split(',')
    results = {}
    cols = []
    for s in sorted(os.listdir(args.sets)):
        if not os.path.isdir(os.path.join(args.sets, s)):
            continue
        rows = files_of(os.path.join(args.sets, s))
        paths = [r[0] for r in rows]
        labels = np.array([r[1] for r in rows])
        groups = np.array([r[2] for r in rows])
        for mode in modes:
            feat = {}
            for i, (name, path) in enumerate(models or [('', '-')]):
                prefix = os.path.join(args.work, f'{s}.{mode}.{name or "none"}')
                dump(paths, mode, path, prefix)
                if i == 0:
                    for k in ('fingerprint', 'descriptors', 'timbre'):
                        feat[k] = np.load(f'{prefix}.{k}.npy').astype(np.float64)
                if name:
                    key = 'embedding' if i == 0 else f'embedding:{name}'
                    feat[key] = np.load(f'{prefix}.embedding.npy').astype(np.float64)
            good = np.all(np.isfinite(np.hstack(list(feat.values()))), axis=1)
            for k, X in choices({k: v[good] for k, v in feat.items()}).items():
                results[(s, mode, k)] = accuracy(X, labels[good], groups[good])
                if k not in cols:
                    cols.append(k)
            print(f'{s} {mode}: ' + ', '.join(f'{k} {results[(s, mode, k)]:.3f}' for k in cols
                                               if (s, mode, k) in results), file=sys.stderr)
    sets = sorted({k[0] for k in results})
    print('| set | window | ' + ' | '.join(cols) + ' |')
    print('|---|---|' + '---:|' * len(cols))
    for s in sets:
        for mode in modes:
            print(f'| {s} | {mode} | ' + ' | '.join(f'{results[(s, mode, k)]:.3f}' for k in cols) + ' |')
    for mode in modes:
        print(f'| mean | {mode} | ' + ' | '.join(f'{np.mean([results[(s, mode, k)] for s in sets]):.3f}' for k in cols) + ' |')


if __name__ == '__main__':
    main()
