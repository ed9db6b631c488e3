import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Captures what CLI commands print during each test of the enclosing `describe`: console.log lines in `out`,
 * console.error lines in `err`; progress written straight to stderr is swallowed. Restored after each test.
 */
export function captureConsole(): { out: string[]; err: string[] } {
  const captured = { out: [] as string[], err: [] as string[] };
  beforeEach(() => {
    captured.out.length = 0;
    captured.err.length = 0;
    vi.spyOn(console, 'log').mockImplementation((...a) => void captured.out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void captured.err.push(a.join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => vi.restoreAllMocks());
  return captured;
}
