// Builds tiny .ipynb files for runner tests (nbformat 4 JSON, tslab kernel).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TinyCell { source: string; tags?: string[]; outputs?: unknown[] }

const made: string[] = [];

/** Removes the directories tinyNotebook created (call from afterAll). */
export function removeTinyNotebooks(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function tinyNotebook(cells: (string | TinyCell)[], name = 'tiny.ipynb'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cislab-nbtest-'));
  made.push(dir);
  const path = join(dir, name);
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'cislab', display_name: 'TypeScript (cislab)', language: 'typescript' } },
    cells: cells.map((c, i) => {
      const cell = typeof c === 'string' ? { source: c } : c;
      return { id: `c${i}`, cell_type: 'code', execution_count: null, metadata: { tags: cell.tags ?? [] }, outputs: cell.outputs ?? [], source: cell.source };
    }),
  };
  writeFileSync(path, JSON.stringify(nb, null, 1));
  return path;
}
