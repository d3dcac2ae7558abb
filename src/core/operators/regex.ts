// Guarded regular expressions for the `matches` operator. Patterns are
// capped in length, screened for catastrophic-backtracking shapes (a
// quantified group that itself contains a quantifier or alternation, and
// back-references), and compiled once per snapshot, never per request.
export const MAX_PATTERN_LENGTH = 256;
/** Inputs longer than this never match: bounds the work per request. */
export const MAX_MATCH_INPUT_LENGTH = 2048;

const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[+*?}]|\|)(?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d+,?\d*\})/;
const BACK_REFERENCE = /\\[1-9]|\\k</;

/** Returns a compiled RegExp or a human-readable reason it was refused. */
export function compileSafeRegex(pattern: string): RegExp | string {
  if (pattern.length === 0) return "pattern is empty";
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern longer than ${MAX_PATTERN_LENGTH} characters`;
  if (NESTED_QUANTIFIER.test(pattern)) return "nested quantifiers can backtrack catastrophically";
  if (BACK_REFERENCE.test(pattern)) return "back-references are not allowed";
  try {
    return new RegExp(pattern, "u");
  } catch (error) {
    return `invalid pattern: ${(error as Error).message}`;
  }
}
