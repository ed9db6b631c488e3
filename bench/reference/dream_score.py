#!/usr/bin/env python3
"""Independent reference implementation of the DREAM2022 weighted Pearson/Spearman scores.

Written separately from src/stats/dream-score.ts (different language, different data handling: it reads
the test set and pairs files itself) so that agreement between the two is evidence that both follow the
scoring rule of ../shared/data/README.md (Rafi et al. 2024):

  per subset Pearson r and Spearman rho between measured and predicted expression; for the pair subsets
  (SNVs, motif_perturbation, motif_tiling) between the alt - ref differences;
  PearsonScore  = sum(w * r^2) / sum(w),  SpearmanScore = sum(w * rho) / sum(w).

Uses scipy.stats.pearsonr / spearmanr when scipy is installed, else numpy only (corrcoef, average ranks).

Usage:
  dream_score.py --test test.tsv.gz --pairs test_pairs.tsv.gz --predictions preds.tsv [--split all]
preds.tsv: header line, then `idx <TAB> prediction`. Prints JSON:
  {"split", "backend", "pearson_score", "spearman_score", "subsets": {name: {"n", "r", "r2", "rho"}}}
"""
import argparse
import csv
import gzip
import json
import sys

import numpy as np

try:
    from scipy import stats as scipy_stats
except ImportError:  # numpy-only fallback
    scipy_stats = None

WEIGHTS = {
    "all": 1.0,
    "high": 0.3,
    "low": 0.3,
    "yeast": 0.3,
    "random": 0.3,
    "challenging": 0.5,
    "SNVs": 1.25,
    "motif_perturbation": 0.3,
    "motif_tiling": 0.4,
}
PAIR_SUBSETS = ("SNVs", "motif_perturbation", "motif_tiling")


def average_ranks(values):
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=float)
    sorted_values = values[order]
    i = 0
    n = len(values)
    while i < n:
        j = i
        while j + 1 < n and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def correlations(measured, predicted):
    measured = np.asarray(measured, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    if scipy_stats is not None:
        r = scipy_stats.pearsonr(measured, predicted)[0]
        rho = scipy_stats.spearmanr(measured, predicted)[0]
    else:
        r = np.corrcoef(measured, predicted)[0, 1]
        rho = np.corrcoef(average_ranks(measured), average_ranks(predicted))[0, 1]
    return float(r), float(rho)


def in_split(value, which):
    if which == "all":
        return value in ("private", "public")
    return value == which


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--test", required=True)
    parser.add_argument("--pairs", required=True)
    parser.add_argument("--predictions", required=True)
    parser.add_argument("--split", default="all", choices=["private", "public", "all"])
    args = parser.parse_args(argv)

    measured = {}
    split_of = {}
    members = {name: [] for name in WEIGHTS if name not in PAIR_SUBSETS}
    with gzip.open(args.test, "rt") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            idx = int(row["idx"])
            measured[idx] = float(row["measured_expr"])
            split_of[idx] = row["split"]
            if not in_split(row["split"], args.split):
                continue
            members["all"].append(idx)
            for category in filter(None, row["categories"].split(",")):
                if category in members:
                    members[category].append(idx)

    predicted = {}
    with open(args.predictions) as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        for idx, value in reader:
            predicted[int(idx)] = float(value)

    pairs = {name: [] for name in PAIR_SUBSETS}
    with gzip.open(args.pairs, "rt") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if in_split(row["split"], args.split):
                pairs[row["pair_type"]].append((int(row["alt_idx"]), int(row["ref_idx"])))

    subsets = {}
    for name in WEIGHTS:
        if name in PAIR_SUBSETS:
            m = [measured[a] - measured[b] for a, b in pairs[name]]
            p = [predicted[a] - predicted[b] for a, b in pairs[name]]
        else:
            m = [measured[i] for i in members[name]]
            p = [predicted[i] for i in members[name]]
        r, rho = correlations(m, p)
        subsets[name] = {"n": len(m), "r": r, "r2": r * r, "rho": rho}

    total = sum(WEIGHTS.values())
    result = {
        "split": args.split,
        "backend": "scipy" if scipy_stats is not None else "numpy",
        "pearson_score": sum(WEIGHTS[s] * subsets[s]["r2"] for s in WEIGHTS) / total,
        "spearman_score": sum(WEIGHTS[s] * subsets[s]["rho"] for s in WEIGHTS) / total,
        "subsets": subsets,
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
