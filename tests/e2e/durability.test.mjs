// What the kiosk promises a citizen and the office: a thanked response is on disk, a burst of
// taps is flagged rather than counted, and a citizen who walks away is not lost or counted as
// complete.

import { test } from "node:test";
import assert from "node:assert/strict";
import { firstPage, launchBrowser, openStaff, rate, staffCounts, startServer, withKiosk } from "./harness.mjs";

test("a response survives the browser being killed right after its thank-you", { timeout: 120_000 }, async () => {
  const server = await startServer();
  let browser = await launchBrowser();
  const profile = browser.profile;
  try {
    const page = await firstPage(browser);
    await page.goto(server.url);
    await rate(page, "rat-hai-long");
    assert.ok(browser.kill() > 0, "the browser's processes were killed");
    await browser.close({ keepProfile: true });

    browser = await launchBrowser({ profile });
    const again = await firstPage(browser);
    const counts = await staffCounts(again, server.url);
    assert.equal(counts["rat-hai-long"], 1);
    assert.equal(counts._responses, 1);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("a tap right after the previous thank-you is kept but flagged as misuse", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await page.goto(server.url);
    await rate(page, "hai-long");
    // The question comes back after the thank-you; a tap at once is no new citizen.
    await page.locator("label.level").first().waitFor({ timeout: 10_000 });
    await rate(page, "rat-hai-long");
    await openStaff(page, `${server.url}/staff`);
    const values = await page.locator(".summary dd").allTextContents();
    assert.equal(values[0], "1", "one response counted");
    assert.equal(values[1], "1", "the hasty one flagged as misuse, not lost");
  });
});

test("a citizen who walks away is warned, then kept as partial, counted as not satisfied, and the kiosk starts again", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await page.clock.install();
    await page.goto(server.url);
    await page.locator('label.level[data-code="khong-hai-long"]').tap();
    await page.locator("fieldset.multi").waitFor();
    await page.clock.runFor(31_000);
    await page.locator(".idle-warning").waitFor();
    assert.match(await page.locator(".idle-warning").textContent(), /Ông\/Bà còn đó không\?/);
    await page.clock.runFor(6_000);
    await page.locator('label.level[data-code="rat-hai-long"]').waitFor();
    assert.equal(await page.locator(".idle-warning").count(), 0);
    assert.equal(await page.locator("fieldset.multi").count(), 0, "nothing of the last citizen shows");
    await openStaff(page, `${server.url}/staff`);
    const values = await page.locator(".summary dd").allTextContents();
    // The sad tap was an answer: it counts as not satisfied, and the response as unfinished.
    assert.deepEqual(values.slice(0, 3), ["1", "0", "1"], "counted: one; misuse: none; unfinished: one");
    const sad = page.locator('table.tally[data-question="muc-do-hai-long"] tr[data-code="khong-hai-long"] .count');
    assert.equal(await sad.textContent(), "1", "the walk-away's Không hài lòng is counted");
  });
});

