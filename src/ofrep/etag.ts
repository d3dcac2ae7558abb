// Strong ETags for bulk OFREP answers and If-None-Match matching (RFC 9110
// weak comparison: a W/ prefix is ignored; "*" matches any current answer).
export async function etagOfBody(body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  return `"ofrep-${[...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined || header.trim() === "") return false;
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === etag);
}
