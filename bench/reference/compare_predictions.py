#!/usr/bin/env python3
"""Scores two sets of per-seed test predictions (bench/train-dream-demo.ts --pred-out and
torch_models.py train --pred-out: one value per line, test-file order) against the measured expression of the
DREAM test set: Pearson r and Spearman rho per seed, their means, a paired t-test over seeds, and the r and rho
of the seed ensemble (the mean prediction over seeds), which varies far less from run to run than one model.
  /usr/bin/python3 bench/reference/compare_predictions.py --test test.tsv.gz --a 'ours-pred-*.txt' --b 'pt-pred-*.txt'
"""
import argparse, glob, gzip, json

import numpy as np
from scipy import stats

p = argparse.ArgumentParser()
p.add_argument("--test", required=True); p.add_argument("--a", required=True); p.add_argument("--b", required=True)
p.add_argument("--names", default="cislab,pytorch")
a = p.parse_args()
with gzip.open(a.test, "rt") as f:
    header = f.readline().rstrip("\n").split("\t")
    col = header.index("measured_expr")
    y = np.array([float(l.rstrip("\n").split("\t")[col]) for l in f])

def load(pattern):
    files = sorted(glob.glob(pattern))
    preds = [np.loadtxt(f) for f in files]
    for f, x in zip(files, preds):
        if len(x) != len(y):
            raise SystemExit(f"{f}: {len(x)} predictions, the test set has {len(y)}")
    return files, preds

out = {}
per_seed = {}
for name, pattern in zip(a.names.split(","), (a.a, a.b)):
    files, preds = load(pattern)
    rs = [stats.pearsonr(x, y)[0] for x in preds]
    rhos = [stats.spearmanr(x, y)[0] for x in preds]
    ens = np.mean(preds, axis=0)
    per_seed[name] = (rs, rhos)
    out[name] = dict(files=files, r=rs, rho=rhos, mean_r=float(np.mean(rs)), sd_r=float(np.std(rs, ddof=1)) if len(rs) > 1 else None,
                     mean_rho=float(np.mean(rhos)), ensemble_r=float(stats.pearsonr(ens, y)[0]),
                     ensemble_rho=float(stats.spearmanr(ens, y)[0]))
(na, (ra, rhoa)), (nb, (rb, rhob)) = per_seed.items()
if len(ra) == len(rb) and len(ra) > 1:
    out["paired_t_r"] = dict(zip(("t", "p"), map(float, stats.ttest_rel(ra, rb))))
    out["paired_t_rho"] = dict(zip(("t", "p"), map(float, stats.ttest_rel(rhoa, rhob))))
print(json.dumps(out, indent=1))
