// Types for http.mjs (plain ESM, no build step), for the TypeScript tests.
export function adminBase(url: string): string;
export function configFrom(
  env: Record<string, string | undefined>,
  overrides?: { url?: string },
): { base: string; token: string };
export function createApi(
  config: { base: string; token: string },
  fetchImpl?: typeof fetch,
): {
  request(
    method: string,
    path: string,
    options?: { body?: unknown; ifMatch?: string; what?: string; allow404?: boolean },
  ): Promise<{ status: number; etag: string | null; body: any }>;
};
export const enc: typeof encodeURIComponent;
