#!/usr/bin/env python3
"""Fixtures for test/kernels/camformer/import-torch.test.ts: PyTorch networks of the Camformer family, trained a
few steps on tiny random data and saved the ways people save them, with their eval-mode predictions.

Run with Debian's interpreter (the one with torch 1.13):  /usr/bin/python3 torch_fixture.py OUT_DIR

The networks are written here to the structure of the authors' classes (gautammalik-git/Camformer), not copied:
  * AuthorsResidualCNN follows base/model.py `CNN` (L126-211): `CNN_layers` (a ModuleList of Sequential blocks
    Conv2dSame -> BatchNorm2d -> ReLU -> [MaxPool2d] -> Dropout, Conv2dSame wrapping an nn.Conv2d as `.conv`,
    L66-123), the pairwise residual add of `forward` (L199-205), `linear_layers` of Sequential(Linear, ReLU,
    Dropout) blocks and a last Sequential(Linear) (L189-196), input [N, C, L, 1], flatten with view (L207).
  * AuthorsPlainCNN follows base/model_basic.py `CNN`: the same blocks with nn.Conv2d(padding=(p, 0)) and no adds.
  * Conv1dCNN is "a user's own re-implementation": nn.Conv1d without bias, other attribute names, input [N, C, L].
Inputs are encoded as the authors' base/utils.py `multihote` does (A, C, G, T one-hot; onehotWithP adds the purine
channel 1/0/1/0 and N = 0.25 x 4 + 0.5; onehot sets N to zeros).
"""
import json, os, sys, tarfile

import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)

ROWS = {
    "onehot": {"A": [1, 0, 0, 0], "C": [0, 1, 0, 0], "G": [0, 0, 1, 0], "T": [0, 0, 0, 1], "N": [0, 0, 0, 0]},
    "onehotWithP": {"A": [1, 0, 0, 0, 1], "C": [0, 1, 0, 0, 0], "G": [0, 0, 1, 0, 1], "T": [0, 0, 0, 1, 0],
                    "N": [0.25, 0.25, 0.25, 0.25, 0.5]},
}


def encode(seqs, encoding):
    """[N, C, L, 1], the authors' layout (unsqueeze + transpose(1, 3) of [N, L, C], base/utils.py L779-780)."""
    x = torch.tensor([[ROWS[encoding][b] for b in s] for s in seqs], dtype=torch.float32)
    return x.permute(0, 2, 1).unsqueeze(3)


def random_sequences(n, length=110, with_n=False):
    g = torch.Generator().manual_seed(n + length)
    letters = "ACGT"
    out = []
    for i in range(n):
        s = "".join(letters[j] for j in torch.randint(0, 4, (length,), generator=g).tolist())
        if with_n and i % 3 == 0:
            s = s[:40] + "NN" + s[42:]
        out.append(s)
    return out


