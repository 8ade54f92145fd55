import type { Config } from '../config/schema';
import type { ConfigResult } from '../config/load';

/**
 * Assertions on `validateConfig` results for tests: each asserts the outcome and returns the part a
 * test goes on to check, so no test needs an `if (!r.ok) return` that could let it pass silently.
 */

/** Asserts that the document was accepted and returns the configuration. */
export function expectValid(result: ConfigResult): Config {
  expect(result).toMatchObject({ ok: true });
  if (!result.ok) throw new Error('unreachable: expect above failed');
  return result.config;
}

/** Asserts that the document was refused and returns the problems, one line each. */
export function expectProblems(result: ConfigResult): string[] {
  expect(result).toMatchObject({ ok: false });
  if (result.ok) throw new Error('unreachable: expect above failed');
  return result.problems;
}
