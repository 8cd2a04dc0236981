// The time from a citizen's tap to their response being committed to IndexedDB (durability
// "strict"), over many taps in headless Chromium, as the app itself measures it on the
// browser's performance timeline. Run by `cargo xtask bench`; prints one JSON line.

import { firstPage, launchBrowser, startServer } from "./harness.mjs";

const taps = Number(process.argv[2] ?? 1000);
const server = await startServer();
const browser = await launchBrowser();
const durations = [];
try {
  const page = await firstPage(browser);
  await page.goto(server.url);
  for (let i = 0; i < taps; i++) {
    // Each citizen meets a freshly loaded kiosk, rather than waiting out the thank-you.
    if (i > 0) await page.reload();
    await page.locator(`label.level[data-code="${i % 2 ? "hai-long" : "rat-hai-long"}"]`).tap();
    await page.locator(".thanks").waitFor();
    durations.push(await page.evaluate(() => performance.getEntriesByName("hailong-tap-to-commit").pop().duration));
  }
} finally {
  await browser.close();
  await server.stop();
}
durations.sort((a, b) => a - b);
const at = (q) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))];
console.log(JSON.stringify({ taps, p50_ms: at(0.5), p95_ms: at(0.95), max_ms: durations[durations.length - 1] }));
