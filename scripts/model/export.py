"""export.py — write sonomap-s as SMNN (f16 weights, YAMNet's class names), check it in the engine
and measure it against the teacher on the held-out split.

  /usr/bin/python3 scripts/model/export.py --ckpt CKPT --cache DIR --teacher-smnn yamnet-f32.smnn
        --teacher yamnet.tflite --tool build/opt/tools/yamnet-teacher --out models/sonomap-s.smnn
        --refs tests/node/sonomap-s.json --report build/model/report.json

1. The checkpoint's layers go to the file with f16 weights (f32 biases).
2. The file is read back into torch, and the engine (the native build, through yamnet-teacher
   --patches) runs it on the held-out patches: the two must agree to a cosine above 0.999.
3. On the held-out split, the engine's outputs of the shipped file against the teacher's: mean
   embedding cosine, top-1 and top-5 tag agreement, the overlap of the 10 nearest neighbours,
   and 1-NN label accuracy (leave-one-out, cosine, neighbours from other sources only) on the
   labelled sets.
4. The test references: three fixed waveforms (silence, a 440 Hz sine, seeded noise), their
   patches by the engine's frontend, the shipped file's outputs computed in torch.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smnn  # noqa: E402
from student import CLASSES, EMB, Net, macs_params  # noqa: E402
from train import load_split  # noqa: E402

LABELLED = [('sonicpi', 'sonic-pi category (file-name prefix)'), ('gm', 'GM instrument family / drums'),
            ('klettres', 'klettres language'), ('espeak', 'espeak-ng language'), ('synth', 'synthesised kind')]


def net_from_smnn(model):
    spec, cin = [], model['c']
    for l in model['layers']:
        if l['op'] in ('conv', 'dw', 'pw'):
            spec.append((l['op'], l['stride'], cin, l['cout']))
            cin = l['cout']
    net = Net(spec)
    convs = [l for l in model['layers'] if l['op'] in ('conv', 'dw', 'pw')]
    dense = [l for l in model['layers'] if l['op'] == 'dense'][0]
    with torch.no_grad():
        for (kind, s, ci, co), c, l in zip(spec, net.convs, convs):
            w = l['w']
            if kind == 'conv':
                w = w.reshape(co, 3, 3, ci).transpose(0, 3, 1, 2)
            elif kind == 'dw':
                w = w.reshape(3, 3, co).transpose(2, 0, 1)[:, None]
            else:
                w = w.reshape(co, ci)[:, :, None, None]
            c.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            c.bias.copy_(torch.from_numpy(l['b']))
        net.head.weight.copy_(torch.from_numpy(dense['w'].reshape(CLASSES, EMB)))
        net.head.bias.copy_(torch.from_numpy(dense['b']))
    return net.eval()


def engine(tool, model, arr, patches=True):
    """Run the native engine on patches (or 15600-sample waveforms): logmel, emb, scores."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([tool, model, d] + (['--patches'] if patches else []), input=np.ascontiguousarray(arr, '<f4').tobytes(),
                       check=True, capture_output=True)
        return [np.load(os.path.join(d, f)) for f in ('logmel.npy', 'emb.npy', 'scores.npy')]


def torch_run(net, X, bs=128):
    es, ss = [], []
    with torch.no_grad():
        for i in range(0, len(X), bs):
            e, l = net(torch.from_numpy(np.ascontiguousarray(X[i:i + bs])))
            es.append(e.numpy())
            ss.append(torch.sigmoid(l).numpy())
    return np.concatenate(es), np.concatenate(ss)


