#!/usr/bin/env python3
"""PyTorch arm of bench/engine.bench.ts: a long-lived step server, so that the benchmark can interleave one
step of each engine at a time (A B A B ...) under the same machine load.

  /usr/bin/python3 bench/reference/torch_engine_server.py --model camformer-mini --mode train|predict|ism \
      [--batch 256] [--threads 2] [--device cpu|cuda]
Prints {"ready": ..., "blas": ...} once, then reads one command per line on stdin ("run" or "quit") and answers each
"run" with one JSON line: ms (wall time of one step: a training step on one batch, eval-mode prediction of one
batch, or the naive ISM of one sequence as torch_ism.py does it, one sequence per step: its measured best), items (sequences done), cpu_ms (process CPU time of the step), loss, rss_mb, peak_mb (the process's peak
resident set so far). Same networks as torch_models.py; AdamW(1e-3, wd 1e-3), L1; random one-hot input.
Which BLAS torch uses is what the dynamic loader finds for libblas.so.3 (LD_LIBRARY_PATH may point it to
OpenBLAS, as STACK-NOTES.md describes); the ready line names the library it loaded.
"""
import argparse, json, os, resource, sys, time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from torch_models import CNN, encode, preset  # noqa: E402
from torch_ism import variants_of  # noqa: E402


def loaded_blas():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() and line.strip().endswith(".so.3") or "openblas" in line}
    return sorted(l for l in libs if l.startswith("/"))


def memory():
    with open("/proc/self/status") as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))
    return round(rss / 1024), round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="camformer-mini")
    ap.add_argument("--mode", default="train", choices=["train", "predict", "ism"])
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu, or cuda (bench/gpu-check.ts)")
    a = ap.parse_args()
    dev = torch.device(a.device)
    torch.set_num_threads(a.threads)
    cfg = preset(a.model)
    torch.manual_seed(0)
    rng = np.random.RandomState(1)
    m = CNN(cfg).to(dev)
    seqs = ["".join(rng.choice(list("ACGT"), cfg["length"])) for _ in range(a.batch)]
    x = torch.from_numpy(encode(seqs, cfg["encoding"])).to(dev)
    y = torch.from_numpy(rng.randn(a.batch).astype(np.float32)).to(dev)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=1e-3)

    def run():
        if a.mode == "train":
            m.train()
            opt.zero_grad()
            loss = nn.functional.l1_loss(m(x), y)
            loss.backward()
            opt.step()
            return float(loss)
        m.eval()
        with torch.no_grad():
            if a.mode == "predict":
                return float(m(x).mean())
            # torch_ism.py's naive ISM of one sequence: 240 variants (positions 18-97) plus the reference.
            v = variants_of(seqs[0], 18, 97)
            p = m(torch.from_numpy(encode(v, cfg["encoding"])).to(dev))
            return float((p[1:] - p[0]).abs().mean())

    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(), "device": a.device, "blas": loaded_blas()}), flush=True)
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        t, c = time.perf_counter(), time.process_time()
        loss = run()  # float() of a result waits for the device
        ms, cpu_ms = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
        rss, peak = memory()
        items = 1 if a.mode == "ism" else a.batch
        print(json.dumps({"ms": ms, "items": items, "cpu_ms": cpu_ms, "loss": loss, "rss_mb": rss, "peak_mb": peak}), flush=True)


if __name__ == "__main__":
    main()
