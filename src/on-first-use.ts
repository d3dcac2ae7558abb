// Lazy loading of what a new isolate should not build at start-up: an app
// or module is imported on its first request and kept for the isolate.

/** Loads once per isolate on first call; a failed load is retried by the next call. */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}
