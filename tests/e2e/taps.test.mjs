// What a citizen taps is what is stored: taps with a finger (touch events, then the click the
// browser makes of them) at kiosk, upright-tablet and phone sizes, and comments typed key by key.
// Each test reads the record the device stored, not only the screen.

import { test } from "node:test";
import assert from "node:assert/strict";
import { KIOSK, PHONE, UPRIGHT, fingerTap, storedResponses, withKiosk } from "./harness.mjs";

const SIZES = { kiosk: KIOSK, upright: UPRIGHT, phone: PHONE };

/** Waits for the thank-you and resolves to the one record the device stored. */
async function theStoredRecord(page) {
  await page.locator(".thanks").waitFor({ timeout: 10_000 });
  const records = await storedResponses(page);
  assert.equal(records.length, 1, "one response stored");
  return records[0];
}

for (const [name, viewport] of Object.entries(SIZES)) {
  test(`${name}: tapping "Không hài lòng" ticks no reason on the next screen`, { timeout: 60_000 }, async () => {
    await withKiosk(
      async ({ server, browser, page }) => {
        await page.goto(server.url);
        await fingerTap(page, page.locator('label.level[data-code="khong-hai-long"]'));
        await page.locator("fieldset.multi").waitFor();
        // The click the browser makes of the tap has been dispatched by the time the next
        // frame is drawn; wait for two, then look.
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
        assert.equal(await page.locator("fieldset.multi input:checked").count(), 0, "no reason ticked");
        await fingerTap(page, page.locator("button.next"));
        await page.locator("textarea").waitFor();
        await fingerTap(page, page.locator("button.next"));
        const record = await theStoredRecord(page);
        assert.deepEqual(Object.keys(record.answers), ["muc-do-hai-long"], "only the rating was answered");
        assert.deepEqual(record.answers["muc-do-hai-long"], { kind: "choice", value: "khong-hai-long" });
        assert.deepEqual(browser.problems, []);
      },
      { viewport }
    );
  });

  test(`${name}: each per-dossier answer is the one tapped, none carried to the next question`, { timeout: 60_000 }, async () => {
    await withKiosk(
      async ({ server, browser, page }) => {
        await page.goto(`${server.url}/?survey=danh-gia-ho-so`);
        await fingerTap(page, page.locator("button.start"));
        const taps = [
          ["thoi-gian-tra-ket-qua", "dung-hen"],
          ["so-lan-lien-he", "mot-lan"],
          ["so-co-quan-lien-he", "nhieu-hon-mot"],
          ["phien-ha-sach-nhieu", "khong"],
          ["muc-do-hai-long", "hai-long"],
        ];
        for (const [question, code] of taps) {
          await page.locator(`.kiosk-root[data-screen="asking:${question}"]`).waitFor();
          await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
          assert.equal(await page.locator("input:checked").count(), 0, `${question} starts with nothing chosen`);
          await fingerTap(page, page.locator(`label.level[data-code="${code}"]`));
        }
        const record = await theStoredRecord(page);
        const stored = Object.fromEntries(Object.entries(record.answers).map(([id, answer]) => [id, answer.value]));
        assert.deepEqual(stored, Object.fromEntries(taps));
        assert.deepEqual(browser.problems, []);
      },
      { viewport }
    );
  });
}

test("a comment typed key by key is stored with its spaces and line breaks", { timeout: 60_000 }, async () => {
  await withKiosk(
    async ({ server, browser, page }) => {
      await page.goto(server.url);
      await page.locator('label.level[data-code="khong-hai-long"]').tap();
      await page.locator('label.option[data-code="khac"]').tap();
      await page.locator(".other-text input").tap();
      await page.keyboard.type("Phải đi lại 3 lần ");
      assert.equal(await page.locator(".other-text input").inputValue(), "Phải đi lại 3 lần ", "shown as typed");
      await page.locator("button.next").tap();
      await page.locator("textarea").tap();
      await page.keyboard.type("Chờ 2 tiếng mới đến lượt.\nCán bộ  nhiệt tình ");
      assert.equal(await page.locator("textarea").inputValue(), "Chờ 2 tiếng mới đến lượt.\nCán bộ  nhiệt tình ");
      await page.locator("button.next").tap();
      const record = await theStoredRecord(page);
      assert.deepEqual(record.answers["ly-do"], { kind: "choices", value: { codes: ["khac"], other: "Phải đi lại 3 lần" } });
      assert.deepEqual(record.answers["y-kien"], { kind: "text", value: "Chờ 2 tiếng mới đến lượt.\nCán bộ  nhiệt tình" });
      assert.deepEqual(browser.problems, []);
    },
    { viewport: PHONE }
  );
});
