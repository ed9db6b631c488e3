"""The Camformer authors' training data path, timed and with its peak memory, for bench/scale.bench.ts.

What their training script does before the first batch (gautammalik-git/Camformer, base_camformer.py and
base/utils.py): read the DREAM txt with pandas (`load_data`: read_csv, tab, no header), make a stratified
90/5/5 split on expression deciles (`make_stratified_splits`: pd.qcut into 10 bins, StratifiedShuffleSplit),
then encode each split as nested Python lists (`encodeData` + `multihote`, here onehotWithP as in the basic
model's config: drop > 3 N, drop length outside 110 +- 3, pad with N / truncate) and turn the lists into one
float32 tensor per split (`createDataLoaders`: torch.tensor(X).unsqueeze(1), transpose(1, 3)). Re-implemented
here step by step (not copied), so the memory and time are those of the same operations.

    /usr/bin/python3 bench/reference/dream_data_path.py FILE [--rows N]

Prints one JSON line: rows, seconds per step, peak resident memory (MB) and the tensors' bytes.
"""
import argparse
import json
import resource
import time

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import StratifiedShuffleSplit

# multihote(onlyN=False, onlyP=True): four base channels (N = 0.25 each) plus purine (A, G = 1; N = 0.5).
ONEHOT_P = {
    'A': [1.0, 0.0, 0.0, 0.0, 1.0],
    'C': [0.0, 1.0, 0.0, 0.0, 0.0],
    'G': [0.0, 0.0, 1.0, 0.0, 1.0],
    'T': [0.0, 0.0, 0.0, 1.0, 0.0],
    'N': [0.25, 0.25, 0.25, 0.25, 0.5],
}


def encode_split(seqs, exprs, n_tolerance=3, target=110, margin=3):
    """encodeData: N filter first, then the length filter with padding up to the longest kept sequence."""
    kept, values = [], []
    for seq, value in zip(seqs, exprs):
        if seq.count('N') <= n_tolerance:
            kept.append(seq)
            values.append(value)
    longest = max((len(s) for s in kept), default=0)
    encoded, out_values = [], []
    for seq, value in zip(kept, values):
        if len(seq) != target:
            if abs(len(seq) - target) > margin:
                continue
            while len(seq) < longest and len(seq) < target:
                seq += 'N'
            seq = seq[:target]
        encoded.append([ONEHOT_P[b] for b in seq])
        out_values.append(value)
    return encoded, out_values


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('file')
    parser.add_argument('--rows', type=int, default=None, help='read only the first N rows')
    args = parser.parse_args()
    times = {}

    t = time.perf_counter()
    frame = pd.read_csv(args.file, delimiter='\t', header=None, names=['seq', 'expr'], nrows=args.rows)
    times['read'] = time.perf_counter() - t

    t = time.perf_counter()
    bins = pd.qcut(frame['expr'], q=10, labels=False, duplicates='drop')
    first = StratifiedShuffleSplit(n_splits=1, test_size=0.1, random_state=42)
    train_index, rest_index = next(first.split(frame[['seq']], bins))
    second = StratifiedShuffleSplit(n_splits=1, test_size=0.5, random_state=42)
    val_index, test_index = next(second.split(frame[['seq']].iloc[rest_index], bins.iloc[rest_index]))
    splits = {
        'train': frame.iloc[train_index],
        'val': frame.iloc[rest_index].iloc[val_index],
        'test': frame.iloc[rest_index].iloc[test_index],
    }
    times['split'] = time.perf_counter() - t

    tensors = {}
    times['encode'] = 0.0
    times['tensor'] = 0.0
    for name, part in splits.items():
        t = time.perf_counter()
        encoded, values = encode_split(part['seq'].tolist(), part['expr'].tolist())
        times['encode'] += time.perf_counter() - t
        t = time.perf_counter()
        x = torch.tensor(encoded).unsqueeze(1)
        x = torch.transpose(x, 1, 3)
        tensors[name] = (x, torch.Tensor(values))
        del encoded
        times['tensor'] += time.perf_counter() - t

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        'rows': len(frame),
        'kept': sum(int(x.shape[0]) for x, _ in tensors.values()),
        'seconds': times,
        'total_seconds': sum(times.values()),
        'peak_rss_mb': peak_mb,
        'tensor_mb': sum(x.element_size() * x.nelement() for x, _ in tensors.values()) / 1e6,
        'torch': torch.__version__,
        'numpy': np.__version__,
    }))


if __name__ == '__main__':
    main()
