#!/usr/bin/env python3
"""PyTorch reference ISM: the same networks as cislab (torch_models.py), the same variants (every position of the
region to each of the 3 other bases, plus the reference), predicted in batches in eval mode with 2 threads.

  /usr/bin/python3 bench/reference/torch_ism.py --model camformer-mini --sequences FILE [--start 18 --end 97]
Prints one JSON line: model, sequences, variants, seconds, seq_per_s, variants_per_s.
"""
import argparse, json, os, sys, time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from torch_models import CNN, encode, preset  # noqa: E402

torch.set_num_threads(2)


def variants_of(seq, start, end):
    out = [seq]
    for p in range(start - 1, end):
        for b in "ACGT":
            if b != seq[p]:
                out.append(seq[:p] + b + seq[p + 1:])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="camformer-mini")
    ap.add_argument("--sequences", required=True)
    ap.add_argument("--start", type=int, default=18)
    ap.add_argument("--end", type=int, default=97)
    ap.add_argument("--batch", type=int, default=1024)
    a = ap.parse_args()
    seqs = [l.strip() for l in open(a.sequences) if l.strip()]
    cfg = preset(a.model)
    torch.manual_seed(0)
    model = CNN(cfg).eval()
    started = time.perf_counter()
    n_variants = 0
    with torch.no_grad():
        for seq in seqs:
            variants = variants_of(seq, a.start, a.end)
            x = torch.from_numpy(encode(variants, cfg["encoding"]))
            preds = torch.cat([model(x[i:i + a.batch]) for i in range(0, len(variants), a.batch)])
            _effects = preds[1:] - preds[0]
            n_variants += len(variants) - 1
    seconds = time.perf_counter() - started
    print(json.dumps({"model": a.model, "sequences": len(seqs), "variants": n_variants, "seconds": seconds,
                      "seq_per_s": len(seqs) / seconds, "variants_per_s": n_variants / seconds}))


if __name__ == "__main__":
    main()
