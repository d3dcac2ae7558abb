// A deliberately small JSON path: `$`, `.name`, `["name"]`, `[n]` and `[*]`.
// Enough to point at a model's label, score or ranked list; parsed once per
// snapshot. Unsupported syntax is an error at validation, never at request time.
export type PathStep = { kind: "key"; name: string } | { kind: "index"; index: number } | { kind: "each" };

const STEP = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[\*\]|\["((?:[^"\\]|\\.)*)"\])/;

/** Parses "$.a.b[0]" into steps, or returns an error message. */
export function parseJsonPath(path: string): PathStep[] | string {
  if (!path.startsWith("$")) return `path "${path}" must start with $`;
  const steps: PathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const match = STEP.exec(rest);
    if (!match) return `unsupported path syntax at "${rest}"`;
    if (match[1] !== undefined) steps.push({ kind: "key", name: match[1] });
    else if (match[2] !== undefined) steps.push({ kind: "index", index: Number(match[2]) });
    else if (match[3] !== undefined) steps.push({ kind: "key", name: JSON.parse(`"${match[3]}"`) as string });
    else steps.push({ kind: "each" });
    rest = rest.slice(match[0].length);
  }
  return steps;
}

/** The value at a path without wildcards (undefined when absent). */
export function readPath(value: unknown, steps: PathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (step.kind === "key") {
      if (
        typeof current !== "object" ||
        current === null ||
        Array.isArray(current) ||
        !Object.hasOwn(current, step.name)
      )
        return undefined;
      current = (current as Record<string, unknown>)[step.name];
    } else if (step.kind === "index") {
      if (!Array.isArray(current)) return undefined;
      current = current[step.index];
    } else {
      return undefined;
    }
  }
  return current;
}

/** Whether a concrete location (keys/indices from the root) is matched by a pattern path. */
export function pathMatches(pattern: PathStep[], location: (string | number)[]): boolean {
  if (pattern.length !== location.length) return false;
  return pattern.every((step, i) => {
    const at = location[i];
    if (step.kind === "each") return typeof at === "number";
    if (step.kind === "index") return at === step.index;
    return at === step.name;
  });
}
