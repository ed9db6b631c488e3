#!/usr/bin/env python3
"""PyTorch reference attributions for a saved cislab model: the same network (weights read from the model
directory), the same sequences and DeepLIFT references, the same rules, timed per method.

  /usr/bin/python3 bench/reference/torch_attribute.py --model DIR --sequences FILE --references FILE \
      [--methods saliency,input-gradient,integrated-gradients,deeplift-shap] [--steps 50] [--batch 128] \
      [--threads 2] [--out-prefix PATH]

Prints one JSON line per method: method, sequences, seconds, seq_per_s, max_rss_mb, and with --out-prefix
writes the projected attributions (region positions 18-97, one row per sequence) to PATH.<method>.txt.

The rules, written here independently of cislab's TypeScript:
- saliency / input x gradient: the input gradient; projected value = sum over channels of x * grad.
- integrated gradients: the baseline is the input with every channel zero inside the region (Captum's zero
  baseline there), Gauss-Legendre points and weights on [0, 1] (numpy.polynomial.legendre.leggauss).
- DeepLIFT/SHAP: inputs and references stacked [x; r]; ReLU and max-pool are autograd Functions whose
  backward is the rescale rule (tangermeme's deep_lift_shap.py `_nonlinear` and `_maxpool`), with max-pool
  shares added back by scatter_add (tangermeme's max_unpool1d assigns, which loses shares where windows
  overlap; --unpool assign reproduces that for comparison). Projected value = mean over references of
  sum over channels of (x - r) * m.
"""
import argparse, json, os, resource, sys, time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

REGION = (18, 97)
BASE_ROWS = {"A": [1, 0, 0, 0, 1], "C": [0, 1, 0, 0, 0], "G": [0, 0, 1, 0, 1], "T": [0, 0, 0, 1, 0], "N": [0.25, 0.25, 0.25, 0.25, 0.5]}


def encode(seqs, encoding):
    ch = 5 if encoding == "onehotWithP" else 4
    out = np.zeros((len(seqs), len(seqs[0]), ch), dtype=np.float32)
    for i, s in enumerate(seqs):
        for j, b in enumerate(s):
            row = BASE_ROWS[b] if not (encoding == "onehot" and b == "N") else [0] * 5
            out[i, j] = row[:ch]
    return out


class RescaleReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z):
        y = torch.relu(z)
        ctx.save_for_backward(z, y)
        return y

    @staticmethod
    def backward(ctx, dy):
        z, y = ctx.saved_tensors
        zx, zr = z.chunk(2)
        yx, yr = y.chunk(2)
        d_in = zx - zr
        small = (d_in.abs() < 1e-6).repeat(2, *[1] * (z.dim() - 1))
        ratio = ((yx - yr) / torch.where(d_in.abs() < 1e-6, torch.ones_like(d_in), d_in)).repeat(2, *[1] * (z.dim() - 1))
        return torch.where(small, dy * (z > 0).float(), dy * ratio)


