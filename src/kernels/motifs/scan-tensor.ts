/**
 * The FIMO scan as one batched tfjs convolution: sequences one-hot encoded [batch, length, 4], every motif's
 * integer PSSM and its reverse complement stacked as filters [maxWidth, 4, 2·motifs], `conv1d` gives every
 * window's score on every strand at once. Scores are sums of integers below 2^24, so float32 holds them
 * exactly and the hits equal the JavaScript kernel's. Short motifs are zero-padded on the right; windows
 * that would run past a sequence's end, or hold an N (encoded 0000), are dropped.
 *
 * On the pure-JS `cpu` backend this is far slower than `scanPwm` (which skips most of the work by
 * branch-and-bound; see bench/scan.bench.ts); it pays on a native or GPU backend. Call the kernels layer's
 * backend set-up first to choose one; otherwise tfjs uses its default.
 */
import { tf } from '../tensor/tf';
import { OptionError } from '../../errors';
import { runFimo, type FimoOptions, type FimoResult } from '../../motifs/fimo';
import { buildFimoPssm, scoreThreshold, type FimoPssm } from '../../motifs/pssm';
import { HitBuffer, type RawHits } from '../../motifs/scan-kernel';
import { prepareSequences, windowHasN, type NamedSequence, type PreparedSequences } from '../../motifs/sequences';
import type { Motif } from '../../motifs/motif';

type Table = FimoResult['hits'];

export interface TensorScanOptions extends FimoOptions {
  /** Sequences per convolution (default 256): bounds memory at batch × length × 2·motifs floats. */
  batchSize?: number;
}

/** scanFimo computed with the convolution kernel; same table as scanFimo. */
export async function scanFimoTensor(motifs: readonly Motif[], sequences: readonly NamedSequence[], options: TensorScanOptions = {}): Promise<Table> {
  return (await scanFimoTensorDetailed(motifs, sequences, options)).hits;
}

export async function scanFimoTensorDetailed(motifs: readonly Motif[], sequences: readonly NamedSequence[], options: TensorScanOptions = {}): Promise<FimoResult> {
  await tf.ready();
  const prepared = prepareSequences(sequences, options.region);
  const pssms = motifs.map((m) => buildFimoPssm(m, options));
  const threshold = options.threshold ?? 1e-4;
  const hits = scanPwmTensor(pssms, prepared, pssms.map((p) => scoreThreshold(p, threshold)), options.bothStrands ?? true, options.batchSize);
  return runFimo(pssms, prepared, options, (_pssm, _prepared, _min, _both, m) => hits[m]!);
}

/** Hits of every motif (windows with integer score ≥ minScores[m]) from batched convolutions. */
export function scanPwmTensor(pssms: readonly FimoPssm[], prepared: PreparedSequences, minScores: readonly number[], bothStrands = true, batchSize = 256): RawHits[] {
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new OptionError(`batchSize must be a positive integer, got ${batchSize}`, { option: 'batchSize' });
  const nMotifs = pssms.length;
  const buffers = pssms.map(() => new HitBuffer());
  if (nMotifs === 0 || prepared.starts.length === 0) return buffers.map((b) => b.finish());
  const maxWidth = Math.max(...pssms.map((p) => p.width));
  const maxLength = Math.max(...Array.from(prepared.lengths));
  const strands = bothStrands ? 2 : 1;
  const nFilters = nMotifs * strands;

  // Filter f = m·strands + strand; tfjs wants [width, inChannels, outChannels].
  const filterData = new Float32Array(maxWidth * 4 * nFilters);
  pssms.forEach((pssm, m) => {
    for (let strand = 0; strand < strands; strand++) {
      const matrix = strand ? pssm.reverse : pssm.forward;
      const f = m * strands + strand;
      for (let j = 0; j < pssm.width; j++) for (let a = 0; a < 4; a++) filterData[(j * 4 + a) * nFilters + f] = matrix[j * 4 + a]!;
    }
  });
  const filters = tf.tensor3d(filterData, [maxWidth, 4, nFilters]);
  const paddedLength = maxLength + maxWidth - 1;
  const nSeq = prepared.starts.length;
  try {
    for (let from = 0; from < nSeq; from += batchSize) {
      const batch = Math.min(batchSize, nSeq - from);
      const input = oneHotBatch(prepared, from, batch, paddedLength);
      const scores = tf.tidy(() => tf.conv1d(tf.tensor3d(input, [batch, paddedLength, 4]), filters, 1, 'valid').dataSync() as Float32Array);
      collectHits(scores, prepared, pssms, minScores, from, batch, maxLength, strands, buffers);
    }
  } finally {
    filters.dispose();
  }
  return buffers.map((b) => b.finish());
}

/** One-hot [batch, paddedLength, 4] of sequences from..from+batch; N and padding are 0000. */
function oneHotBatch(prepared: PreparedSequences, from: number, batch: number, paddedLength: number): Float32Array {
  const out = new Float32Array(batch * paddedLength * 4);
  for (let b = 0; b < batch; b++) {
    const s = from + b;
    const base = prepared.starts[s]!;
    for (let k = 0; k < prepared.lengths[s]!; k++) {
      const c = prepared.codes[base + k]!;
      if (c < 4) out[(b * paddedLength + k) * 4 + c] = 1;
    }
  }
  return out;
}

/** Appends windows reaching each motif's threshold, in FIMO's order (sequence, position, '+' then '-'). */
function collectHits(scores: Float32Array, prepared: PreparedSequences, pssms: readonly FimoPssm[], minScores: readonly number[], from: number, batch: number, outLength: number, strands: number, buffers: HitBuffer[]): void {
  const nMotifs = pssms.length;
  const nFilters = nMotifs * strands;
  for (let b = 0; b < batch; b++) {
    const s = from + b;
    const length = prepared.lengths[s]!;
    for (let p = 0; p < outLength; p++) {
      const row = (b * outLength + p) * nFilters;
      for (let m = 0; m < nMotifs; m++) {
        const w = pssms[m]!.width;
        if (p > length - w) continue;
        for (let strand = 0; strand < strands; strand++) {
          const score = scores[row + m * strands + strand]!;
          if (score >= minScores[m]! && !windowHasN(prepared, s, p, w)) buffers[m]!.push(s, p, strand, score);
        }
      }
    }
  }
}
