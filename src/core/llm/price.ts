// An origin's token price and a request's cost (docs/design/llm-traffic.md).
// Prices are USD per million tokens, set per origin (`origins.<slot>.price`),
// so a new model's price travels with the origin that serves it. Pure.

export interface TokenPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

/** A price above this per million tokens is a typo, not a model. */
export const MAX_PRICE_PER_MTOK = 10_000;

const KNOWN = new Set(["inputPerMTok", "outputPerMTok"]);

/** Null when `raw` is a valid price, else why not (the caller prefixes the path). */
export function priceProblem(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "must be an object";
  const unknown = Object.keys(raw).find((key) => !KNOWN.has(key));
  if (unknown !== undefined) return `${unknown} is not a price field (inputPerMTok, outputPerMTok)`;
  for (const key of KNOWN) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_PRICE_PER_MTOK)
      return `${key} must be a number of USD per million tokens, 0–${MAX_PRICE_PER_MTOK}`;
  }
  return null;
}

/** Cost in USD of one request; null when its usage or the origin's price is unknown. */
export function requestCostUsd(
  price: TokenPrice | null | undefined,
  inputTokens: number | null,
  outputTokens: number | null,
): number | null {
  if (!price || inputTokens === null || outputTokens === null) return null;
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1e6;
}
