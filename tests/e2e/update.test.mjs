// A new version of the app, deployed while a citizen is answering, must not disturb them, and
// must take over once they are done. The service worker installs it in the background and
// waits; the kiosk lets it take over only when it is back at the start with no one answering.

import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstPage, launchBrowser, startServer, waitForOfflineReady } from "./harness.mjs";

/** A copy of the built app that is a new version: another worker version and a marked shell. */
function newVersion(dist) {
  const copy = mkdtempSync(join(tmpdir(), "hailong-dist-v2-"));
  cpSync(dist, copy, { recursive: true });
  const worker = join(copy, "sw.js");
  writeFileSync(worker, readFileSync(worker, "utf8").replace(/const VERSION = "([^"]+)"/, 'const VERSION = "$1-v2"'));
  rmSync(`${worker}.gz`, { force: true });
  rmSync(`${worker}.br`, { force: true });
  const shell = join(copy, "index.html");
  writeFileSync(shell, readFileSync(shell, "utf8").replace("<title>", '<meta name="hailong-test-version" content="2"><title>'));
  rmSync(`${shell}.gz`, { force: true });
  rmSync(`${shell}.br`, { force: true });
  return copy;
}

const version = (page) =>
  page.evaluate(() => document.querySelector('meta[name="hailong-test-version"]')?.content ?? "1");

test("a new version deployed mid-survey waits until the citizen is done", { timeout: 120_000 }, async () => {
  let server = await startServer();
  const v2 = newVersion(process.env.HAILONG_DIST);
  const browser = await launchBrowser();
  try {
    const page = await firstPage(browser);
    await page.goto(server.url);
    await waitForOfflineReady(page);
    assert.equal(await version(page), "1");

    // A citizen starts: not satisfied, so the follow-up question shows.
    await page.locator('label.level[data-code="khong-hai-long"]').tap();
    await page.locator("fieldset.multi").waitFor();
    await page.locator('label.option[data-code="cho-lau"]').tap();

    // Version 2 is deployed at the same address, and the browser finds it.
    await server.stop();
    server = await startServer({ port: server.port, dist: v2 });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await page.waitForFunction(async () => Boolean((await navigator.serviceWorker.getRegistration()).waiting), null, { timeout: 20_000 });

    // The citizen is not disturbed: same page, same answers.
    assert.equal(await page.locator('label.option[data-code="cho-lau"] input').isChecked(), true);
    assert.equal(await version(page), "1");
    await page.locator("button.next").tap();
    const reloaded = page.waitForEvent("framenavigated", { timeout: 30_000 });
    await page.locator("button.next").tap();
    await page.locator(".thanks").waitFor();
    assert.equal(await version(page), "1", "the thank-you is still the old version's");

    // Back at the start, the new version takes over: the page reloads into it.
    await reloaded;
    await page.locator("label.level").first().waitFor();
    assert.equal(await version(page), "2");
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(v2, { recursive: true, force: true });
  }
});
