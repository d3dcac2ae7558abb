// Override CSV files: `unitKey,variant` per line, an optional header line,
// RFC 4180 quoting ("a,b" and "" inside quotes), blank lines ignored. Pure:
// text in, rows or a list of line-numbered problems out; and chunking into
// bulk-API calls that respect both the op cap and the body-size cap.
export const MAX_UNIT_KEY_LENGTH = 256;
export const MAX_OPS_PER_CALL = 10_000;
/** Below the API's 1 MiB body cap, with room for JSON framing. */
export const MAX_CHUNK_BYTES = 900 * 1024;

/** Splits one CSV line into fields (no embedded newlines: one record per line). */
export function splitCsvLine(line) {
  const fields = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  if (quoted) return null; // unterminated quote
  fields.push(field);
  return fields;
}

/**
 * @returns {{ rows: {unitKey: string, variant: "blue"|"green", line: number}[], problems: string[] }}
 * A unit key listed twice with the same variant is kept once; with different
 * variants it is a problem (which one was meant is unknowable).
 */
export function parseOverridesCsv(text) {
  const rows = [];
  const problems = [];
  const seen = new Map();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    const fields = splitCsvLine(raw);
    if (fields === null) return void problems.push(`line ${line}: unterminated quote`);
    if (rows.length === 0 && problems.length === 0 && fields[0]?.trim().toLowerCase() === "unitkey") return; // header
    if (fields.length !== 2)
      return void problems.push(`line ${line}: expected 2 fields (unitKey,variant), got ${fields.length}`);
    const unitKey = fields[0].trim();
    const variant = fields[1].trim().toLowerCase();
    if (unitKey === "" || unitKey.length > MAX_UNIT_KEY_LENGTH)
      return void problems.push(`line ${line}: unitKey must be 1–${MAX_UNIT_KEY_LENGTH} characters`);
    if (variant !== "blue" && variant !== "green")
      return void problems.push(`line ${line}: variant must be blue or green, got "${fields[1].trim()}"`);
    const earlier = seen.get(unitKey);
    if (earlier) {
      if (earlier.variant !== variant)
        problems.push(`line ${line}: "${unitKey}" is ${variant} here but ${earlier.variant} on line ${earlier.line}`);
      return;
    }
    const row = { unitKey, variant, line };
    seen.set(unitKey, row);
    rows.push(row);
  });
  return { rows, problems };
}

/** Consecutive chunks of ≤ maxOps rows whose JSON stays ≤ maxBytes. */
export function chunkRows(rows, maxOps = MAX_OPS_PER_CALL, maxBytes = MAX_CHUNK_BYTES) {
  const chunks = [];
  let current = [];
  let bytes = 0;
  for (const row of rows) {
    // {"unitKey":…,"variant":"green"}, — an upper bound on each entry's share of the body.
    const size = new TextEncoder().encode(JSON.stringify(row.unitKey)).length + 32;
    if (current.length > 0 && (current.length >= maxOps || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
