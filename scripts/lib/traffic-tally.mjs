// What `npm run demo:traffic` counts, apart from how it sends: per variant
// the answers and errors (a failover is green's error, served by blue), and
// stickiness. A response without a variant header (the dev server's own 503
// while it reloads, an unrouted path) has no assignment to compare, so it is
// counted apart and never as a user changing variant.

export function createTally() {
  const stats = { blue: { ok: 0, errors: 0 }, green: { ok: 0, errors: 0, failedOverToBlue: 0 } };
  const withoutVariant = { count: 0, byStatus: {} };
  const variantOfUser = new Map();
  let flips = 0;
  let networkErrors = 0;

  /** One answer: its status and the x-model-variant / x-flag-failover headers (null when absent). */
  function record(user, { status, variant, failover }) {
    // With failover, a failing green answer is served by blue: the assignment is still green.
    const assigned = failover ? failover.split("->")[0] : variant;
    if (assigned !== "blue" && assigned !== "green") {
      withoutVariant.count++;
      withoutVariant.byStatus[status] = (withoutVariant.byStatus[status] ?? 0) + 1;
      return;
    }
    if (failover) stats.green.failedOverToBlue++;
    if (variantOfUser.has(user) && variantOfUser.get(user) !== assigned) flips++;
    variantOfUser.set(user, assigned);
    stats[assigned][status >= 500 || failover ? "errors" : "ok"]++;
  }

  function summary() {
    return {
      stats,
      responsesWithoutVariant: withoutVariant,
      networkErrors,
      usersSeen: variantOfUser.size,
      usersThatChangedVariant: flips,
    };
  }

  return { record, networkError: () => void networkErrors++, summary };
}
