"""student.py — the sonomap-s network in torch, and YAMNet (the teacher) in the same form.

Both are chains of 3x3 convolutions, 3x3 depthwise and 1x1 pointwise convolutions with bias and
ReLU6, TensorFlow 'same' padding (the extra pad bottom/right), a global average pool giving the
1024-d embedding, then the dense layer (1024 -> 521, sigmoid). No batch norm: the teacher's is
already folded into its weights, and the student starts from the teacher's own weights
(from_teacher: the most used channels of every layer, then a least-squares refit of each layer
to the teacher's pre-activations), so the layers export to SMNN as they are (to_layers).

The student is YAMNet at half width with three of its five (1, 512) blocks: blocks 6, 7 and 10 of
the thirteen depthwise-separable blocks kept, the last pointwise layer kept at 1024 channels (the
embedding), and YAMNet's dense head, frozen.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

H, W = 96, 64
EMB, CLASSES = 1024, 521
# YAMNet: first convolution 32 channels, then (stride, channels) of its 13 blocks
T_FIRST = 32
T_BLOCKS = [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512), (1, 512), (1, 512),
            (1, 512), (1, 512), (1, 512), (2, 1024), (1, 1024)]
# the student: which teacher blocks it keeps, and at how many output channels
S_FIRST = 16
S_KEEP = [(0, 32), (1, 64), (2, 64), (3, 128), (4, 128), (5, 256), (6, 256), (7, 256), (10, 256),
          (11, 512), (12, 1024)]


def same_pad(x, stride):
    h, w = x.shape[-2:]
    ph = max((-(-h // stride) - 1) * stride + 3 - h, 0)
    pw = max((-(-w // stride) - 1) * stride + 3 - w, 0)
    return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))


class Net(nn.Module):
    """spec: [(kind 'conv'|'dw'|'pw', stride, cin, cout)]; then pool and the dense head."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        self.convs = nn.ModuleList()
        for kind, stride, cin, cout in spec:
            k = 1 if kind == 'pw' else 3
            self.convs.append(nn.Conv2d(cin, cout, k, stride=stride, groups=cin if kind == 'dw' else 1))
        self.head = nn.Linear(EMB, CLASSES)

    def forward(self, x):  # x: N x 96 x 64 log-mel -> embedding, logits
        x = x.unsqueeze(1)
        for (kind, stride, _, _), c in zip(self.spec, self.convs):
            if kind != 'pw':
                x = same_pad(x, stride)
            x = torch.clamp(c(x), 0, 6)
        e = x.mean(dim=(2, 3))
        return e, self.head(e)

    def to_layers(self):
        out = []
        for (kind, stride, cin, cout), c in zip(self.spec, self.convs):
            w = c.weight.detach().cpu().numpy()
            if kind == 'conv':    # torch [C][Cin][ky][kx] -> [C][ky][kx][Cin]
                w = w.transpose(0, 2, 3, 1)
            elif kind == 'dw':    # [C][1][ky][kx] -> [ky][kx][C]
                w = w[:, 0].transpose(1, 2, 0)
            else:                 # [C][Cin][1][1] -> [C][Cin]
                w = w[:, :, 0, 0]
            out.append(dict(op=kind, act='relu6', stride=stride, cout=cout, w=np.ascontiguousarray(w),
                            b=c.bias.detach().cpu().numpy()))
        out.append(dict(op='pool', act='none', stride=1, cout=EMB, w=None, b=None))
        out.append(dict(op='dense', act='sigmoid', stride=1, cout=CLASSES,
                        w=self.head.weight.detach().cpu().numpy(), b=self.head.bias.detach().cpu().numpy()))
        return out


def spec_of(first, blocks):
    spec, c = [('conv', 2, 1, first)], first
    for s, co in blocks:
        spec += [('dw', s, c, c), ('pw', 1, c, co)]
        c = co
    return spec


def student_spec():
    return spec_of(S_FIRST, [(T_BLOCKS[b][0], c) for b, c in S_KEEP])


