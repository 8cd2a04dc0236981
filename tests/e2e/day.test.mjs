// A day at the counter: a hundred citizens, with random (seeded) answers, tapped with a finger,
// some walking away mid-survey. At the end the staff page's counts equal exactly what was
// answered: a citizen who tapped "Không hài lòng" and walked away at the reasons is counted as
// not satisfied (and as unfinished), nothing is flagged as misuse, and no reason was ticked that
// nobody chose. The browser's clock is run forward between citizens, as a real day would pass.

import { test } from "node:test";
import assert from "node:assert/strict";
import { firstPage, launchBrowser, openStaff, startServer } from "./harness.mjs";

const CITIZENS = 100;
const LEVELS = ["rat-hai-long", "hai-long", "khong-hai-long"];

/** A small seeded generator, so that every run sees the same day. */
function random(seed) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

test("a day at the counter: the staff counts equal what a hundred citizens answered", { timeout: 300_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const next = random(20261123);
  const expected = { "rat-hai-long": 0, "hai-long": 0, "khong-hai-long": 0, partial: 0, "cho-lau": 0 };
  try {
    const page = await firstPage(browser);
    await page.clock.install({ time: new Date("2026-11-23T08:00:00+07:00") });
    await page.goto(server.url);
    for (let citizen = 0; citizen < CITIZENS; citizen++) {
      await page.locator('label.level[data-code="hai-long"]').waitFor();
      const level = LEVELS[Math.floor(next() * LEVELS.length)];
      await page.locator(`label.level[data-code="${level}"]`).tap();
      if (level === "khong-hai-long") {
        await page.locator("fieldset.multi").waitFor();
        if (next() < 0.4) {
          // Walks away at the reasons: warned after 30 s, put away 5 s later. The sad tap
          // still counts: the rating was answered.
          await page.clock.runFor(36_000);
          expected.partial += 1;
          expected[level] += 1;
        } else {
          if (next() < 0.5) {
            await page.locator('label.option[data-code="cho-lau"]').tap();
            expected["cho-lau"] += 1;
          }
          await page.locator("button.next").tap();
          await page.locator("textarea").waitFor();
          await page.locator("button.next").tap();
          await page.locator(".thanks").waitFor();
          await page.clock.runFor(6_000);
          expected[level] += 1;
        }
      } else {
        await page.locator(".thanks").waitFor();
        await page.clock.runFor(6_000);
        expected[level] += 1;
      }
      // The next citizen arrives a few minutes later.
      await page.clock.runFor(120_000);
    }

    await openStaff(page, `${server.url}/staff`);
    const values = await page.locator(".summary dd").allTextContents();
    const counted = expected["rat-hai-long"] + expected["hai-long"] + expected["khong-hai-long"];
    assert.equal(counted, CITIZENS, "every citizen who tapped a face is counted");
    assert.deepEqual(values.slice(0, 3), [String(counted), "0", String(expected.partial)], "counted, misuse, partial");
    for (const level of LEVELS) {
      const count = await page.locator(`table.tally[data-question="muc-do-hai-long"] tr[data-code="${level}"] .count`).textContent();
      assert.equal(Number(count), expected[level], level);
    }
    for (const reason of ["cho-lau", "huong-dan-khong-ro", "phai-bo-sung", "thai-do", "tra-ket-qua-tre", "khac"]) {
      const cell = page.locator(`table.tally[data-question="ly-do"] tr[data-code="${reason}"] .count`);
      if ((await cell.count()) === 0) continue;
      assert.equal(Number(await cell.textContent()), expected[reason] ?? 0, `reason ${reason}: only what was tapped`);
    }
    assert.ok(expected.partial > 0 && expected["khong-hai-long"] > 0, "the day had walk-aways and complaints");
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
