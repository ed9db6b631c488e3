#!/usr/bin/env python3
"""Reference values for test/kernels/tensor/schedules.test.ts, computed with PyTorch 1.13's own schedulers, loss
and optimiser (Debian's python3-torch): run with /usr/bin/python3 schedule_fixture.py > out.json.

Every case records its inputs beside PyTorch's outputs, so the test feeds cislab the same inputs:
  plateau_*  : torch.optim.lr_scheduler.ReduceLROnPlateau stepped once per "epoch" on a scripted metric;
               the learning rate after each step.
  onecycle_* : torch.optim.lr_scheduler.OneCycleLR stepped once per batch; the learning rate and the momentum
               (AdamW's beta1, SGD's momentum) in force at each optimiser step.
  adamw_cycle: AdamW (betas 0.9, 0.999; weight decay 1e-3) on fixed gradients with OneCycleLR cycling beta1 — the
               parameters after every step (the per-step beta1 reaching the update and its bias correction).
  huber      : torch.nn.HuberLoss(delta) on fixed predictions and targets.
  clip       : torch.nn.utils.clip_grad_norm_ on fixed gradients.
"""
import json
import math

import torch

torch.set_default_dtype(torch.float64)


def plateau(metrics, lr=1e-3, **kwargs):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    lrs = []
    for m in metrics:
        sched.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    return {"metrics": [None if math.isnan(m) else m for m in metrics], "lr": lr, "options": kwargs, "lrs": lrs}


def onecycle(optimizer, total_steps, max_lr, **kwargs):
    p = torch.nn.Parameter(torch.zeros(1))
    if optimizer == "adamw":
        opt = torch.optim.AdamW([p], lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-3)
    else:
        opt = torch.optim.SGD([p], lr=1e-3, momentum=0.9)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=total_steps, **kwargs)
    lrs, momenta = [], []
    for _ in range(total_steps):
        group = opt.param_groups[0]
        lrs.append(group["lr"])
        momenta.append(group["betas"][0] if optimizer == "adamw" else group["momentum"])
        p.grad = torch.ones(1)
        opt.step()
        sched.step()
    return {"optimizer": optimizer, "total_steps": total_steps, "max_lr": max_lr, "options": kwargs, "lrs": lrs, "momenta": momenta}


# Validation losses with real improvements, improvements below the relative threshold (1e-4), plateaus and a NaN.
losses = []
value = 1.0
for epoch in range(70):
    if epoch < 8:
        value *= 0.9  # clear improvements
    elif epoch % 13 == 0:
        value *= 0.97  # an occasional real improvement
    elif epoch % 5 == 0:
        value *= 1 - 5e-5  # better, but not by the relative threshold
    elif epoch == 41:
        value = float("nan")
        losses.append(value)
        value = losses[-2]
        continue
    else:
        value *= 1.001  # worse
    losses.append(value)

scores = [0.1, 0.3, 0.35, 0.36, 0.355, 0.37, 0.369, 0.368, 0.38, 0.375, 0.37, 0.36, 0.39, 0.385, 0.384, 0.383, 0.382, 0.381, 0.38, 0.379]
negative = [-1.0, -1.2, -1.25, -1.2501, -1.24, -1.3, -1.29, -1.28, -1.3001, -1.27, -1.26, -1.35, -1.34, -1.33, -1.32, -1.31]

cases = {
    "plateau_torch_default": plateau(losses, 1e-3, mode="min"),
    "plateau_max_abs_cooldown": plateau(scores, 1e-2, mode="max", factor=0.5, patience=2, threshold=0.01, threshold_mode="abs", cooldown=2, min_lr=1e-4),
    "plateau_min_rel_negative": plateau(negative, 1e-2, mode="min", factor=0.3, patience=1, threshold=1e-3, threshold_mode="rel", cooldown=1, min_lr=1e-5),
    "onecycle_adamw": onecycle("adamw", 7 * 5, 0.01),
    "onecycle_adamw_long": onecycle("adamw", 97 * 50, 0.01),
    "onecycle_sgd_short": onecycle("sgd", 10, 0.1, pct_start=0.25, div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9),
}

# AdamW with beta1 cycled by OneCycleLR, on fixed gradients (float32 parameters, as cislab's tfjs holds them).
torch.set_default_dtype(torch.float32)
steps = 24
p = torch.nn.Parameter(torch.tensor([0.5, -0.25, 1.0, 0.0]))
start = p.detach().clone()
opt = torch.optim.AdamW([p], lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.01, total_steps=steps)
grads, params = [], []
for t in range(steps):
    g = torch.tensor([math.sin(t + i) + 0.1 * i for i in range(4)])
    grads.append(g.tolist())
    p.grad = g.clone()
    opt.step()
    sched.step()
    params.append(p.detach().tolist())
cases["adamw_cycle"] = {"start": start.tolist(), "grads": grads, "params": params, "steps": steps}

pred = torch.tensor([0.0, 2.0, -1.5, 0.3, 0.89, -0.91, 5.0])
target = torch.tensor([0.5, 0.0, 0.0, 0.3, 0.0, 0.0, 1.0])
cases["huber"] = {
    "pred": pred.tolist(), "target": target.tolist(),
    "delta09": torch.nn.HuberLoss(delta=0.9)(pred, target).item(),
    "delta1": torch.nn.HuberLoss()(pred, target).item(),
    "smooth_l1": torch.nn.functional.smooth_l1_loss(pred, target).item(),
}

w = [torch.tensor([[3.0, -4.0], [1.0, 2.0]]), torch.tensor([0.5, -0.5])]
for g in w:
    g.requires_grad_(True)
    g.grad = g.detach().clone()
norm = torch.nn.utils.clip_grad_norm_(w, max_norm=1.0)
cases["clip"] = {"grads": [[3.0, -4.0, 1.0, 2.0], [0.5, -0.5]], "norm": norm.item(), "clipped": [w[0].grad.flatten().tolist(), w[1].grad.tolist()]}

print(json.dumps(cases))