def rescale_maxpool(assign):
    class RescaleMaxPool(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t, k, s):
            y, idx = F.max_pool1d(t, k, s, return_indices=True)
            ctx.save_for_backward(t, y, idx)
            ctx.k, ctx.s = k, s
            return y

        @staticmethod
        def backward(ctx, dy):
            t, y, idx = ctx.saved_tensors
            yx, yr = y.chunk(2)
            top = torch.maximum(yx, yr)
            gx, gr = dy.chunk(2)
            ix, ir = idx.chunk(2)
            L = t.shape[-1]
            if assign:  # tangermeme: max_unpool1d of both shares (assignment where windows share an argmax)
                shares = F.max_unpool1d(gx * (top - yr), ix, ctx.k, ctx.s, output_size=[L]) + F.max_unpool1d(gr * (yx - top), ir, ctx.k, ctx.s, output_size=[L])
                plain = F.max_unpool1d(dy, idx, ctx.k, ctx.s, output_size=[L])
            else:
                zeros = torch.zeros_like(t[: t.shape[0] // 2])
                shares = zeros.scatter_add(2, ix, gx * (top - yr)).scatter_add(2, ir, gr * (yx - top))
                plain = torch.zeros_like(t).scatter_add(2, idx, dy)
            tx, tr = t.chunk(2)
            d_in = tx - tr
            small = d_in.abs() < 1e-7
            m = shares / torch.where(small, torch.ones_like(d_in), d_in)
            return torch.where(small.repeat(2, 1, 1), plain, m.repeat(2, 1, 1)), None, None
    return RescaleMaxPool


class Net(nn.Module):
    """cislab's Camformer-family network: conv -> batch norm (eval) -> ReLU -> max-pool per block, dense head."""

    def __init__(self, model_dir):
        super().__init__()
        cfg = json.load(open(os.path.join(model_dir, "config.json")))
        raw = np.fromfile(os.path.join(model_dir, "weights.bin"), dtype="<f4")
        tensors = {e["name"]: raw[e["offset"]:e["offset"] + int(np.prod(e["shape"]))].reshape(e["shape"]) for e in cfg["params"] + cfg["state"]}
        a = cfg["architecture"]
        self.encoding, self.eps, self.residual = a["encoding"], a["batchNormEpsilon"], set(a["residual"])
        self.blocks = []
        length = a["inputLength"]
        for i, layer in enumerate(a["convs"], start=1):
            k = layer["kernel"]
            pad = ((k - 1) // 2, k - 1 - (k - 1) // 2) if layer["padding"] == "same" else tuple(layer["padding"])
            w = torch.from_numpy(np.ascontiguousarray(tensors[f"conv{i}/kernel"][0].transpose(2, 1, 0)))  # [k, cin, cout] -> [cout, cin, k]
            bn = [torch.from_numpy(tensors[n].copy()) for n in (f"conv{i}/bias", f"bn{i}/gamma", f"bn{i}/beta", f"bn{i}/movingMean", f"bn{i}/movingVariance")]
            pool = (layer["pool"]["kernel"], layer["pool"]["stride"]) if layer.get("pool") else None
            self.blocks.append((pad, w, bn, pool))
            length = length + pad[0] + pad[1] - k + 1
            if pool:
                length = (length - pool[0]) // pool[1] + 1
        channels = a["convs"][-1]["channels"]
        self.dense = []
        for j in range(len(a["dense"]) + 1):
            kernel = tensors[f"dense{j + 1}/kernel"]
            if j == 0:  # cislab flattens [L, C] (position-major); here x is [C, L]: reorder the rows
                kernel = kernel.reshape(length, channels, -1).transpose(1, 0, 2).reshape(length * channels, -1)
            self.dense.append((torch.from_numpy(np.ascontiguousarray(kernel)), torch.from_numpy(tensors[f"dense{j + 1}/bias"].copy())))

    def forward(self, x, relu=torch.relu, maxpool=None, taps=None):
        """f(x); `taps`, when a list, receives each block's output [n, C, positions] before its residual add."""
        h = x.transpose(1, 2)
        previous = None
        for i, (pad, w, (bias, gamma, beta, mean, var), pool) in enumerate(self.blocks, start=1):
            z = F.conv1d(F.pad(h, pad), w, bias)
            z = (z - mean[:, None]) / torch.sqrt(var[:, None] + self.eps) * gamma[:, None] + beta[:, None]
            a = relu(z)
            if pool:
                a = maxpool(a, *pool) if maxpool else F.max_pool1d(a, *pool)
            if taps is not None:
                taps.append(a)
            if i in self.residual:
                a = a + previous
            previous = h = a
        d = h.flatten(1)
        for j, (kernel, bias) in enumerate(self.dense):
            d = d @ kernel + bias
            if j < len(self.dense) - 1:
                d = relu(d)
        return d[:, 0]


def resample(maps, to):
    """Linear interpolation of [n, positions] maps to `to` positions, aligning position centres (cislab's `resample`)."""
    frm = maps.shape[1]
    if frm == to:
        return maps
    at = ((torch.arange(to, dtype=torch.float64) + 0.5) * frm / to - 0.5).clamp(0, frm - 1)
    lo = at.floor().long()
    hi = (lo + 1).clamp(max=frm - 1)
    return maps[:, lo] + (maps[:, hi] - maps[:, lo]) * (at - lo).to(maps.dtype)


def projected(diff, grad):
    lo, hi = REGION
    return (diff * grad)[:, lo - 1:hi, :].sum(-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--sequences", required=True)
    ap.add_argument("--references", required=True, help="references per sequence, in order (n_references lines per sequence)")
    ap.add_argument("--methods", default="saliency,input-gradient,integrated-gradients,deeplift-shap")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--unpool", choices=["add", "assign"], default="add")
    ap.add_argument("--out-prefix")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    net = Net(a.model)
    seqs = [l.strip() for l in open(a.sequences) if l.strip()]
    refs = [l.strip() for l in open(a.references) if l.strip()]
    n_refs = len(refs) // len(seqs)
    lo, hi = REGION
    pool = rescale_maxpool(a.unpool == "assign")
    for method in a.methods.split(","):
        started = time.perf_counter()
        out, gaps = [], []
        x_all = torch.from_numpy(encode(seqs, net.encoding))
        if method in ("saliency", "input-gradient"):
            for first in range(0, len(seqs), a.batch):
                x = x_all[first:first + a.batch].clone().requires_grad_()
                g, = torch.autograd.grad(net(x).sum(), x)
                out.append(projected(x.detach(), g))
        elif method == "gradcam":  # standard Grad-CAM (Selvaraju et al.) of every block output, upsampled to the input
            for first in range(0, len(seqs), a.batch):
                x = x_all[first:first + a.batch].clone().requires_grad_()  # the weights are constants: give autograd a graph
                taps = []
                y = net(x, taps=taps)
                grads = torch.autograd.grad(y.sum(), taps)
                maps = [resample(torch.relu((g.mean(2, keepdim=True) * t).sum(1)), x.shape[1]) for t, g in zip(taps, grads)]
                out.append(torch.stack(maps, 1).reshape(len(x), -1))
        elif method == "integrated-gradients":
            points, weights = np.polynomial.legendre.leggauss(a.steps)
            alphas, w = (points + 1) / 2, weights / 2
            per = max(1, a.batch // a.steps)
            for first in range(0, len(seqs), per):
                x = x_all[first:first + per]
                b = x.clone()
                b[:, lo - 1:hi, :] = 0
                path = torch.cat([b + float(al) * (x - b) for al in alphas]).requires_grad_()
                g, = torch.autograd.grad(net(path).sum(), path)
                avg = (g.reshape(a.steps, len(x), *x.shape[1:]) * torch.from_numpy(w.astype(np.float32))[:, None, None, None]).sum(0)
                out.append(projected(x - b, avg))
        elif method == "deeplift-shap":
            r_all = torch.from_numpy(encode(refs, net.encoding))
            per = max(1, a.batch // n_refs)
            for first in range(0, len(seqs), per):
                x = x_all[first:first + per].repeat_interleave(n_refs, 0).clone().requires_grad_()
                r = r_all[first * n_refs:(first + per) * n_refs]
                y = net(torch.cat([x, r]), relu=RescaleReLU.apply, maxpool=pool.apply)
                m, = torch.autograd.grad(y.sum(), x)
                contrib = projected((x - r).detach(), m)
                yx, yr = y.detach().chunk(2)
                gaps.append(((contrib.sum(1) - (yx - yr)).abs() / (yx - yr).abs().clamp_min(1e-12)).max().item())
                out.append(contrib.reshape(-1, n_refs, contrib.shape[1]).mean(1))
        else:
            raise SystemExit(f"unknown method {method}")
        seconds = time.perf_counter() - started
        values = torch.cat(out).detach().numpy()
        if a.out_prefix:
            np.savetxt(f"{a.out_prefix}.{method}.txt", values, fmt="%.8g")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        line = {"method": method, "sequences": len(seqs), "seconds": seconds, "seq_per_s": len(seqs) / seconds, "max_rss_mb": rss}
        if gaps:
            line["worst_pair_completeness_gap"] = max(gaps)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
