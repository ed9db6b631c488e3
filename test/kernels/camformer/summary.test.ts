import { describe, expect, it } from 'vitest';
import { countConfigParameters, presetConfig } from '../../../src/kernels/camformer/config';
import { modelSummary } from '../../../src/kernels/camformer/summary';

const total = (t: ReturnType<typeof modelSummary>) => (t.array('parameters') as number[]).reduce((a, b) => a + b, 0);

describe('modelSummary', () => {
  it('matches the published Camformer table (Fig. 2b): layer parameters and total 16,611,073', () => {
    const t = modelSummary('camformer');
    const rows = t.objects() as { layer: string; output: string; parameters: number }[];
    const by = (name: string) => rows.find((r) => r.layer === name)!;
    expect(by('conv1').parameters).toBe(20_992);
    expect(by('conv2').parameters).toBe(2_621_952);
    expect(by('bn1').parameters).toBe(1_024);
    expect(by('pool5').output).toBe('26 × 512');
    expect(by('dense1').parameters).toBe(3_408_128);
    expect(by('dense2').parameters).toBe(65_792);
    expect(by('output').parameters).toBe(257);
    expect(total(t)).toBe(16_611_073);
  });

  it('sums to countConfigParameters for every preset and can hide parameter-free layers', () => {
    for (const name of ['camformer', 'camformer-small', 'camformer-mini'] as const) {
      expect(total(modelSummary(name))).toBe(countConfigParameters(presetConfig(name)));
      const compact = modelSummary(name, { all: false });
      expect((compact.array('parameters') as number[]).every((p) => p > 0)).toBe(true);
      expect(total(compact)).toBe(countConfigParameters(presetConfig(name)));
    }
    const mini = modelSummary('camformer-mini').objects() as { layer: string; output: string }[];
    expect(mini.find((r) => r.layer === 'conv1')!.output).toBe('116 × 384'); // 110 + 5 + 5 − 5 + 1
  });
});
