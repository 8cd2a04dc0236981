// How long the staff area takes to import a large raw CSV: every row read and checked against
// its survey in wasm, joined to what is stored, and committed to IndexedDB in one transaction,
// until the report and the recounted figures show. Then the same file again (all duplicates).
// Run by `cargo xtask bench`; prints one JSON line.

import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstPage, launchBrowser, openStaff, seededRawCsv, showSection, startServer } from "./harness.mjs";

const rows = Number(process.argv[2] ?? 100_000);
const folder = mkdtempSync(join(tmpdir(), "hailong-import-bench-"));
const file = join(folder, "raw.csv");
writeFileSync(file, seededRawCsv(rows));
const server = await startServer();
const browser = await launchBrowser();
const timings = {};
try {
  const page = await firstPage(browser);
  await openStaff(page, `${server.url}/staff`);
  await page.locator("#period").selectOption("2026-Q4");
  for (const run of ["first", "again"]) {
    await showSection(page, "nhap");
    const started = performance.now();
    await page.locator("#import-files").setInputFiles(file);
    await page.locator(".import-reports > li").waitFor({ timeout: 300_000 });
    const added = Number(await page.locator(".import-reports > li").getAttribute("data-added"));
    await showSection(page, "ket-qua");
    await page.waitForFunction(
      ([count]) => document.querySelector(".summary .responses")?.textContent === String(count) && !document.querySelector(".import-progress"),
      [rows],
      { timeout: 300_000 }
    );
    timings[`${run}_s`] = (performance.now() - started) / 1000;
    timings[`${run}_added`] = added;
    await openStaff(page, `${server.url}/staff`);
    await page.locator("#period").selectOption("2026-Q4");
  }
  if (browser.problems.length) throw new Error(browser.problems.join("\n"));
} finally {
  await browser.close();
  await server.stop();
}
const megabytes = statSync(file).size / 1e6;
rmSync(folder, { recursive: true, force: true });
console.log(JSON.stringify({ rows, megabytes, ...timings }));