def macs_params(spec):
    """Multiply-adds per patch (as sm_model_macs counts them) and parameters."""
    h, w, macs, params = H, W, 0, 0
    for kind, s, cin, co in spec:
        if kind != 'pw':
            h, w = -(-h // s), -(-w // s)
        n = {'conv': co * 9 * cin, 'dw': 9 * cin, 'pw': co * cin}[kind]
        macs += h * w * n
        params += n + co
    return macs + EMB * CLASSES, params + EMB * CLASSES + CLASSES


def teacher_net(smnn_model):
    """YAMNet as a Net, from smnn.read() of the imported teacher."""
    L = smnn_model['layers']
    spec = spec_of(T_FIRST, T_BLOCKS)
    net = Net(spec)
    convs = [l for l in L if l['op'] in ('conv', 'dw', 'pw')]
    dense = [l for l in L if l['op'] == 'dense']
    assert len(convs) == len(spec) and len(dense) == 1, 'not the YAMNet layout'
    with torch.no_grad():
        for (kind, s, cin, co), c, l in zip(spec, net.convs, convs):
            w = l['w']
            if kind == 'conv':
                w = w.reshape(co, 3, 3, cin).transpose(0, 3, 1, 2)
            elif kind == 'dw':
                w = w.reshape(3, 3, co).transpose(2, 0, 1)[:, None]
            else:
                w = w.reshape(co, cin)[:, :, None, None]
            c.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            c.bias.copy_(torch.from_numpy(l['b']))
        net.head.weight.copy_(torch.from_numpy(dense[0]['w'].reshape(CLASSES, EMB)))
        net.head.bias.copy_(torch.from_numpy(dense[0]['b']))
    return net


def from_teacher(teacher, calib):
    """The student initialised from the teacher: every kept layer takes the teacher's weights of
    the channels it keeps. A layer's output channels are ranked by mean activation on the
    calibration patches times the size of what the next block does with them (its depthwise
    kernel and pointwise column); the last layer keeps all 1024."""
    acts = []
    with torch.no_grad():
        x = calib.unsqueeze(1)
        for (kind, stride, _, _), c in zip(teacher.spec, teacher.convs):
            if kind != 'pw':
                x = same_pad(x, stride)
            x = torch.clamp(c(x), 0, 6)
            acts.append(x.mean(dim=(0, 2, 3)))
    tconv = teacher.convs

    def t_layer(block, part):  # teacher layer index: 0 conv, then dw/pw of each block
        return 0 if block < 0 else 1 + 2 * block + part

    def importance(layer, next_block):
        a = acts[layer]
        if next_block is None:
            return a
        dw = tconv[t_layer(next_block, 0)].weight.detach().abs().sum(dim=(1, 2, 3))
        pw = tconv[t_layer(next_block, 1)].weight.detach()[:, :, 0, 0].norm(dim=0)
        return a * dw * pw

    keeps = [-1] + [b for b, _ in S_KEEP]
    widths = [S_FIRST] + [c for _, c in S_KEEP]
    chosen = []
    for i, (b, wd) in enumerate(zip(keeps, widths)):
        nxt = keeps[i + 1] if i + 1 < len(keeps) else None
        layer = t_layer(b, 1)
        imp = importance(layer, nxt)
        idx = torch.argsort(imp, descending=True)[:wd].sort().values if wd < len(imp) else torch.arange(len(imp))
        chosen.append(idx)
    net = Net(student_spec())
    with torch.no_grad():
        net.convs[0].weight.copy_(tconv[0].weight[chosen[0]])
        net.convs[0].bias.copy_(tconv[0].bias[chosen[0]])
        for i, (b, _) in enumerate(S_KEEP):
            cin, cout = chosen[i], chosen[i + 1]
            dw, pw = tconv[t_layer(b, 0)], tconv[t_layer(b, 1)]
            net.convs[1 + 2 * i].weight.copy_(dw.weight[cin])
            net.convs[1 + 2 * i].bias.copy_(dw.bias[cin])
            net.convs[2 + 2 * i].weight.copy_(pw.weight[cout][:, cin])
            net.convs[2 + 2 * i].bias.copy_(pw.bias[cout])
        net.head.load_state_dict(teacher.head.state_dict())
    # which teacher layer and output channels every student layer stands for
    tmap = [(0, chosen[0])]
    for i, (b, _) in enumerate(S_KEEP):
        tmap += [(t_layer(b, 0), chosen[i]), (t_layer(b, 1), chosen[i + 1])]
    refit(net, teacher, calib, tmap)
    return net


def refit(net, teacher, calib, tmap, chunk=128, ridge=1e-3):
    """Least-squares refit of every depthwise and pointwise layer of the pruned student, in
    order: its weights and bias are solved (ridge regression, normal equations accumulated over
    the calibration patches) so that its pre-activations on the student's own inputs reproduce
    the teacher's pre-activations of the channels it stands for."""
    def layer(net_, j, x):
        kind, stride, _, _ = net_.spec[j]
        return net_.convs[j](same_pad(x, stride) if kind != 'pw' else x)

    with torch.no_grad():
        t_act, s_act, j = calib.unsqueeze(1), calib.unsqueeze(1), 0
        for t in range(len(teacher.spec)):
            t_pre = torch.cat([layer(teacher, t, t_act[k:k + chunk]) for k in range(0, len(calib), chunk)])
            if j < len(net.spec) and tmap[j][0] == t:
                kind, stride, cin, cout = net.spec[j]
                y = t_pre[:, tmap[j][1]]
                conv = net.convs[j]
                if kind == 'pw':
                    A = torch.zeros(cin + 1, cin + 1, dtype=torch.float64)
                    B = torch.zeros(cin + 1, cout, dtype=torch.float64)
                    for k in range(0, len(calib), chunk):
                        x = s_act[k:k + chunk].permute(0, 2, 3, 1).reshape(-1, cin)
                        x = torch.cat([x, torch.ones(len(x), 1)], 1).double()
                        yy = y[k:k + chunk].permute(0, 2, 3, 1).reshape(-1, cout).double()
                        A += x.T @ x
                        B += x.T @ yy
                    A += ridge * torch.trace(A) / (cin + 1) * torch.eye(cin + 1, dtype=torch.float64)
                    sol = torch.linalg.solve(A, B).float()  # (cin + 1) x cout
                    conv.weight.copy_(sol[:cin].T[:, :, None, None])
                    conv.bias.copy_(sol[cin])
                elif kind == 'dw':
                    A = torch.zeros(cin, 10, 10, dtype=torch.float64)
                    B = torch.zeros(cin, 10, 1, dtype=torch.float64)
                    for k in range(0, len(calib), chunk):
                        xp = same_pad(s_act[k:k + chunk], stride)
                        u = F.unfold(xp, 3, stride=stride)  # n x (cin * 9) x L
                        n_, _, L = u.shape
                        u = u.view(n_, cin, 9, L).permute(1, 0, 3, 2).reshape(cin, n_ * L, 9)
                        u = torch.cat([u, torch.ones(cin, n_ * L, 1)], 2).double()
                        yy = y[k:k + chunk].permute(1, 0, 2, 3).reshape(cin, -1, 1).double()
                        A += u.transpose(1, 2) @ u
                        B += u.transpose(1, 2) @ yy
                    tr = A.diagonal(dim1=1, dim2=2).sum(1) / 10
                    A += ridge * tr[:, None, None] * torch.eye(10, dtype=torch.float64)
                    sol = torch.linalg.solve(A, B)[:, :, 0].float()  # cin x 10
                    conv.weight.copy_(sol[:, :9].reshape(cin, 1, 3, 3))
                    conv.bias.copy_(sol[:, 9])
                s_act = torch.cat([torch.clamp(layer(net, j, s_act[k:k + chunk]), 0, 6) for k in range(0, len(calib), chunk)])
                j += 1
            t_act = torch.clamp(t_pre, 0, 6)
