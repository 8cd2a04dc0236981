// How soon a citizen's phone can answer the first question of the QR page on a slow line, beside
// the floor (a static HTML page with native radios and no script) measured in the same run.
// Each load is cold: a fresh browser context, the cache off, no service worker. "Ready" is the
// first animation frame in which the first option is laid out, visible, not covered and
// clickable, on the page's own clock (`performance.now()`, from the start of navigation). The
// slow line is Chromium's network emulation (400 kbps down and up, 400 ms round trip) with the
// CPU slowed 4×. Run by `cargo xtask bench first`; prints one JSON line.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer } from "./harness.mjs";

const LOADS = Number(process.argv[2] ?? 5);
const SLOW = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const FLOOR = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đánh giá</title></head><body><form method="post" action="/p/phuong-1/quay-2"><fieldset>
<legend>Ông/Bà có hài lòng với sự phục vụ tại quầy hôm nay không?</legend>
<label><input type="radio" name="answer" value="rat-hai-long"> Rất hài lòng</label>
<label><input type="radio" name="answer" value="hai-long"> Hài lòng</label>
<label><input type="radio" name="answer" value="khong-hai-long"> Không hài lòng</label>
<button>Gửi</button></fieldset></form></body></html>
`;

/** Marks the first frame in which `selector`'s first match could take a tap. */
function watchReady(selector) {
  const check = () => {
    const element = document.querySelector(selector);
    if (element) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.height > 0 && box.top < innerHeight && box.bottom > 0) {
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        const style = getComputedStyle(element);
        if (hit && (hit === element || element.contains(hit)) && style.visibility !== "hidden" && !element.disabled) {
          window.__readyAt = performance.now();
          return;
        }
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

async function load(browser, url, selector, slow) {
  const context = await browser.newContext({ serviceWorkers: "block", hasTouch: true, viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    if (slow) {
      await cdp.send("Network.emulateNetworkConditions", SLOW);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    }
    let started = null;
    const received = [];
    cdp.on("Network.requestWillBeSent", (event) => {
      if (started === null && event.type === "Document") started = event.timestamp;
    });
    // What had fully arrived (on the wire, compressed) by the time the question could be answered.
    cdp.on("Network.loadingFinished", (event) => received.push([event.timestamp, event.encodedDataLength]));
    await page.addInitScript(watchReady, selector);
    await page.goto(url, { waitUntil: "commit" });
    await page.waitForFunction(() => window.__readyAt !== undefined, null, { timeout: 60_000, polling: 50 });
    const readyMs = await page.evaluate(() => window.__readyAt);
    const readyAt = started + readyMs / 1000;
    const bytes = received.filter(([at]) => at <= readyAt).reduce((sum, [, length]) => sum + length, 0);
    return { readyMs, bytes };
  } finally {
    await context.close();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dist = mkdtempSync(join(tmpdir(), "hailong-bench-dist-"));
cpSync(process.env.HAILONG_DIST, dist, { recursive: true });
writeFileSync(join(dist, "floor.html"), FLOOR);
const server = await startServer({ dist });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const result = {};
try {
  const pages = {
    floor: [`${server.url}/floor.html`, 'input[type="radio"]'],
    phone: [`${server.url}/p/phuong-1/quay-2`, ".level"],
  };
  for (const [name, [url, selector]] of Object.entries(pages)) {
    for (const slow of [true, false]) {
      const loads = [];
      // Interleaved with nothing else; one warm-up load of the server is not counted.
      await load(browser, url, selector, false);
      for (let i = 0; i < LOADS; i++) loads.push(await load(browser, url, selector, slow));
      const key = `${name}_${slow ? "slow" : "fast"}`;
      result[`${key}_ms`] = median(loads.map((l) => l.readyMs));
      result[`${key}_bytes`] = median(loads.map((l) => l.bytes));
      result[`${key}_all_ms`] = loads.map((l) => Math.round(l.readyMs));
    }
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(dist, { recursive: true, force: true });
}
console.log(JSON.stringify({ loads: LOADS, ...result }));
