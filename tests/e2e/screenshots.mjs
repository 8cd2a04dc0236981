// Takes screenshots of every screen at kiosk (1280×800), upright tablet (800×1280) and phone (390×844) sizes into
// docs/screenshots/, for people to look at. Run it with `cargo xtask screenshots`.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { KIOSK, PHONE, UPRIGHT, firstPage, launchBrowser, rate, startServer } from "./harness.mjs";

const out = process.argv[2] ?? "docs/screenshots";
mkdirSync(out, { recursive: true });

const server = await startServer();
try {
  for (const [size, viewport] of [["kiosk", KIOSK], ["upright", UPRIGHT], ["phone", PHONE]]) {
    const browser = await launchBrowser({ viewport });
    try {
      const page = await firstPage(browser);
      await page.goto(server.url);
      await page.locator("button.level").first().waitFor();
      await page.screenshot({ path: join(out, `${size}-question.png`) });
      await rate(page, "rat-hai-long");
      await page.screenshot({ path: join(out, `${size}-thanks.png`) });
      await page.goto(`${server.url}/staff`);
      await page.locator(".summary .responses").waitFor();
      await page.screenshot({ path: join(out, `${size}-staff.png`), fullPage: true });
      if (browser.problems.length) throw new Error(browser.problems.join("\n"));
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.stop();
}
console.log(`screenshots written to ${out}`);
