#!/usr/bin/env python3
"""PyTorch reference for cislab's Camformer family: the same networks, the same training recipe.

Run with Debian's interpreter (the one that has torch):
  /usr/bin/python3 bench/reference/torch_models.py bench   [--models camformer-mini,...] [--batches 3]
  /usr/bin/python3 bench/reference/torch_models.py train   --train FILE --test FILE.tsv.gz [--epochs 5] [--seed 7]
                                                           [--val-index FILE] [--pred-out FILE]
Every command prints one JSON object per result line on stdout. Threads: 2 (--threads).
"""
import argparse, gzip, json, math, random, sys, time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(2)


def preset(name):
    if name == "camformer":
        convs = [dict(channels=512, kernel=10, padding="same", dropout=0.3,
                      pool=(10, 4) if i == 4 else None) for i in range(6)]
        return dict(encoding="onehot", in_ch=4, length=110, convs=convs, residual=[2, 4, 6], dense=[256, 256])
    if name == "camformer-small":  # cislab's reconstruction (src/kernels/camformer/config.ts): every size halved
        convs = [dict(channels=256, kernel=5, padding="same", dropout=0.3,
                      pool=(5, 2) if i == 4 else None) for i in range(6)]
        return dict(encoding="onehotWithP", in_ch=5, length=110, convs=convs, residual=[2, 4, 6], dense=[128, 128])
    if name == "camformer-mini":
        chs, ks = [384, 256, 128, 64, 128, 192], [5, 6, 6, 5, 5, 4]
        drops = [0.156, 0.194, 0.231, 0.269, 0.306, 0.344]
        convs = [dict(channels=c, kernel=k, padding=(5, 5), dropout=d, pool=(7, 2) if i == 3 else None)
                 for i, (c, k, d) in enumerate(zip(chs, ks, drops))]
        return dict(encoding="onehotWithP", in_ch=5, length=110, convs=convs, residual=[], dense=[32])
    raise ValueError(name)


