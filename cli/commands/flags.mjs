// `flags list`, `flag show KEY`, `audit KEY`: read-only (read scope).
// --json prints the API's own objects: { items } for lists, the flag (plus
// its rollout or null) for show.
import { enc } from "../http.mjs";
import { intOption } from "../args.mjs";
import { formatAudit, formatFlag, formatFlagList } from "../format.mjs";

/** Follows nextCursor until the end (or `max` items). */
async function allPages(api, path, max = Infinity) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const { body } = await api.request("GET", `${path}${sep}limit=200${cursor ? `&cursor=${enc(cursor)}` : ""}`);
    items.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor && items.length < max);
  return items.slice(0, max);
}

export async function flagsList(ctx) {
  const items = await allPages(ctx.api, "/flags");
  return ctx.json ? ctx.printJson({ items }) : ctx.print(formatFlagList(items));
}

export async function flagShow(ctx, key) {
  const { body: flag, etag } = await ctx.api.request("GET", `/flags/${enc(key)}`, { what: `flag "${key}"` });
  const rollout = (await ctx.api.request("GET", `/flags/${enc(key)}/rollouts/current`, { allow404: true })).body;
  return ctx.json ? ctx.printJson({ flag, etag, rollout }) : ctx.print(formatFlag(flag, rollout));
}

export async function audit(ctx, key) {
  const limit = intOption(ctx.options, "limit", 50, { max: 10_000 });
  // A flag that does not exist has no audit rows; say "not found" rather than "no entries".
  await ctx.api.request("GET", `/flags/${enc(key)}`, { what: `flag "${key}"` });
  const items = await allPages(ctx.api, `/audit?flag=${enc(key)}`, limit);
  return ctx.json ? ctx.printJson({ items }) : ctx.print(formatAudit(items));
}
