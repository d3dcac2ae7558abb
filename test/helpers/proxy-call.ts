// Calls the real Worker on the proxy path (POST by default) and waits for its
// background work, so outcomes are in the embedded store when this returns.
// Also installs fresh fake origins around every test of the calling file.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, vi } from "vitest";
import worker from "../../src/index";
import { installFakeOrigins } from "./fake-origins";

export async function callProxy(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://router.example${path}`, { method: "POST", ...init }), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
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
