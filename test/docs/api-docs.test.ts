// Every name exported from the root entry carries TSDoc: a summary, and for functions and classes an @example,
// an @param per parameter and @returns; interface fields and public class members a summary. `npm run docs`
// renders the same comments as the API reference; this test is what keeps them complete.
import { describe, expect, it } from 'vitest';
import { apiDocGaps } from './api-docs';

describe('API documentation', () => {
  it('documents every root export', () => {
    const { exports, gaps } = apiDocGaps();
    expect(exports.length).toBeGreaterThan(100);
    expect(gaps.map((g) => `${g.name}: ${g.missing}`)).toEqual([]);
  });
});