class Block(nn.Module):
    def __init__(self, cin, spec):
        super().__init__()
        k = spec["kernel"]
        pad = ((k - 1) // 2, k - 1 - (k - 1) // 2) if spec["padding"] == "same" else tuple(spec["padding"])
        self.pad = nn.ConstantPad1d(pad, 0.0)
        self.conv = nn.Conv1d(cin, spec["channels"], k)
        self.bn = nn.BatchNorm1d(spec["channels"])
        self.pool = nn.MaxPool1d(*spec["pool"]) if spec["pool"] else nn.Identity()
        self.drop = nn.Dropout(spec["dropout"])

    def forward(self, x):
        return self.drop(self.pool(torch.relu(self.bn(self.conv(self.pad(x))))))


class CNN(nn.Module):
    """Input [N, L, C] (channels last, as cislab encodes); transposed once to PyTorch's [N, C, L]."""

    def __init__(self, cfg):
        super().__init__()
        self.residual = set(cfg["residual"])
        blocks, cin, length = [], cfg["in_ch"], cfg["length"]
        for s in cfg["convs"]:
            blocks.append(Block(cin, s))
            cin = s["channels"]
            k = s["kernel"]
            pad = k - 1 if s["padding"] == "same" else sum(s["padding"])
            length = length + pad - k + 1
            if s["pool"]:
                length = (length - s["pool"][0]) // s["pool"][1] + 1
        self.blocks = nn.ModuleList(blocks)
        layers, size = [], cin * length
        for d in cfg["dense"]:
            layers += [nn.Linear(size, d), nn.ReLU()]
            size = d
        layers.append(nn.Linear(size, 1))
        self.head = nn.Sequential(*layers)
        for m in self.modules():  # He initialisation, zero biases (as Camformer)
            if isinstance(m, (nn.Conv1d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = x.transpose(1, 2)
        prev = None
        for i, b in enumerate(self.blocks, start=1):
            y = b(x)
            if i in self.residual:
                y = y + prev_out
            prev_out = y
            x = y
        return self.head(x.flatten(1)).flatten()


def encode(seqs, encoding, length=110):
    table = {"A": [1, 0, 0, 0, 1], "C": [0, 1, 0, 0, 0], "G": [0, 0, 1, 0, 1], "T": [0, 0, 0, 1, 0],
             "N": [0.25, 0.25, 0.25, 0.25, 0.5]}
    ch = 5 if encoding == "onehotWithP" else 4
    out = np.zeros((len(seqs), length, ch), dtype=np.float32)
    for i, s in enumerate(seqs):
        s = (s.upper() + "N" * length)[:length]
        for j, b in enumerate(s):
            row = table.get(b, table["N"])
            if encoding == "onehot" and b == "N":
                row = [0, 0, 0, 0, 0]
            out[i, j] = row[:ch]
    return out


def bench(models, batches, batch_size=256):
    for name in models:
        cfg = preset(name)
        torch.manual_seed(0)
        m = CNN(cfg)
        params = sum(p.numel() for p in m.parameters() if p.requires_grad)
        x = torch.randn(batch_size, cfg["length"], cfg["in_ch"])
        y = torch.randn(batch_size)
        opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=1e-3)
        m.train()
        def step():
            opt.zero_grad()
            loss = nn.functional.l1_loss(m(x), y)
            loss.backward()
            opt.step()
        step()  # warm-up
        t, c = time.perf_counter(), time.process_time()
        for _ in range(batches):
            step()
        train = batches * batch_size / (time.perf_counter() - t)
        train_cpu = batches * batch_size / (time.process_time() - c)
        m.eval()
        with torch.no_grad():
            m(x)
            t, c = time.perf_counter(), time.process_time()
            for _ in range(batches):
                m(x)
            pred = batches * batch_size / (time.perf_counter() - t)
            pred_cpu = batches * batch_size / (time.process_time() - c)
        print(json.dumps(dict(model=name, params=params, train_seq_s=round(train, 1), predict_seq_s=round(pred, 1),
                              train_seq_per_cpu_s=round(train_cpu, 1), predict_seq_per_cpu_s=round(pred_cpu, 1),
                              threads=torch.get_num_threads(), torch=torch.__version__)), flush=True)


def pearson(a, b):
    return float(np.corrcoef(a, b)[0, 1])


def spearman(a, b):
    ra = np.argsort(np.argsort(a)); rb = np.argsort(np.argsort(b))
    return pearson(ra.astype(float), rb.astype(float))


def train_eval(args):
    """Same recipe as cislab's fit(): 8% seeded validation, L1, AdamW(1e-3, 1e-3), batch 256,
    ReduceLROnPlateau on val r+rho (factor 0.5, patience 2), early stopping (patience 5), best weights kept."""
    random.seed(args.seed); np.random.seed(args.seed); torch.manual_seed(args.seed)
    rows = [l.rstrip("\n").split("\t") for l in open(args.train) if l.strip()]
    seqs = [r[0] for r in rows]; expr = np.array([float(r[1]) for r in rows], dtype=np.float32)
    cfg = preset(args.model)
    x = torch.from_numpy(encode(seqs, cfg["encoding"])); y = torch.from_numpy(expr)
    if args.val_index:  # the exact hold-out cislab used (train-dream-demo --val-index-out)
        val = np.array(json.load(open(args.val_index)), dtype=np.int64)
        tr = np.setdiff1d(np.arange(len(seqs)), val)
    else:
        perm = np.random.RandomState(args.seed).permutation(len(seqs))
        nval = round(0.08 * len(seqs)); val, tr = perm[:nval], perm[nval:]
    m = CNN(cfg)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=2)
    best, best_state, bad, t0 = -math.inf, None, 0, time.time()
    for epoch in range(args.epochs):
        m.train()
        order = tr[np.random.permutation(len(tr))]
        for i in range(0, len(order), 256):
            idx = torch.from_numpy(order[i:i + 256])
            opt.zero_grad()
            loss = nn.functional.l1_loss(m(x[idx]), y[idx])
            loss.backward(); opt.step()
        m.eval()
        with torch.no_grad():
            pv = m(x[torch.from_numpy(val)]).numpy()
        r, rho = pearson(pv, expr[val]), spearman(pv, expr[val])
        sched.step(r + rho)
        print(json.dumps(dict(epoch=epoch + 1, val_r=r, val_rho=rho, seconds=round(time.time() - t0, 1))), flush=True)
        if r + rho > best:
            best, bad = r + rho, 0
            best_state = {k: v.clone() for k, v in m.state_dict().items()}
        else:
            bad += 1
            if bad >= args.patience:
                break
    m.load_state_dict(best_state); m.eval()
    with gzip.open(args.test, "rt") as f:
        header = f.readline().rstrip("\n").split("\t")
        si, ei = header.index("sequence"), header.index("measured_expr")
        test = [l.rstrip("\n").split("\t") for l in f]
    tx = torch.from_numpy(encode([t[si] for t in test], cfg["encoding"]))
    ty = np.array([float(t[ei]) for t in test])
    with torch.no_grad():
        pred = np.concatenate([m(tx[i:i + 4096]).numpy() for i in range(0, len(tx), 4096)])
    if args.pred_out:  # one prediction per line, test-file order (as train-dream-demo.ts --pred-out)
        np.savetxt(args.pred_out, pred, fmt="%.7g")
    print(json.dumps(dict(model=args.model, seed=args.seed, epochs=args.epochs, test_n=len(ty), test_r=pearson(pred, ty),
                          test_rho=spearman(pred, ty), pred_mean=float(pred.mean()), measured_mean=float(ty.mean()),
                          seconds=round(time.time() - t0, 1))), flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["bench", "train"])
    p.add_argument("--models", default="camformer-mini,camformer-small,camformer")
    p.add_argument("--model", default="camformer-mini")
    p.add_argument("--batches", type=int, default=3)
    p.add_argument("--train"); p.add_argument("--test"); p.add_argument("--out")
    p.add_argument("--epochs", type=int, default=5); p.add_argument("--seed", type=int, default=7)
    p.add_argument("--patience", type=int, default=5)
    p.add_argument("--val-index", help="JSON list of 0-based training rows to hold out for validation")
    p.add_argument("--pred-out", help="write the test predictions here, one per line")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.command == "bench":
        bench(a.models.split(","), a.batches)
    else:
        train_eval(a)

