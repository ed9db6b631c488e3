#!/usr/bin/env python3
"""PyTorch reference ISM: the same networks as cislab (torch_models.py), the same variants (every position of the
region to each of the 3 other bases, plus the reference), predicted in eval mode with 2 threads, one sequence's
variants per forward pass (--per-batch N groups N sequences into batches of up to --batch).

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
    # One sequence's 241 variants per forward pass measured faster here than 16 sequences in batches of 1,024
    # (1,000 sequences of camformer-mini: 3.6 vs 2.6 sequences/s), so it is the default.
    ap.add_argument("--per-batch", type=int, default=1, help="sequences whose variants are encoded and predicted together")
    a = ap.parse_args()
    seqs = [l.strip() for l in open(a.sequences) if l.strip()]
    cfg = preset(a.model)
    torch.manual_seed(0)
    model = CNN(cfg).eval()
    started = time.perf_counter()
    n_variants = 0
    with torch.no_grad():
        # The variants of `per_batch` sequences are encoded together and predicted in batches of up to `batch`.
        for first in range(0, len(seqs), a.per_batch):
            blocks = [variants_of(seq, a.start, a.end) for seq in seqs[first:first + a.per_batch]]
            x = torch.from_numpy(encode([v for b in blocks for v in b], cfg["encoding"]))
            preds = torch.cat([model(x[i:i + a.batch]) for i in range(0, len(x), a.batch)])
            at = 0
            for b in blocks:
                _effects = preds[at + 1:at + len(b)] - preds[at]
                at += len(b)
                n_variants += len(b) - 1
    seconds = time.perf_counter() - started
    print(json.dumps({"model": a.model, "sequences": len(seqs), "variants": n_variants, "seconds": seconds,
                      "seq_per_s": len(seqs) / seconds, "variants_per_s": n_variants / seconds}))


if __name__ == "__main__":
    main()
