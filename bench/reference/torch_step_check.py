#!/usr/bin/env python3
"""PyTorch reference for one training step of a cislab CNN config, from given weights and dropout masks, in
float64: the gradients of the loss and the parameters, moments and running statistics after one optimiser
step. test/kernels/camformer/onnx-trainer.test.ts compares the ONNX Runtime step with it.

  /usr/bin/python3 bench/reference/torch_step_check.py < request.json > reply.json

A list of requests gets a list of replies (one interpreter start for many checks).

Request (JSON): config (a cislab CnnConfig), weights {name: flat list} in cislab's names and tfjs layouts
(conv kernel [1, k, in, out], dense kernel [in, out] with the first one's rows ordered (position, channel)),
x [n, length, channels] flat, y [n], masks {conv1: [n, L, C] flat 0/1, dense1: [n, size] flat 0/1} for the
layers with dropout, loss ('l1'|'mse'|'huber'), huberDelta, optimizer ('adamw'|'lion'), lr, weightDecay,
beta1, beta2, epsilon. Reply: loss, grads {name: flat list}, next {name: flat list} (parameters, state and
moments `${name}/m`, `${name}/v`), all in the request's layouts.

The network is written with torch.nn.functional so that the masks can be given: conv (zero padding as
cislab's convPadding) → batch_norm(training=True, momentum) → ReLU → max_pool1d → × mask / (1 − p) →
residual add; flatten in PyTorch's (channel, position) order; linear → ReLU → × mask / (1 − p); final linear.
AdamW is torch.optim.AdamW. Lion is not in torch 1.13; it is written out from Chen et al. 2023, Algorithm 1
(p ← p·(1 − lr·λ) − lr·sign(β1·m + (1 − β1)·g); m ← β2·m + (1 − β2)·g). Conv biases are left out of the
optimiser (their gradient is zero up to rounding because batch norm follows; cislab does not train them).
"""
import json, sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def conv_padding(layer):
    if layer["padding"] == "same":
        total = layer["kernel"] - 1
        return total // 2, total - total // 2
    return tuple(layer["padding"])


def shapes(cfg):
    length, out = cfg["inputLength"], []
    for l in cfg["convs"]:
        left, right = conv_padding(l)
        length = length + left + right - l["kernel"] + 1
        if l.get("pool"):
            length = (length - l["pool"]["kernel"]) // l["pool"]["stride"] + 1
        out.append((length, l["channels"]))
    return out


