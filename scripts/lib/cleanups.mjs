// One stack of things to stop for the harness scripts (benchmarks, load, chaos,
// fuzz): push a closer for everything started; `cleanup()` runs them newest
// first, logging (never throwing on) a failing one, and SIGINT/SIGTERM run it
// before exiting 130, so nothing a run started outlives it.
export function cleanupStack(before = () => {}) {
  const cleanups = [];
  const cleanup = async () => {
    before();
    while (cleanups.length > 0)
      await cleanups
        .pop()()
        .catch((error) => console.error("cleanup:", error.message));
  };
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => cleanup().finally(() => process.exit(130)));
  return { cleanups, cleanup };
}
