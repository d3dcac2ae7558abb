// `overrides import KEY file.csv`: pins unit keys from a CSV through the
// bulk endpoint, in chunks (≤ 10 000 ops and < 1 MiB each), each chunk one
// atomic call guarded by If-Match on the flag's ETag, the next chunk using
// the ETag the previous one returned. Upserts are idempotent, so after a
// failure re-running the whole file is safe. Progress bar on a TTY (stderr).
import { enc } from "../http.mjs";
import { CliError, EXIT, usageError } from "../errors.mjs";
import { intOption } from "../args.mjs";
import { chunkRows, MAX_OPS_PER_CALL, parseOverridesCsv } from "../csv.mjs";
import { progressBar } from "../format.mjs";

export async function importOverrides(ctx, key, file) {
  if (!file) throw usageError("usage: switchyard overrides import KEY file.csv");
  const chunkSize = intOption(ctx.options, "chunk", MAX_OPS_PER_CALL, { max: MAX_OPS_PER_CALL });
  let text;
  try {
    text = await ctx.readFile(file);
  } catch (error) {
    throw usageError(`cannot read ${file}: ${error.code ?? error.message}`);
  }
  const { rows, problems } = parseOverridesCsv(text);
  if (problems.length > 0) {
    throw new CliError(
      `${file}: ${problems.length} problem(s), nothing imported:\n  ${problems.slice(0, 10).join("\n  ")}${problems.length > 10 ? "\n  …" : ""}`,
      EXIT.USAGE,
      { code: "invalid_csv", details: problems.slice(0, 100) },
    );
  }
  if (rows.length === 0) throw usageError(`${file}: no rows (expected unitKey,variant lines)`);
  const chunks = chunkRows(rows, chunkSize);
  let { etag } = await ctx.api.request("GET", `/flags/${enc(key)}`, { what: `flag "${key}"` });
  let done = 0;
  const showProgress = ctx.isTTY && !ctx.json;
  for (const [index, chunk] of chunks.entries()) {
    try {
      const answer = await ctx.api.request("POST", `/flags/${enc(key)}/overrides`, {
        body: { upsert: chunk.map(({ unitKey, variant }) => ({ unitKey, variant })) },
        ifMatch: etag,
        what: `flag "${key}"`,
      });
      etag = answer.etag ?? `"flag-${answer.body.version}"`;
    } catch (error) {
      if (showProgress) ctx.progress(null);
      if (error instanceof CliError) {
        error.message = `chunk ${index + 1}/${chunks.length} (from line ${chunk[0].line}) failed after ${done} of ${rows.length} rows were applied: ${error.message}`;
        error.details = { applied: done, total: rows.length, failedAtLine: chunk[0].line, reason: error.details };
      }
      throw error;
    }
    done += chunk.length;
    if (showProgress) ctx.progress(`importing ${progressBar(done, rows.length)}`);
  }
  if (showProgress) ctx.progress(null);
  const summary = { flag: key, imported: done, chunks: chunks.length, etag };
  return ctx.json
    ? ctx.printJson(summary)
    : ctx.print(`flag ${key}: ${done} overrides imported in ${chunks.length} call(s); flag ETag now ${etag}`);
}