def step(req):
    cfg = req["config"]
    n = len(req["y"])
    L, cin0 = cfg["inputLength"], cfg["inputChannels"]
    blocks = shapes(cfg)
    w = {k: torch.tensor(v, dtype=torch.float64) for k, v in req["weights"].items()}
    P = {}  # torch-layout leaves
    cin = cin0
    for i, l in enumerate(cfg["convs"], start=1):
        k, c = l["kernel"], l["channels"]
        P[f"conv{i}/kernel"] = w[f"conv{i}/kernel"].reshape(k, cin, c).permute(2, 1, 0).contiguous()
        for name in (f"conv{i}/bias", f"bn{i}/gamma", f"bn{i}/beta"):
            P[name] = w[name].clone()
        cin = c
    last_len, last_ch = blocks[-1]
    sizes = cfg["dense"] + [1]
    in_size = last_len * last_ch
    for j, size in enumerate(sizes, start=1):
        kernel = w[f"dense{j}/kernel"].reshape(in_size, size)
        if j == 1:  # rows (position, channel) -> columns (channel, position)
            kernel = kernel.reshape(last_len, last_ch, size).permute(1, 0, 2).reshape(in_size, size)
        P[f"dense{j}/kernel"] = kernel.t().contiguous()
        P[f"dense{j}/bias"] = w[f"dense{j}/bias"].clone()
        in_size = size
    for t in P.values():
        t.requires_grad_(True)
    running = {k: w[k].clone() for k in w if "moving" in k}

    x = torch.tensor(req["x"], dtype=torch.float64).reshape(n, L, cin0).transpose(1, 2)
    y = torch.tensor(req["y"], dtype=torch.float64)
    masks = req.get("masks", {})
    h, previous = x, None
    for i, l in enumerate(cfg["convs"], start=1):
        left, right = conv_padding(l)
        z = F.conv1d(F.pad(h, (left, right)), P[f"conv{i}/kernel"], P[f"conv{i}/bias"])
        a = F.batch_norm(z, running[f"bn{i}/movingMean"], running[f"bn{i}/movingVariance"], P[f"bn{i}/gamma"], P[f"bn{i}/beta"],
                         training=True, momentum=cfg["batchNormMomentum"], eps=cfg["batchNormEpsilon"])
        a = torch.relu(a)
        if l.get("pool"):
            a = F.max_pool1d(a, l["pool"]["kernel"], l["pool"]["stride"])
        if f"conv{i}" in masks:
            Lo, C = blocks[i - 1]
            m = torch.tensor(masks[f"conv{i}"], dtype=torch.float64).reshape(n, Lo, C).transpose(1, 2)
            a = a * m / (1 - l["dropout"])
        if i in cfg["residual"]:
            a = a + previous
        previous = h = a
    d = h.flatten(1)
    for j, size in enumerate(sizes, start=1):
        d = F.linear(d, P[f"dense{j}/kernel"], P[f"dense{j}/bias"])
        if j < len(sizes):
            d = torch.relu(d)
            if f"dense{j}" in masks:
                d = d * torch.tensor(masks[f"dense{j}"], dtype=torch.float64).reshape(n, size) / (1 - cfg["denseDropouts"][j - 1])
    pred = d.flatten()
    if req["loss"] == "l1":
        loss = F.l1_loss(pred, y)
    elif req["loss"] == "mse":
        loss = F.mse_loss(pred, y)
    else:
        loss = F.huber_loss(pred, y, delta=req.get("huberDelta", 1.0))
    loss.backward()

    def to_cislab(name, t):
        """torch layout -> the request's (tfjs) layout, flat."""
        t = t.detach()
        if name.endswith("/kernel") and name.startswith("conv"):
            return t.permute(2, 1, 0).reshape(-1).tolist()
        if name.endswith("/kernel"):
            t = t.t()
            if name == "dense1/kernel":
                t = t.reshape(last_ch, last_len, -1).permute(1, 0, 2)
            return t.reshape(-1).tolist()
        return t.reshape(-1).tolist()

    grads = {k: to_cislab(k, t.grad) for k, t in P.items() if not k.endswith("/bias") or not k.startswith("conv")}
    trained = [k for k in P if not (k.startswith("conv") and k.endswith("/bias"))]
    lr, wd, b1, b2 = req["lr"], req["weightDecay"], req["beta1"], req["beta2"]
    nxt = {}
    if req["optimizer"] == "adamw":
        opt = torch.optim.AdamW([P[k] for k in trained], lr=lr, betas=(b1, b2), eps=req["epsilon"], weight_decay=wd)
        opt.step()
        for k in trained:
            st = opt.state[P[k]]
            nxt[f"{k}/m"] = to_cislab(k, st["exp_avg"])
            nxt[f"{k}/v"] = to_cislab(k, st["exp_avg_sq"])
    else:
        with torch.no_grad():
            for k in trained:
                p, g = P[k], P[k].grad
                m = torch.zeros_like(p)
                p.mul_(1 - lr * wd).sub_(lr * torch.sign(b1 * m + (1 - b1) * g))
                nxt[f"{k}/m"] = to_cislab(k, b2 * m + (1 - b2) * g)
    for k in trained:
        nxt[k] = to_cislab(k, P[k])
    for k, t in running.items():
        nxt[k] = t.reshape(-1).tolist()
    return {"loss": float(loss), "grads": grads, "next": nxt, "torch": torch.__version__}


def main():
    req = json.load(sys.stdin)
    json.dump([step(r) for r in req] if isinstance(req, list) else step(req), sys.stdout)


if __name__ == "__main__":
    main()
