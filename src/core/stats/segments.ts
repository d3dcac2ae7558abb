// Per-segment breakdown and Simpson's-paradox check. Contract: pure; compares
// point estimates (the paradox is about them), attaching each segment's
// fixed-horizon p-value so readers can tell noise from a real reversal.
import type { Direction } from "./types";

/** Which arm looks better on point estimates. */
export type Winner = "blue" | "green" | "tie";

/** One metric's value per arm in one slice of traffic; null when the slice has no data for it. */
export interface SliceValue {
  readonly blue: number;
  readonly green: number;
  /** Fixed-horizon two-sided p-value of the difference, if testable. */
  readonly pValue: number | null;
}

export interface SegmentComparison extends SliceValue {
  readonly segment: string;
  /** green − blue. */
  readonly difference: number;
  readonly winner: Winner;
}

export interface SimpsonCheck {
  readonly aggregateWinner: Winner;
  /** Segments with data for this metric, in input order. */
  readonly segments: readonly SegmentComparison[];
  /**
   * True when ≥ 2 segments all favour the same arm and the aggregate does not
   * (this includes the classic case: the aggregate winner loses in every segment).
   */
  readonly paradox: boolean;
  /** Segments whose winner differs from the aggregate's (heterogeneity, not necessarily a paradox). */
  readonly disagreeingSegments: readonly string[];
}

/** Winner by direction: for lower_is_better the smaller value wins. */
export function winnerOf(blue: number, green: number, direction: Direction): Winner {
  if (blue === green) return "tie";
  const greenLower = green < blue;
  return greenLower === (direction === "lower_is_better") ? "green" : "blue";
}

/**
 * Simpson's paradox check (Simpson 1951; Blyth 1972): does the aggregate
 * comparison point the other way from a unanimous set of segment comparisons?
 */
export function checkSimpson(
  aggregate: SliceValue,
  segments: ReadonlyArray<readonly [string, SliceValue | null]>,
  direction: Direction,
): SimpsonCheck {
  const aggregateWinner = winnerOf(aggregate.blue, aggregate.green, direction);
  const compared: SegmentComparison[] = [];
  for (const [segment, value] of segments) {
    if (value === null) continue;
    compared.push({
      segment,
      ...value,
      difference: value.green - value.blue,
      winner: winnerOf(value.blue, value.green, direction),
    });
  }
  const first = compared[0]?.winner;
  const unanimous = first !== undefined && first !== "tie" && compared.every((s) => s.winner === first);
  return {
    aggregateWinner,
    segments: compared,
    paradox: compared.length >= 2 && unanimous && aggregateWinner !== first,
    disagreeingSegments: compared.filter((s) => s.winner !== aggregateWinner).map((s) => s.segment),
  };
}
