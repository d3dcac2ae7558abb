// Shapes of the CLI's --json output, checked by scripts/cli-e2e.mjs (and
// importable by unit tests). A shape is { field: type }, where type is a
// typeof name, "array", "null", "any", a nested shape, or "a|b" alternatives.
// Extra fields are allowed (the API may add some); missing or mistyped fail.
const typeOf = (value) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/** @returns {string[]} problems, empty when the value fits */
export function checkShape(value, shape, at = "$") {
  if (typeOf(value) !== "object") return [`${at} is ${typeOf(value)}, expected object`];
  const problems = [];
  for (const [field, type] of Object.entries(shape)) {
    const actual = value[field];
    if (typeof type === "object") {
      problems.push(
        ...(actual === null && type.__nullable
          ? []
          : checkShape(
              actual,
              Object.fromEntries(Object.entries(type).filter(([k]) => k !== "__nullable")),
              `${at}.${field}`,
            )),
      );
    } else if (type !== "any" && !type.split("|").includes(typeOf(actual))) {
      problems.push(`${at}.${field} is ${typeOf(actual)}, expected ${type}`);
    }
  }
  return problems;
}

const ROLLOUT = {
  id: "string",
  flagKey: "string",
  state: "string",
  stageIndex: "number",
  stages: "array",
  version: "number",
};

export const SHAPES = Object.freeze({
  flagList: { items: "array" },
  flagShow: {
    flag: { key: "string", version: "number", killSwitch: "boolean", route: "object" },
    etag: "string",
    rollout: "object|null",
  },
  kill: { key: "string", killSwitch: "boolean", version: "number", changed: "boolean" },
  rollout: ROLLOUT,
  status: {
    flag: { key: "string", version: "number", killSwitch: "boolean" },
    rollout: { ...ROLLOUT, __nullable: true },
    lastDecision: "object|null",
    decisionsAvailable: "boolean",
    at: "number",
  },
  import: { flag: "string", imported: "number", chunks: "number", etag: "string" },
  audit: { items: "array" },
  answers: {
    flag: "string",
    window: { fromMs: "number", toMs: "number", __nullable: true },
    rolloutId: "string|null",
    stage: "string|null",
    answers: {
      reader: "string",
      contract: "object",
      blue: "object",
      green: "object",
      drift: "object|null",
      __nullable: true,
    },
    usage: "object|null",
    usageMissing: "object|null",
  },
  error: { error: { code: "string", message: "string", exitCode: "number", status: "number|null" } },
});
