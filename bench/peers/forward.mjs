// What each peer Worker does after evaluating: forward the request to the
// variant's origin, as the bare Worker does, and name the variant in a
// response header (so the harness can check the split). Nothing else: no
// outcome, no timeout, no header hygiene (the floor Worker prices those).
export async function forwardTo(variant, request, env) {
  const url = new URL(request.url);
  const origin = variant === "green" ? env.GREEN_ORIGIN : env.BLUE_ORIGIN;
  const response = await fetch(origin + url.pathname + url.search, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const routed = new Response(response.body, response);
  routed.headers.set("x-model-variant", variant);
  return routed;
}
