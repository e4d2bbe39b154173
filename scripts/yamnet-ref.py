#!/usr/bin/python3
"""Independent float reference for YAMNet in numpy (float64), written apart from the C engine:
its own flatbuffer reader (tflite_reader.py), its own log-mel frontend and its own layer code.
Also simulates the int8 path (activations re-quantized with each tensor's scale/zero point).

  /usr/bin/python3 scripts/yamnet-ref.py MODEL.tflite OUTDIR

writes OUTDIR/testsig.f32 (0.975 s fixed test signal), ref_patch.f32 (96x64 log-mel),
ref_emb.f32 (1024), ref_scores.f32 (521), ref_emb_int8.f32, ref_scores_int8.f32."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tflite_reader import Model  # noqa: E402

RATE, WIN, HOP, NFFT, NMEL = 16000, 400, 160, 512, 64


def mel_matrix():
    def hz2mel(f):
        return 1127.0 * np.log(1.0 + f / 700.0)
    spec_mel = hz2mel(np.linspace(0.0, RATE / 2, NFFT // 2 + 1)[1:])[:, None]
    edges = np.linspace(hz2mel(125.0), hz2mel(7500.0), NMEL + 2)
    lo, c, hi = edges[:-2], edges[1:-1], edges[2:]
    w = np.maximum(0.0, np.minimum((spec_mel - lo) / (c - lo), (hi - spec_mel) / (hi - c)))
    return np.vstack([np.zeros((1, NMEL)), w])  # 257 x 64


def logmel(wave):
    n = 1 + (len(wave) - WIN) // HOP
    idx = np.arange(WIN)[None, :] + HOP * np.arange(n)[:, None]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WIN) / WIN)
    mag = np.abs(np.fft.rfft(wave[idx] * window, NFFT))
    return np.log(mag @ mel_matrix() + 0.001)


def test_signal():
    t = np.arange(15600) / RATE
    rng = np.random.default_rng(7)
    x = (0.5 * np.sin(2 * np.pi * 440 * t) * np.exp(-2 * t)
         + 0.3 * np.sin(2 * np.pi * 1500 * t + 3 * np.sin(2 * np.pi * 5 * t))
         + 0.05 * rng.uniform(-1, 1, len(t)))
    return x.astype(np.float32)


def same_pad(x, stride):
    h, w = x.shape[0], x.shape[1]
    oh, ow = -(-h // stride), -(-w // stride)
    ph = max((oh - 1) * stride + 3 - h, 0)
    pw = max((ow - 1) * stride + 3 - w, 0)
    xp = np.pad(x, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    return xp, oh, ow


def taps(x, stride):
    xp, oh, ow = same_pad(x, stride)
    for ky in range(3):
        for kx in range(3):
            yield ky, kx, xp[ky:ky + stride * (oh - 1) + 1:stride, kx:kx + stride * (ow - 1) + 1:stride, :]


class Net:
    def __init__(self, path):
        self.m = m = Model(open(path, 'rb').read())
        self.mel_in_model = None
        for op in m.ops:
            if op[0] == 'FULLY_CONNECTED':
                w = m.tensor(op[1][1])
                if w.data is not None and list(w.shape) == [64, 257] and w.type == 0:
                    self.mel_in_model = w.data.T.astype(np.float64)
                    break

    def forward(self, patch, int8=False):
        """patch: 96 x 64 log-mel -> (embedding, scores)."""
        m = self.m
        x = patch.astype(np.float64)[:, :, None]
        started = False
        emb = None

        def requant(x, k):
            t = m.tensor(k)
            if not int8 or not len(t.scale) or t.type not in (3, 9):
                return x
            s, zp = float(t.scale[0]), float(t.zero_point[0]) if len(t.zero_point) else 0.0
            lo, hi = (-128, 127) if t.type == 9 else (0, 255)
            return (np.clip(np.round(x / s) + zp, lo, hi) - zp) * s

        for op in m.ops:
            name, ins, outs = op[0], op[1], op[2]
            if name in ('CONV_2D', 'DEPTHWISE_CONV_2D'):
                if not started:
                    started = True
                    x = requant(x, ins[0])
                w = m.dequantize(m.tensor(ins[1]))
                b = m.dequantize(m.tensor(ins[2])) if len(ins) > 2 and ins[2] >= 0 else 0.0
                dw = name == 'DEPTHWISE_CONV_2D'
                stride = m.opt(op, 1, '<i', 1)
                act = m.opt(op, 4 if dw else 3, '<b', 0)
                if w.shape[1] == 1:  # 1x1
                    y = x @ w[:, 0, 0, :].T
                elif dw:
                    y = sum(t * w[0, ky, kx, :] for ky, kx, t in taps(x, stride))
                else:
                    y = sum(t @ w[:, ky, kx, :].T for ky, kx, t in taps(x, stride))
                y = y + b
                if act == 1:
                    y = np.maximum(y, 0)
                elif act == 3:
                    y = np.clip(y, 0, 6)
                x = requant(y, outs[0])
            elif not started:
                continue
            elif name == 'MEAN':
                x = requant(x.mean(axis=(0, 1)), outs[0])
                emb = x.copy()
            elif name == 'FULLY_CONNECTED':
                w = m.dequantize(m.tensor(ins[1]))
                b = m.dequantize(m.tensor(ins[2]))
                x = requant(x @ w.T + b, outs[0])
            elif name == 'LOGISTIC':
                x = requant(1 / (1 + np.exp(-x)), outs[0])
            elif name in ('SPLIT', 'RESHAPE', 'QUANTIZE', 'DEQUANTIZE'):
                pass
            else:
                raise SystemExit('unsupported op ' + name)
        return emb, x


def main(model, out):
    os.makedirs(out, exist_ok=True)
    net = Net(model)
    if net.mel_in_model is not None:
        d = np.abs(net.mel_in_model - mel_matrix()).max()
        print('yamnet-ref: mel matrix vs the model\'s: max abs diff %.3g' % d)
    sig = test_signal()
    patch = logmel(sig.astype(np.float64))[:96]
    emb, scores = net.forward(patch)
    emb8, scores8 = net.forward(patch, int8=True)
    cos = emb @ emb8 / np.linalg.norm(emb) / np.linalg.norm(emb8)
    print('yamnet-ref: float vs simulated int8 embedding cosine %.5f' % cos)
    sig.tofile(os.path.join(out, 'testsig.f32'))
    patch.astype(np.float32).tofile(os.path.join(out, 'ref_patch.f32'))
    emb.astype(np.float32).tofile(os.path.join(out, 'ref_emb.f32'))
    scores.astype(np.float32).tofile(os.path.join(out, 'ref_scores.f32'))
    emb8.astype(np.float32).tofile(os.path.join(out, 'ref_emb_int8.f32'))
    scores8.astype(np.float32).tofile(os.path.join(out, 'ref_scores_int8.f32'))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
