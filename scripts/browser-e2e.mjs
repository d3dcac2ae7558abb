// test:browser — the dashboard in real Chromium (playwright-core, Debian's
// /usr/bin/chromium) against the built router under Miniflare on 127.0.0.1
// (scripts/lib/e2e-harness.mjs seeds the demo flag). Checks: redirect to
// sign-in, keyboard sign-in, the demo flag in the list, charts and what each
// variant answered on the flag page, the kill switch with a reason behind a confirm dialog (cancel changes
// nothing; accept flips it, the audit row appears and the router serves
// KILL_SWITCH), a stale page answered "changed since you loaded it", no CSP
// violations, no horizontal scrolling at 390 px. Screenshots: docs/dashboard.png
// (committed, for the README) and test-artifacts/ (ignored).
// Without Chromium: a loud message, exit 0 — except under CI, where it fails.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ADMIN_TOKEN, FLAG, adminCall, startRouter } from "./lib/e2e-harness.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = "test-artifacts";
const ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

if (!existsSync(CHROMIUM)) {
  const banner = "!".repeat(78);
  console.error(
    `${banner}\n!! test:browser: Chromium not found at ${CHROMIUM} — browser tests NOT RUN.\n!! Install it with: apt-get install -y chromium\n${banner}`,
  );
  process.exit(process.env.CI ? 1 : 0);
}

const { chromium } = await import("playwright-core");
const cleanups = [];
/** The harness's VERSION_PROBE_SECONDS (1) with room for a loaded machine. */
const PROBE_BOUND_MS = 10_000;
let passed = 0;
const started = Date.now();

async function cleanup() {
  while (cleanups.length > 0)
    await cleanups
      .pop()()
      .catch((error) => console.error("cleanup:", error.message));
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => cleanup().finally(() => process.exit(130)));

async function step(name, fn) {
  const t0 = Date.now();
  await fn();
  passed++;
  console.log(`  ✓ ${name} (${Date.now() - t0} ms)`);
}

