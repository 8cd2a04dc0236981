// axe-core on every kiosk screen: no violation of WCAG 2.1 A or AA is allowed.
// axe is injected through the browser's developer protocol (`page.evaluate`), so the app's
// content security policy, which forbids inline script, stays in force during the test.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { KIOSK, PHONE, firstPage, launchBrowser, openStaff, showSection, startServer } from "./harness.mjs";

const require = createRequire(import.meta.url);
const AXE = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

/** The violations on the page as it is now, one line each. */
async function violations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
  );
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`
  );
}

// Text at 200 %: a 1280-pixel kiosk zoomed to 200 % lays out like a 640 × 400 screen.
const ZOOM_200 = { width: 640, height: 400 };

for (const [size, viewport] of [["kiosk", KIOSK], ["phone", PHONE], ["kiosk at 200 %", ZOOM_200]]) {
  test(`every kiosk screen passes axe at ${size} size`, { timeout: 120_000 }, async () => {
    const server = await startServer();
    const browser = await launchBrowser({ viewport });
    try {
      const page = await firstPage(browser);
      const found = {};
      const check = async (screen) => {
        const list = await violations(page);
        // Nothing may be cut off or need sideways scrolling at any size.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) list.push(`the page is ${overflow} px wider than the screen`);
        if (list.length) found[screen] = list;
      };
      await page.goto(server.url);
      await page.locator("label.level").first().waitFor();
      await check("question");
      await page.locator(".lang-switch").tap();
      await check("question in English");
      await page.locator(".lang-switch").tap();
      await page.locator('label.level[data-code="khong-hai-long"]').tap();
      await page.locator("fieldset.multi").waitFor();
      await page.locator('label.option[data-code="khac"]').tap();
      await page.locator("button.next").tap();
      await page.locator(".violation").waitFor();
      await check("why, with a problem shown");
      await page.locator(".other-text input").fill("Không có chỗ ngồi");
      await page.locator("button.next").tap();
      await page.locator("textarea").waitFor();
      await check("comment");
      await page.locator("button.next").tap();
      await page.locator(".thanks").waitFor();
      await check("thank-you");
      await page.goto(`${server.url}/?survey=danh-gia-ho-so`);
      await page.locator("button.start").waitFor();
      await check("welcome");
      await page.goto(`${server.url}/?survey=sipas`);
      await page.locator("button.start").tap();
      for (let i = 0; i < 6; i++) await page.locator("button.next").tap();
      await page.locator("fieldset.matrix").waitFor();
      await check("matrix");
      await page.goto(`${server.url}/staff`);
      await page.locator("#pin").waitFor();
      await check("staff PIN");
      await openStaff(page, `${server.url}/staff`);
      await check("staff results");
      await showSection(page, "cai-dat");
      await check("staff settings");
      await page.goto(`${server.url}/?survey=khong-co`);
      await page.locator(".out-of-service").waitFor();
      await check("out of service");
      assert.deepEqual(found, {});
    } finally {
      await browser.close();
      await server.stop();
    }
  });
}
