#!/usr/bin/env python3
"""Reference p-values from scipy for the hypothesis tests of src/stats, in R's conventions.

Reads a JSON list of cases on stdin, each {"test": ..., "x": [...], "y": [...], "alternative": ..., ...};
writes a JSON list of {"statistic", "pvalue"} (and "df" for t-tests) in the same order.
Requires scipy (>= 1.7 for the `method`/`alternative` arguments used here).
"""
import json
import sys

from scipy import stats


def run(case):
    test = case["test"]
    alt = case.get("alternative", "two-sided")
    x, y = case.get("x"), case.get("y")
    if test == "rankSum":
        method = "exact" if case["exact"] else "asymptotic"
        r = stats.mannwhitneyu(x, y, alternative=alt, method=method, use_continuity=True)
        return {"statistic": float(r.statistic), "pvalue": float(r.pvalue)}
    if test == "signedRank":
        mode = "exact" if case["exact"] else "approx"
        r = stats.wilcoxon(x, y, alternative=alt, mode=mode, correction=True, zero_method="wilcox")
        # scipy reports min(V+, V-) for two-sided; recompute V+ as R does for comparison.
        d = [a - b for a, b in zip(x, y) if a != b]
        ranks = stats.rankdata([abs(v) for v in d])
        v_plus = float(sum(rk for rk, v in zip(ranks, d) if v > 0))
        return {"statistic": v_plus, "pvalue": float(r.pvalue)}
    if test in ("student", "welch"):
        r = stats.ttest_ind(x, y, equal_var=(test == "student"), alternative=alt)
        return {"statistic": float(r.statistic), "pvalue": float(r.pvalue)}
    if test == "paired":
        r = stats.ttest_rel(x, y, alternative=alt)
        return {"statistic": float(r.statistic), "pvalue": float(r.pvalue)}
    if test == "fisher":
        a, b, c, d = case["table"]
        r = stats.fisher_exact([[a, b], [c, d]], alternative=alt)
        return {"statistic": float(a), "pvalue": float(r[1])}
    raise ValueError("unknown test " + test)


def main():
    cases = json.load(sys.stdin)
    json.dump([run(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