def unit(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def cos_rows(a, b):
    return np.sum(unit(a) * unit(b), axis=1)


def knn(E, k, exclude_groups=None):
    """k nearest neighbours by cosine of every row (itself and, if given, rows of its group left out)."""
    U = unit(E.astype(np.float64))
    S = U @ U.T
    np.fill_diagonal(S, -np.inf)
    if exclude_groups is not None:
        S[exclude_groups[:, None] == exclude_groups[None, :]] = -np.inf
    return np.argsort(-S, axis=1)[:, :k]


def one_nn_accuracy(E, labels, groups):
    nn1 = knn(E, 1, groups)[:, 0]
    return float(np.mean(labels[nn1] == labels))


def lcg_noise(n, seed, amp):
    """The test's noise: x = (seed = seed * 1103515245 + 12345 mod 2^32) / 2^32 * 2 - 1, times amp."""
    out = np.empty(n, np.float32)
    s = seed
    for i in range(n):
        s = (s * 1103515245 + 12345) % 4294967296
        out[i] = np.float32((s / 4294967296 * 2 - 1) * amp)
    return out


def main():
    ap = argparse.ArgumentParser()
    for k in ('ckpt', 'cache', 'teacher-smnn', 'teacher', 'tool', 'out', 'refs', 'report'):
        ap.add_argument('--' + k, required=True)
    a = ap.parse_args()
    torch.set_num_threads(2)
    t0 = time.time()
    ck = torch.load(a.ckpt)
    net = Net([tuple(s) for s in ck['spec']])
    net.load_state_dict(ck['state'])
    names = smnn.read(a.teacher_smnn)['names']
    assert len(names) == CLASSES, 'the teacher file carries no class names'
    size = smnn.write(a.out, 96, 64, 1, net.to_layers(), names, 'f16')
    shipped = smnn.read(a.out)
    tnet = net_from_smnn(shipped)
    macs, params = macs_params(tnet.spec)
    print(f'export: {a.out}: {size} bytes, {len(shipped["layers"])} layers, {macs / 1e6:.2f} M MACs, {params} parameters')

    # held-out: torch of the shipped file vs the engine, then the engine vs the teacher
    idx, X, Et, St, meta = load_split(a.cache, True)
    _, Ee, Se = engine(a.tool, a.out, X)
    Ep, Sp = torch_run(tnet, X)
    c_eng = cos_rows(Ee, Ep)
    d_sc = float(np.max(np.abs(Se - Sp)))
    print(f'export: engine vs torch on {len(X)} held-out patches: min cosine {c_eng.min():.6f}, max |score diff| {d_sc:.2e}')
    if not (c_eng.min() > 0.999):
        raise SystemExit('export: the engine does not compute what torch computes')
    srcs = meta['sources']
    src_of = np.array(meta['source'])[idx]
    cos = cos_rows(Ee, Et)
    top1 = float(np.mean(Se.argmax(1) == St.argmax(1)))
    t5s, t5t = np.argsort(-Se, 1)[:, :5], np.argsort(-St, 1)[:, :5]
    top5_overlap = float(np.mean([len(set(a_) & set(b_)) / 5 for a_, b_ in zip(t5s, t5t)]))
    top1_in5 = float(np.mean([t[0] in s for s, t in zip(t5s, t5t)]))
    nn_s, nn_t = knn(Ee, 10), knn(Et, 10)
    nn_overlap = float(np.mean([len(set(a_) & set(b_)) / 10 for a_, b_ in zip(nn_s, nn_t)]))
    table = []
    for kind, desc in LABELLED:
        sel = np.array([srcs[s]['kind'] == kind and srcs[s]['label'] != '' for s in src_of])
        lab = np.array([srcs[s]['label'] for s in src_of[sel]])
        grp = src_of[sel]
        # labels that occur in at least two sources, so that a neighbour from another source can match
        ok = np.array([len(set(grp[lab == l_])) >= 2 for l_ in lab])
        if ok.sum() < 10:
            continue
        E1, E2, L, G = Ee[sel][ok], Et[sel][ok], lab[ok], grp[ok]
        table.append({'set': desc, 'kind': kind, 'patches': int(ok.sum()), 'sources': int(len(set(G))),
                      'labels': int(len(set(L))), 'student': one_nn_accuracy(E1, L, G),
                      'teacher': one_nn_accuracy(E2, L, G)})
    report = {
        'file': a.out, 'bytes': size, 'macs': macs, 'params': params,
        'layers': [(s[0], s[1], s[3]) for s in tnet.spec],
        'held_out': {'patches': int(len(X)), 'sources': int(len(set(src_of))),
                     'mean_cosine': float(cos.mean()), 'median_cosine': float(np.median(cos)),
                     'top1_agreement': top1, 'top5_overlap': top5_overlap, 'teacher_top1_in_student_top5': top1_in5,
                     'knn10_overlap': nn_overlap},
        'one_nn': table, 'engine_vs_torch_min_cosine': float(c_eng.min()),
        'train': {k: ck[k] for k in ('log', 'epochs', 'seed', 'batch', 'lr', 'seconds')},
        'corpus': {'patches': len(meta['source']), 'held_out_patches': int(len(X)), 'sources': len(srcs),
                   'held_out_sources': int(sum(s['held'] for s in srcs)),
                   'by_kind': {k: {'sources': sum(1 for s in srcs if s['kind'] == k),
                                   'patches': int(sum(1 for s in meta['source'] if srcs[s]['kind'] == k))}
                               for k in sorted(set(s['kind'] for s in srcs))},
                   'aug_copies': meta['aug_copies'], 'seconds': meta['seconds']},
    }
    print(json.dumps(report['held_out'], indent=1))
    for r in table:
        print(f'  1-NN {r["set"]:<40} student {100 * r["student"]:5.1f} %  teacher {100 * r["teacher"]:5.1f} %  '
              f'({r["patches"]} patches, {r["labels"]} labels)')

    # test references
    t = np.arange(15600) / 16000
    waves = {'silence': np.zeros(15600, np.float32),
             'sine440': (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32),
             'noise': lcg_noise(15600, 7, 0.5)}
    mel, Ee3, Se3 = engine(a.tool, a.out, np.stack(list(waves.values())), patches=False)
    _, Et3, St3 = engine(a.tool, a.teacher, np.stack(list(waves.values())), patches=False)
    Ep3, Sp3 = torch_run(tnet, mel)
    refs = {'model': os.path.basename(a.out), 'bytes': size, 'input': [96, 64], 'embedding': EMB,
            'classes': CLASSES, 'class_names': [names[0], names[-1]], 'macs': macs,
            'note': 'written by scripts/model/export.py: outputs of the shipped file computed in torch '
                    '(float32) on the engine\'s log-mel patch of each 15600-sample waveform (long mode)',
            'inputs': {}}
    for i, k in enumerate(waves):
        top = np.argsort(-Sp3[i])[:3]
        refs['inputs'][k] = {
            'top': [{'index': int(j), 'name': names[j], 'score': float(Sp3[i, j])} for j in top],
            'embedding_largest': [{'index': int(j), 'value': float(Ep3[i, j])} for j in np.argsort(-Ep3[i])[:8]],
            'embedding_head': [float(v) for v in Ep3[i, :8]],
            'embedding_norm': float(np.linalg.norm(Ep3[i])),
            'embedding_sum': float(Ep3[i].sum()),
            'cosine_to_teacher': float(cos_rows(Ep3[i:i + 1], Et3[i:i + 1])[0]),
            'teacher_top': names[int(St3[i].argmax())],
        }
    refs['cosines'] = {f'{x}|{y}': float(cos_rows(Ep3[i:i + 1], Ep3[j:j + 1])[0])
                       for i, x in enumerate(waves) for j, y in enumerate(waves) if i < j}
    report['fixed_inputs'] = refs['inputs']
    with open(a.refs, 'w') as f:
        json.dump(refs, f, indent=1)
        f.write('\n')
    os.makedirs(os.path.dirname(a.report), exist_ok=True)
    with open(a.report, 'w') as f:
        json.dump(report, f, indent=1)
    for k, v in refs['inputs'].items():
        print(f'  {k}: {v["top"][0]["name"]} ({v["top"][0]["score"]:.3f}); teacher: {v["teacher_top"]}; '
              f'cosine to the teacher {v["cosine_to_teacher"]:.3f}')
    print(f'export: done in {time.time() - t0:.0f} s')


if __name__ == '__main__':
    main()
