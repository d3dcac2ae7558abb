// Calls the real Worker on the proxy path (POST by default), reads the whole
// answer and waits for its background work, so outcomes are in the embedded
// store when this returns (the answer comes back buffered).
// Also installs fresh fake origins around every test of the calling file.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, vi } from "vitest";
import worker from "../../src/index";
import { installFakeOrigins } from "./fake-origins";

export async function callProxy(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://router.example${path}`, { method: "POST", ...init }),
    env,
    ctx,
  );
  // The outcome is recorded once the body has ended: read it, as a client would, before waiting.
  let body: ArrayBuffer | ReadableStream | null = null;
  if (response.body) {
    // A body that breaks mid-way still breaks for the caller.
    body = await response
      .arrayBuffer()
      .catch((error: unknown) => new ReadableStream({ start: (controller) => controller.error(error) }));
  }
  await waitOnExecutionContext(ctx);
  return new Response(body, response);
}

/** Registers beforeEach/afterEach hooks; read `.current` inside tests. */
export function useFakeOrigins(): { current: ReturnType<typeof installFakeOrigins> } {
  const holder = {} as { current: ReturnType<typeof installFakeOrigins> };
  beforeEach(() => {
    holder.current = installFakeOrigins();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return holder;
}
