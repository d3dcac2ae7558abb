// Prepares a response body for storage as a disagreement example: configured
// JSON paths are blanked, and the text is truncated. Non-JSON bodies are not
// stored when redaction is configured (we cannot know what to blank).
import type { PathStep } from "./json-path";

export const EXAMPLE_BODY_MAX_CHARS = 2048;
const REDACTED = "[redacted]";

function redactAt(value: unknown, steps: PathStep[], depth: number): void {
  if (depth >= steps.length - 1) {
    const last = steps[steps.length - 1];
    if (!last || typeof value !== "object" || value === null) return;
    if (last.kind === "key" && !Array.isArray(value) && Object.hasOwn(value, last.name))
      (value as Record<string, unknown>)[last.name] = REDACTED;
    if (last.kind === "index" && Array.isArray(value) && last.index < value.length) value[last.index] = REDACTED;
    if (last.kind === "each" && Array.isArray(value)) value.fill(REDACTED);
    return;
  }
  const step = steps[depth]!;
  if (typeof value !== "object" || value === null) return;
  if (step.kind === "each" && Array.isArray(value)) for (const item of value) redactAt(item, steps, depth + 1);
  else if (step.kind === "index" && Array.isArray(value)) redactAt(value[step.index], steps, depth + 1);
  else if (step.kind === "key" && !Array.isArray(value))
    redactAt((value as Record<string, unknown>)[step.name], steps, depth + 1);
}

export function redactForExample(body: string, redact: PathStep[][], maxChars = EXAMPLE_BODY_MAX_CHARS): string {
  let text = body;
  if (redact.length > 0) {
    try {
      const parsed: unknown = JSON.parse(body);
      for (const steps of redact) {
        if (steps.length === 0) return REDACTED;
        redactAt(parsed, steps, 0);
      }
      text = JSON.stringify(parsed);
    } catch {
      return "[not JSON: withheld because redaction is configured]";
    }
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}…[truncated ${text.length - maxChars} chars]` : text;
}
