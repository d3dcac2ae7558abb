// Segment constraint operators as a table: Operator → compiler. A compiler
// checks its values once (at snapshot validation) and returns a predicate
// over one attribute value. Predicates never throw; a value that cannot be
// interpreted (not a number, not a semver, …) simply does not match. A
// missing attribute matches nothing (to target "absent", negate `exists`):
// `matchesAttribute` is that rule, and the only way a predicate is applied.
import type { Operator } from "../types";
import { cidrContains, parseCidr, parseIp, type Cidr } from "./cidr";
import { compileSafeRegex, MAX_MATCH_INPUT_LENGTH } from "./regex";
import { compareSemver, parseSemver, type SemVer } from "./semver";

export type ValuePredicate = (value: string) => boolean;
/** A compiled predicate, or a message saying why the values are invalid. */
type OperatorCompiler = (values: string[]) => ValuePredicate | string;

const MAX_VALUES = 10_000;

function single(values: string[]): string | null {
  return values.length === 1 ? values[0]! : null;
}

function parseNumber(text: string): number {
  return text.trim() === "" ? NaN : Number(text);
}

function parseInstant(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : Date.parse(text);
}

function requireOne<T>(values: string[], parse: (text: string) => T | null, what: string): T | string {
  const text = single(values);
  if (text === null) return `expects exactly one ${what}`;
  const parsed = parse(text);
  return parsed === null || (typeof parsed === "number" && Number.isNaN(parsed))
    ? `"${text}" is not a ${what}`
    : parsed;
}

function numeric(test: (a: number, b: number) => boolean): OperatorCompiler {
  return (values) => {
    const bound = requireOne(values, parseNumber, "number");
    if (typeof bound === "string") return bound;
    return (value) => {
      const n = parseNumber(value);
      return !Number.isNaN(n) && test(n, bound);
    };
  };
}

function semver(test: (order: number) => boolean): OperatorCompiler {
  return (values) => {
    const bound = requireOne<SemVer>(values, parseSemver, "semantic version");
    if (typeof bound === "string") {
      const text = values.length === 1 ? values[0]! : "";
      const tagged = /^[vV]/.test(text) && parseSemver(text.slice(1)) !== null;
      return tagged ? `"${text}" is not a semantic version: write it without the leading "${text[0]}"` : bound;
    }
    return (value) => {
      const parsed = parseSemver(value);
      return parsed !== null && test(compareSemver(parsed, bound));
    };
  };
}

function instant(test: (a: number, b: number) => boolean): OperatorCompiler {
  return (values) => {
    const bound = requireOne(values, parseInstant, "date");
    if (typeof bound === "string") return bound;
    return (value) => {
      const at = parseInstant(value);
      return !Number.isNaN(at) && test(at, bound);
    };
  };
}

function anyOf(test: (value: string, candidate: string) => boolean): OperatorCompiler {
  return (values) => {
    if (values.length === 0) return "expects at least one value";
    return (value) => values.some((candidate) => test(value, candidate));
  };
}

const COMPILERS: Record<Operator, OperatorCompiler> = {
  in: (values) => {
    const set = new Set(values);
    return (value) => set.has(value);
  },
  not_in: (values) => {
    const set = new Set(values);
    return (value) => !set.has(value);
  },
  eq: (values) => {
    const expected = single(values);
    return expected === null ? "expects exactly one value" : (value) => value === expected;
  },
  neq: (values) => {
    const expected = single(values);
    return expected === null ? "expects exactly one value" : (value) => value !== expected;
  },
  starts_with: anyOf((value, prefix) => value.startsWith(prefix)),
  ends_with: anyOf((value, suffix) => value.endsWith(suffix)),
  contains: anyOf((value, part) => value.includes(part)),
  matches: (values) => {
    const pattern = single(values);
    if (pattern === null) return "expects exactly one pattern";
    const regex = compileSafeRegex(pattern);
    if (typeof regex === "string") return regex;
    return (value) => value.length <= MAX_MATCH_INPUT_LENGTH && regex.test(value);
  },
  gt: numeric((a, b) => a > b),
  gte: numeric((a, b) => a >= b),
  lt: numeric((a, b) => a < b),
  lte: numeric((a, b) => a <= b),
  semver_gt: semver((order) => order > 0),
  semver_lt: semver((order) => order < 0),
  semver_eq: semver((order) => order === 0),
  before: instant((a, b) => a < b),
  after: instant((a, b) => a > b),
  exists: () => () => true,
  ip_in_cidr: (values) => {
    if (values.length === 0) return "expects at least one CIDR";
    const cidrs: Cidr[] = [];
    for (const text of values) {
      const cidr = parseCidr(text);
      if (!cidr) return `"${text}" is not a CIDR`;
      cidrs.push(cidr);
    }
    return (value) => {
      const ip = parseIp(value);
      return ip !== null && cidrs.some((cidr) => cidrContains(cidr, ip));
    };
  },
};

/** One constraint on one attribute value; `undefined` (absent) never matches, whatever the operator. */
export function matchesAttribute(predicate: ValuePredicate, value: string | undefined): boolean {
  return value !== undefined && predicate(value);
}

/** Compiles one operator over its values; unknown operator → message. */
export function compileOperator(operator: string, values: string[]): ValuePredicate | string {
  if (!Object.hasOwn(COMPILERS, operator)) return `unknown operator "${operator}"`;
  if (values.length > MAX_VALUES) return `at most ${MAX_VALUES} values`;
  return COMPILERS[operator as Operator](values);
}