/** A fresh browser context that records CSP violations and page errors. */
async function newPage(browser, viewport, problems) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${viewport.width}px console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${viewport.width}px page error: ${error.message}`));
  return page;
}

async function signIn(page, base) {
  await page.goto(new URL("/admin", base).href);
  assert.match(page.url(), /\/admin\/login$/, "not signed in → sign-in page");
  await page.getByLabel("Admin API token").fill(ADMIN_TOKEN);
  // Keyboard: Enter in the field submits the form.
  await Promise.all([page.waitForURL(/\/admin$/), page.getByLabel("Admin API token").press("Enter")]);
  assert.ok(!page.url().includes("syk_"), "the token never appears in the URL");
}

/** Routes qa-alice until the router gives `wanted` as its reason or `withinMs` passes; the last reason seen. */
async function reasonWithin(base, wanted, withinMs) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const routed = await fetch(new URL("/demo/predict", base), {
      method: "POST",
      headers: { "x-user-id": "qa-alice" },
      body: "{}",
    });
    await routed.arrayBuffer();
    const reason = routed.headers.get("x-flag-reason");
    if (reason === wanted || Date.now() > deadline) return reason;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function noHorizontalScroll(page, width) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= width, `page is ${scrollWidth}px wide at a ${width}px viewport`);
}

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  mkdirSync("docs", { recursive: true });
  const work = mkdtempSync(path.join(tmpdir(), "switchyard-e2e-"));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  const { base } = await startRouter(work, cleanups);
  console.log(`router on ${base} (seeded in ${Date.now() - started} ms)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  cleanups.push(() => browser.close());
  const problems = [];
  const flagUrl = new URL(`/admin/flags/${FLAG}`, base).href;

  const page = await newPage(browser, { width: 1280, height: 900 }, problems);
  await step("sign in with the keyboard; the skip link is the first tab stop", async () => {
    await signIn(page, base);
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
  });

  await step("flags list shows the demo flag with stage, health and sparkline", async () => {
    const row = page.getByRole("row", { name: new RegExp(FLAG) });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /25 % green/);
    assert.match(text, /Kill switch off/);
    assert.match(text, /hold/);
    assert.equal(await row.locator("svg.spark").count(), 1);
    await page.screenshot({ path: `${ARTIFACTS}/flags-1280.png`, fullPage: true });
  });

  await step("flag page draws four blue-vs-green charts with a legend", async () => {
    await page.getByRole("link", { name: FLAG, exact: true }).click();
    await page.waitForURL(flagUrl);
    assert.equal(await page.locator("figure.chart:not(#chart-predictions) svg[role=img]").count(), 4);
    assert.equal(await page.getByText("blue (stable) — latest").count(), 4);
    const d = await page.locator("#chart-errors path.line-green").getAttribute("d");
    assert.ok(d && d.split("L").length > 20, "the green error line has many points");
    assert.equal(await page.getByRole("heading", { name: /Stage 3 of 4: 25 % green — running now/ }).count(), 1);
    // The README image: header, controls, the four charts and what each variant answered.
    const answers = await page.locator("#answers + .grid2").boundingBox();
    assert.ok(answers, "the answers panel is on the page");
    await page.screenshot({
      path: "docs/dashboard.png",
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: Math.ceil(answers.y + answers.height + 16) },
    });
    await page.screenshot({ path: `${ARTIFACTS}/flag-1280.png`, fullPage: true });
  });

  await step("flag page shows what each variant answered: invalid rate, labels and drift", async () => {
    const table = page.locator("#answers-table");
    assert.match(await table.innerText(), /Invalid rate\s+[\d.]+ % \([\d,]+ of [\d,]+ inspected\)/);
    assert.match(await table.innerText(), /not streamed/);
    assert.equal(await page.locator("#chart-predictions rect.bar-green").count(), 3);
    assert.match(await page.locator("p.drift").first().innerText(), /PSI [\d.]+ · chi-square p/);
    await page.locator("#answers + .grid2").screenshot({ path: `${ARTIFACTS}/answers-1280.png` });
  });

  await step("kill switch: cancelling the confirm dialog changes nothing", async () => {
    await page.getByLabel("Reason (recorded in the audit log)").fill("e2e: cancelled");
    page.once("dialog", (dialog) => dialog.dismiss());
    await page.getByRole("button", { name: "Turn kill switch ON" }).click();
    await page.waitForTimeout(200);
    assert.equal(page.url(), flagUrl);
    const flag = await (await adminCall(base, "GET", `/flags/${FLAG}`)).json();
    assert.equal(flag.killSwitch, false);
  });

  await step("kill switch with a reason and confirmation: state, audit row and routing change", async () => {
    await page.getByLabel("Reason (recorded in the audit log)").fill("e2e: green error spike");
    let question = "";
    page.once("dialog", (dialog) => {
      question = dialog.message();
      return dialog.accept();
    });
    await Promise.all([
      page.waitForURL(/notice=killed/),
      page.getByRole("button", { name: "Turn kill switch ON" }).click(),
    ]);
    assert.match(question, /Turn the kill switch ON for "demo-model"/);
    assert.match(question, /Reason: e2e: green error spike/);
    await page.getByRole("status").filter({ hasText: "Kill switch is ON" }).waitFor();
    assert.equal(await page.locator("h1 .badge-kill").innerText(), "Kill switch ON");
    const firstAudit = await page.locator("#audit-table tbody tr").first().innerText();
    assert.match(firstAudit, /flag\.kill/);
    assert.match(firstAudit, /e2e: green error spike/);
    // The router is its own Worker (deployed layout): it sees the kill within its version probe (1 s here).
    assert.equal(await reasonWithin(base, "KILL_SWITCH", PROBE_BOUND_MS), "KILL_SWITCH");
    await page.screenshot({ path: `${ARTIFACTS}/flag-killed-1280.png`, fullPage: true });
  });

  await step("a stale page gets “changed since you loaded it” (412)", async () => {
    const other = await page.context().newPage();
    await other.goto(flagUrl);
    await Promise.all([page.waitForURL(/notice=paused/), page.getByRole("button", { name: "Pause rollout" }).click()]);
    const response = await Promise.all([
      other.waitForResponse((r) => r.request().method() === "POST"),
      other.getByRole("button", { name: "Pause rollout" }).click(),
    ]).then(([r]) => r);
    assert.equal(response.status(), 412);
    await other.getByRole("alert").filter({ hasText: "changed since you loaded it" }).waitFor();
    await other.screenshot({ path: `${ARTIFACTS}/stale-412.png` });
    await other.close();
  });

  await step("390 px: list and flag page fit the width and stay usable", async () => {
    const narrow = await newPage(browser, { width: 390, height: 844 }, problems);
    await signIn(narrow, base);
    await noHorizontalScroll(narrow, 390);
    await narrow.screenshot({ path: `${ARTIFACTS}/flags-390.png`, fullPage: true });
    await narrow.goto(flagUrl);
    await noHorizontalScroll(narrow, 390);
    assert.equal(await narrow.locator("figure.chart:not(#chart-predictions) svg[role=img]").count(), 4);
    const box = await narrow.locator("#chart-p95 svg[role=img]").boundingBox();
    assert.ok(box && box.width <= 390 && box.width > 300, `chart width ${box?.width}`);
    await narrow.screenshot({ path: `${ARTIFACTS}/flag-390.png`, fullPage: true });
    await narrow.context().close();
  });

  await step("no CSP violations or script errors", async () => {
    assert.deepEqual(problems, []);
  });
}

try {
  await main();
  console.log(
    `test:browser: ${passed} passed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in docs/dashboard.png and ${ARTIFACTS}/`,
  );
} catch (error) {
  console.error(`test:browser FAILED after ${passed} passed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