class SamePadConv2d(nn.Module):
    """'same' padding along the sequence (left = (k - 1) // 2, the rest right) around an nn.Conv2d named `conv`."""

    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size=(k, 1))
        self.pad = [0, 0, (k - 1) // 2, k - 1 - (k - 1) // 2]  # F.pad order: (W left, W right, H left, H right)

    def forward(self, x):
        return self.conv(F.pad(x, self.pad))


def conv_block(cin, spec, same):
    k, cout = spec["kernel"], spec["channels"]
    conv = SamePadConv2d(cin, cout, k) if same else nn.Conv2d(cin, cout, kernel_size=(k, 1), padding=(spec["pad"], 0))
    layers = [conv, nn.BatchNorm2d(cout), nn.ReLU()]
    if spec.get("pool"):
        layers.append(nn.MaxPool2d(kernel_size=(spec["pool"][0], 1), stride=(spec["pool"][1], 1)))
    layers.append(nn.Dropout(spec["dropout"]))
    return nn.Sequential(*layers)


def linear_layers(size, dense):
    blocks = []
    for d in dense:
        blocks.append(nn.Sequential(nn.Linear(size, d), nn.ReLU(), nn.Dropout(0.0)))
        size = d
    blocks.append(nn.Sequential(nn.Linear(size, 1)))
    return nn.Sequential(*blocks)


def out_length(length, convs, same):
    for s in convs:
        if not same:
            length = length + 2 * s["pad"] - s["kernel"] + 1
        if s.get("pool"):
            length = (length - s["pool"][0]) // s["pool"][1] + 1
    return length


class AuthorsResidualCNN(nn.Module):
    def __init__(self, cin, convs, dense, length=110):
        super().__init__()
        self.CNN_layers = nn.ModuleList()
        for s in convs:
            self.CNN_layers.append(conv_block(cin, s, same=True))
            cin = s["channels"]
        self.linear_layers = linear_layers(cin * out_length(length, convs, True), dense)

    def forward(self, x):
        for i in range(0, len(self.CNN_layers), 2):
            x = self.CNN_layers[i](x)
            shortcut = x
            x = self.CNN_layers[i + 1](x) + shortcut
        return torch.flatten(self.linear_layers(x.view(x.size(0), -1)))


class AuthorsPlainCNN(nn.Module):
    def __init__(self, cin, convs, dense, length=110):
        super().__init__()
        self.CNN_layers = nn.ModuleList()
        for s in convs:
            self.CNN_layers.append(conv_block(cin, s, same=False))
            cin = s["channels"]
        self.linear_layers = linear_layers(cin * out_length(length, convs, False), dense)

    def forward(self, x):
        for block in self.CNN_layers:
            x = block(x)
        return torch.flatten(self.linear_layers(x.view(x.size(0), -1)))


class Conv1dCNN(nn.Module):
    """Plain CNN with nn.Conv1d (no conv bias) and its own names; takes [N, C, L] (squeezed here from [N, C, L, 1])."""

    def __init__(self, cin, convs, dense, length=110):
        super().__init__()
        self.features = nn.ModuleList()
        for s in convs:
            self.features.append(nn.ModuleDict({
                "conv": nn.Conv1d(cin, s["channels"], s["kernel"], padding=s["pad"], bias=False),
                "norm": nn.BatchNorm1d(s["channels"]),
            }))
            cin = s["channels"]
        self.pools = [s.get("pool") for s in convs]
        self.drops = [s["dropout"] for s in convs]
        self.regressor = linear_layers(cin * out_length(length, convs, False), dense)

    def forward(self, x):
        x = x.squeeze(3)
        for f, pool, p in zip(self.features, self.pools, self.drops):
            x = torch.relu(f["norm"](f["conv"](x)))
            if pool:
                x = F.max_pool1d(x, pool[0], pool[1])
            x = F.dropout(x, p, self.training)
        return torch.flatten(self.regressor(x.flatten(1)))


MINI = dict(  # base_camformer.py L50-65 (gautammalik-git/Camformer)
    convs=[dict(channels=c, kernel=k, pad=5, dropout=d, pool=(7, 2) if i == 3 else None)
           for i, (c, k, d) in enumerate(zip([384, 256, 128, 64, 128, 192], [5, 6, 6, 5, 5, 4],
                                             [0.156, 0.194, 0.231, 0.269, 0.306, 0.344]))],
    dense=[32])
SMALL = dict(  # cislab's reconstruction of Camformer-Small (src/kernels/camformer/config.ts)
    convs=[dict(channels=256, kernel=5, dropout=0.3, pool=(5, 2) if i == 4 else None) for i in range(6)],
    dense=[128, 128])
TINY_RESIDUAL = dict(  # even kernel: asymmetric 'same' padding, the Original's pool
    convs=[dict(channels=12, kernel=10, dropout=0.3, pool=(10, 4) if i == 2 else None) for i in range(4)],
    dense=[16, 8])
TINY_PLAIN = dict(
    convs=[dict(channels=16, kernel=6, pad=2, dropout=0.1, pool=(4, 2) if i == 0 else None) for i in range(2)],
    dense=[8])


def train(model, encoding, steps=4, batch=16):
    """A few AdamW steps on random sequences with random targets: weights and running statistics move."""
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    seqs = random_sequences(steps * batch)
    x = encode(seqs, encoding)
    y = torch.randn(len(seqs)) + 8
    for s in range(steps):
        xb, yb = x[s * batch:(s + 1) * batch], y[s * batch:(s + 1) * batch]
        loss = F.mse_loss(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    return opt


TEST_SEQS = random_sequences(6, with_n=True)
manifest = {"sequences": TEST_SEQS, "models": {}}


def record(name, model, encoding, files):
    with torch.no_grad():
        pred = model(encode(TEST_SEQS, encoding)).tolist()
    params = sum(p.numel() for p in model.parameters())
    manifest["models"][name] = {"encoding": encoding, "predictions": pred, "files": files, "parameters": params}


# camformer-mini as the authors build it (Conv2d, symmetric padding 5), saved four ways.
mini = AuthorsPlainCNN(5, MINI["convs"], MINI["dense"])
opt = train(mini, "onehotWithP")
torch.save(mini.state_dict(), f"{OUT}/mini_state.pt")
torch.save(mini.state_dict(), f"{OUT}/mini_state_legacy.pt", _use_new_zipfile_serialization=False)
torch.save(mini, f"{OUT}/mini_module.pt")  # what base/model_utils.py L163 does
torch.save({"epoch": 3, "model_state_dict": mini.state_dict(), "optimizer_state_dict": opt.state_dict()}, f"{OUT}/mini_checkpoint.pth")
# The authors' release layout (saved_models/README.md, demo_test.py): training_results_tr0.9/<run>/<seed>/.
run = "training_results_tr0.9/219_onehotWithP_MSE_AdamW_ReduceLROnPlateau"
with tarfile.open(f"{OUT}/Camformer_219.tar.gz", "w:gz") as tar:
    for seed in ("42", "23"):
        tar.add(f"{OUT}/mini_module.pt", arcname=f"{run}/{seed}/model.pt")
        cfg = f"{OUT}/config-{seed}.json"
        with open(cfg, "w") as f:
            json.dump({"seq_enc": "onehotWithP", "seed": int(seed), "model_args": {"out_channels": [384, 256, 128, 64, 128, 192]}}, f)
        tar.add(cfg, arcname=f"{run}/{seed}/config.json")
record("mini", mini, "onehotWithP", ["mini_state.pt", "mini_state_legacy.pt", "mini_module.pt", "mini_checkpoint.pth"])

# The Small reconstruction on the authors' residual class, trained on onehot (4 channels), saved as a module.
small = AuthorsResidualCNN(4, SMALL["convs"], SMALL["dense"])
train(small, "onehot", steps=3)
torch.save(small, f"{OUT}/small_onehot_module.pt")
record("small-onehot", small, "onehot", ["small_onehot_module.pt"])

# A tiny residual network with even kernels (a custom config), state dict.
tiny_res = AuthorsResidualCNN(5, TINY_RESIDUAL["convs"], TINY_RESIDUAL["dense"])
train(tiny_res, "onehotWithP")
torch.save(tiny_res.state_dict(), f"{OUT}/tiny_residual_state.pt")
record("tiny-residual", tiny_res, "onehotWithP", ["tiny_residual_state.pt"])

# A user's Conv1d re-implementation of a plain CNN (no conv bias), state dict.
tiny_1d = Conv1dCNN(4, TINY_PLAIN["convs"], TINY_PLAIN["dense"])
train(tiny_1d, "onehot")
torch.save(tiny_1d.state_dict(), f"{OUT}/tiny_conv1d_state.pt")
record("tiny-conv1d", tiny_1d, "onehot", ["tiny_conv1d_state.pt"])

with open(f"{OUT}/manifest.json", "w") as f:
    json.dump(manifest, f)
print(json.dumps({k: v["parameters"] for k, v in manifest["models"].items()}))
