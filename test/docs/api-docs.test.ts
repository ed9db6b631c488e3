// Every name exported from the root entry carries TSDoc: a summary, and for functions and classes an @example,
// an @param per parameter and @returns; interface fields and public class members a summary. And every example
// type-checks against the real API. `npm run docs` renders the same comments as the API reference; these tests
// are what keep them complete and true to the signatures.
import { describe, expect, it } from 'vitest';
import { apiDocGaps } from './api-docs';
import { exampleErrors } from './api-examples';

describe('API documentation', () => {
  it('documents every root export', () => {
    const { exports, gaps } = apiDocGaps();
    expect(exports.length).toBeGreaterThan(100);
    expect(gaps.map((g) => `${g.file} ${g.name}: ${g.missing}`)).toEqual([]);
  });

  it('has examples that type-check against the API', () => {
    const { examples, errors } = exampleErrors();
    expect(examples).toBeGreaterThan(100);
    expect(errors.map((e) => `${e.owner}: ${e.message}`)).toEqual([]);
  });
});
