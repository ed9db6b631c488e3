#!/usr/bin/env python3
"""scikit-learn's Barnes-Hut t-SNE, the implementation the Camformer authors ran (base/emb_utils.py), on the
deterministic blobs that test/kernels/tsne.test.ts and bench/tsne.bench.ts build: point i of n lies in cluster
i mod k, feature f = 4·sin((i mod k + 1)(f + 1)·0.7) + sin(12.9898·i + 78.233·f).

Needs Debian's python3-sklearn (apt-get install python3-sklearn; 1.2.1 on bookworm):
  /usr/bin/python3 bench/reference/tsne_sklearn.py --n 600 --d 50 --k 5 [--threads 2]
Prints one JSON line: n, seconds (fit only), kl (TSNE.kl_divergence_), sklearn version.
"""
import argparse, json, os, time

p = argparse.ArgumentParser()
p.add_argument("--n", type=int, default=600); p.add_argument("--d", type=int, default=50)
p.add_argument("--k", type=int, default=5); p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
os.environ["OMP_NUM_THREADS"] = str(a.threads)  # before sklearn's OpenMP runtime starts

import numpy as np
import sklearn
from sklearn.manifold import TSNE

i = np.arange(a.n)[:, None]; f = np.arange(a.d)[None, :]
X = 4 * np.sin(((i % a.k) + 1) * (f + 1) * 0.7) + np.sin(i * 12.9898 + f * 78.233)
t = time.perf_counter()
m = TSNE(n_components=2, perplexity=30, n_iter=1000, init="pca", learning_rate="auto", random_state=0)
Y = m.fit_transform(X)
print(json.dumps(dict(n=a.n, d=a.d, seconds=round(time.perf_counter() - t, 3), kl=float(m.kl_divergence_),
                      sklearn=sklearn.__version__, threads=a.threads)), flush=True)
