"""train.py — distil sonomap-s from YAMNet on the cached corpus (scripts/model/data.py).

  /usr/bin/python3 scripts/model/train.py --cache DIR --teacher-smnn yamnet-f32.smnn --out CKPT
        [--epochs 16] [--batch 64] [--lr 1e-3]

CPU, two threads, seeded (torch.manual_seed, a numpy permutation per epoch). The student starts
from the teacher's weights (student.from_teacher, calibrated on 1024 training patches) and keeps
YAMNet's dense head frozen, so matching the embedding matches the tags. Loss per patch:
  MSE(e_s, e_t) / mean(e_t^2)  +  (1 - cos(e_s, e_t))  +  5 * BCE(logits_s, sigmoid scores_t)
Writes the checkpoint (state dict + spec) after every epoch and prints the time each took.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smnn  # noqa: E402
from student import from_teacher, teacher_net  # noqa: E402

SEED = 1234


def load_split(cache, held):
    meta = json.load(open(os.path.join(cache, 'meta.json')))
    src = np.array(meta['source'])
    is_held = np.array([s['held'] for s in meta['sources']])[src]
    idx = np.nonzero(is_held == held)[0]
    mel = np.load(os.path.join(cache, 'logmel.npy'), mmap_mode='r')
    emb = np.load(os.path.join(cache, 'emb.npy'), mmap_mode='r')
    sc = np.load(os.path.join(cache, 'scores.npy'), mmap_mode='r')
    return idx, np.ascontiguousarray(mel[idx]), np.ascontiguousarray(emb[idx]), np.ascontiguousarray(sc[idx]), meta


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cache', required=True)
    ap.add_argument('--teacher-smnn', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--epochs', type=int, default=16)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=1e-3)
    a = ap.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)
    rng = np.random.default_rng(SEED)
    t0 = time.time()
    _, X, E, S, _ = load_split(a.cache, False)
    X, E, S = torch.from_numpy(X), torch.from_numpy(E), torch.from_numpy(S)
    n = len(X)
    e2 = float((E ** 2).mean())
    teacher = teacher_net(smnn.read(a.teacher_smnn))
    calib = X[torch.from_numpy(np.sort(rng.choice(n, 1024, replace=False)))]
    net = from_teacher(teacher, calib).to(memory_format=torch.channels_last)
    del teacher
    for p in net.head.parameters():
        p.requires_grad_(False)
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=a.lr)
    steps = a.epochs * (n // a.batch)
    warm = min(100, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + np.cos(np.pi * (s - warm) / max(steps - warm, 1))))
    print(f'train: {n} patches, {a.epochs} epochs of {n // a.batch} steps (batch {a.batch}), '
          f'loaded in {time.time() - t0:.0f} s', flush=True)
    log = []
    for ep in range(a.epochs):
        te = time.time()
        perm = torch.from_numpy(rng.permutation(n))
        net.train()
        tot = np.zeros(4)
        for k in range(n // a.batch):
            b = perm[k * a.batch:(k + 1) * a.batch]
            x, et, st = X[b], E[b], S[b]
            es, ls = net(x)
            l_mse = ((es - et) ** 2).mean() / e2
            l_cos = (1 - F.cosine_similarity(es, et, dim=1)).mean()
            l_bce = F.binary_cross_entropy_with_logits(ls, st)
            loss = l_mse + l_cos + 5 * l_bce
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            sched.step()
            tot += [loss.item(), l_mse.item(), l_cos.item(), l_bce.item()]
            if k % 50 == 0:
                m = tot / (k + 1)
                print(f'  epoch {ep + 1} step {k}/{n // a.batch}: loss {m[0]:.4f} (mse {m[1]:.4f}, 1-cos {m[2]:.4f}, '
                      f'bce {m[3]:.4f}) {time.time() - te:.0f} s', flush=True)
        m = tot / (n // a.batch)
        log.append({'epoch': ep + 1, 'loss': m[0], 'mse': m[1], 'one_minus_cos': m[2], 'bce': m[3],
                    'seconds': round(time.time() - te, 1)})
        print(f'train: epoch {ep + 1}: loss {m[0]:.4f}, 1-cos {m[2]:.4f}, {time.time() - te:.0f} s', flush=True)
        torch.save({'state': net.state_dict(), 'spec': net.spec, 'log': log, 'epochs_done': ep + 1,
                    'epochs': a.epochs, 'seed': SEED, 'batch': a.batch, 'lr': a.lr,
                    'seconds': round(time.time() - t0, 1)}, a.out)
    print(f'train: done in {time.time() - t0:.0f} s -> {a.out}', flush=True)


if __name__ == '__main__':
    main()
