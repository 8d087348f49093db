// Stage `browser` of verify/run.py: load each reference page (docs/clients/*.html) in the system's
// headless Chromium through the pinned playwright-core, offline, and check that it loads without
// console errors, page errors or dialogs (a hostile description's alert() must never run), fetches
// nothing but its own file, and that the search box filters tools and operations.
//
//   node verify/browser.cjs MODULES_DIR CHROMIUM USER_DATA_DIR PAGE.html...
//
// Prints one JSON line per page: {"page", "ok", "problems": [...], "tools", "filtered"}.
"use strict";

const path = require("node:path");
const url = require("node:url");

const [modules, executablePath, userDataDir, ...pages] = process.argv.slice(2);
const { chromium } = require(path.resolve(modules, "playwright-core"));

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const STEP_MS = 15000;

async function visibleTools(page) {
  return page.$$eval("section.tool", (all) => all.filter((s) => !s.hidden).map((s) => s.id));
}

async function check(context, file) {
  const problems = [];
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", async (d) => {
    problems.push(`dialog opened (${d.type()}): ${d.message()}`);
    await d.dismiss();
  });
  const own = url.pathToFileURL(file).href;
  page.on("request", (r) => {
    if (r.url() !== own) problems.push(`request to ${r.url()}`);
  });
  await page.goto(own, { waitUntil: "load" });
  const all = await visibleTools(page);
  const names = await page.$$eval("section.tool h2 code", (c) => c.map((x) => x.textContent));
  if (all.length === 0) problems.push("no tool section is shown");
  let filtered = null;
  if (names.length > 0) {
    // the last tool's own name: it stays, and only sections matching it stay with it
    const query = names[names.length - 1];
    await page.fill("#search", query.toUpperCase());
    const shown = await visibleTools(page);
    const expected = await page.$$eval(
      "section.tool",
      (all, q) =>
        all
          .filter(
            (s) =>
              s.dataset.search.includes(q) ||
              Array.from(s.querySelectorAll("div.op")).some((o) => o.dataset.search.includes(q)),
          )
          .map((s) => s.id),
      query.toLowerCase(),
    );
    filtered = shown.length;
    if (JSON.stringify(shown) !== JSON.stringify(expected)) {
      problems.push(`search "${query}" shows ${shown.join(",")}, expected ${expected.join(",")}`);
    }
    if (!shown.includes(all[all.length - 1])) problems.push(`search "${query}" hides its own tool`);
    const counter = await page.textContent("#shown");
    if (counter !== String(shown.length)) problems.push(`counter says ${counter}, ${shown.length} shown`);
    await page.fill("#search", "no such tool or operation \u2603");
    if ((await visibleTools(page)).length !== 0) problems.push("a search matching nothing shows tools");
    if (await page.isHidden("#no-match")) problems.push('"no match" is not shown');
    await page.fill("#search", "");
    if ((await visibleTools(page)).length !== all.length) problems.push("clearing the search hides tools");
  }
  await page.close();
  return { page: file, ok: problems.length === 0, problems, tools: all.length, filtered };
}

async function main() {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: FLAGS,
    offline: true,
    timeout: 60000,
  });
  let failed = false;
  try {
    for (const file of pages) {
      let result;
      try {
        result = await check(context, path.resolve(file));
      } catch (e) {
        result = { page: file, ok: false, problems: [`failed: ${e.message}`], tools: 0, filtered: null };
      }
      failed = failed || !result.ok;
      process.stdout.write(JSON.stringify(result) + "\n");
    }
  } finally {
    await context.close();
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`browser: ${e.stack || e}\n`);
  process.exitCode = 2;
});
