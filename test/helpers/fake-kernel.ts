// A stand-in for the tslab kernel: src/notebook/kernel.ts looks for tslab's dist/jupyter.js in Node's require
// cache and publishes through its `lastWriteDisplayData`; registering a module of that name makes this test
// process "a notebook" (progressMode() === 'notebook') and records every display published, update or not.
import { afterEach, beforeEach } from 'vitest';
import type { DisplayContent } from '../../src/notebook/kernel';

const FAKE_PATH = '/fake/node_modules/tslab/dist/jupyter.js';

export interface Published { content: DisplayContent; update: boolean }

/** Fakes a kernel for each test of the enclosing `describe`; returns the displays published in the current test. */
export function fakeKernel(): Published[] {
  const published: Published[] = [];
  beforeEach(() => {
    published.length = 0;
    const mod = { exports: { lastWriteDisplayData: (content: DisplayContent, update: boolean) => void published.push({ content, update }) } };
    (require.cache as Record<string, unknown>)[FAKE_PATH] = mod;
  });
  afterEach(() => {
    delete (require.cache as Record<string, unknown>)[FAKE_PATH];
  });
  return published;
}

/** The progress displays among `published`: their display id and text, in the order sent. */
export function progressDisplays(published: readonly Published[]): { id: string; text: string; update: boolean }[] {
  return published
    .filter((p) => (p.content.metadata?.['cislab'] as { kind?: string } | undefined)?.kind === 'progress')
    .map((p) => ({ id: p.content.transient?.display_id ?? '', text: String(p.content.data['text/plain']), update: p.update }));
}
