// The phone page's first screen, drawn by the server: a tap before the wasm has arrived is
// stored once; a tap whose connection is lost is said plainly and sent when it returns, once;
// with JavaScript off a one-tap rating reaches the server. The server's screen and the app's
// say the same for every shipped survey, and axe finds nothing on it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { PHONE, launchBrowser, serverResponses, startServer } from "./harness.mjs";

const require = createRequire(import.meta.url);
const AXE = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
const PAGE = "/p/phuong-1/quay-2";

/** Waits until the server holds exactly `count` responses, and a moment more to see no other. */
async function holdsExactly(server, count) {
  const deadline = Date.now() + 15_000;
  let held = new Map();
  while (Date.now() < deadline) {
    held = await serverResponses(server);
    if (held.size >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  held = await serverResponses(server);
  assert.equal(held.size, count, `the server holds ${held.size} responses`);
  return held;
}

/** A page whose wasm never arrives: its request is held back until the test ends. */
async function withoutWasm(page) {
  const held = [];
  await page.route("**/*.wasm", (route) => held.push(route));
  return held;
}

test("a tap on the server's first screen before the wasm has arrived is stored once and thanked", { timeout: 60_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser({ viewport: PHONE });
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await withoutWasm(page);
    await page.goto(`${server.url}${PAGE}`);
    const option = page.locator('button.level[data-code="hai-long"]');
    await option.tap();
    await page.locator(".thanks-text").waitFor();
    assert.match(await page.locator(".thanks-text").textContent(), /Cảm ơn Ông\/Bà đã đánh giá!/);
    const held = await holdsExactly(server, 1);
    assert.deepEqual([...held.values()], ["hai-long"]);
    assert.equal(await page.locator("label.level").count(), 0, "the app never started under the thanks");
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("a tap whose connection is lost is said plainly and stored once when the line returns", { timeout: 60_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser({ viewport: PHONE });
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await withoutWasm(page);
    // The first try reaches the server but its answer is lost on the way back; the second
    // finds the line down; the third goes through.
    let tries = 0;
    await page.route(`**${PAGE}`, async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      tries += 1;
      if (tries === 1) {
        await route.fetch();
        return route.abort("connectionreset");
      }
      if (tries === 2) return route.abort("internetdisconnected");
      return route.continue();
    });
    const answers = [];
    page.on("response", async (response) => {
      if (response.request().method() === "POST") answers.push(`${response.status()} ${await response.text().catch(() => "")}`);
    });
    await page.goto(`${server.url}${PAGE}`);
    await page.locator('button.level[data-code="khong-hai-long"]').tap();
    await page.locator(".first-status").filter({ hasText: "Chưa gửi được đánh giá" }).waitFor();
    await page.locator(".thanks-text").waitFor({ timeout: 20_000 }).catch(async (error) => {
      throw new Error(`${error.message}; ${tries} tries; ${answers.join(" | ")}; status: ${await page.locator(".first-status").textContent()}`);
    });
    assert.ok(tries >= 3, `${tries} tries`);
    const held = await holdsExactly(server, 1);
    assert.deepEqual([...held.values()], ["khong-hai-long"], "the three tries are one response");
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("with JavaScript off, a one-tap rating reaches the server and the citizen is thanked", { timeout: 60_000 }, async () => {
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, hasTouch: true, viewport: PHONE, locale: "vi-VN" });
    const page = await context.newPage();
    await page.goto(`${server.url}${PAGE}`);
    const sent = await page.locator('input[name="response_id"]').getAttribute("value");
    await page.locator('button.level[data-code="rat-hai-long"]').tap();
    await page.locator(".thanks-text").waitFor();
    const held = await holdsExactly(server, 1);
    assert.deepEqual([...held.values()], ["rat-hai-long"]);
    // The same form sent again (the browser's "resubmit", a double tap that got through) is
    // the same response, and thanked again.
    const again = await fetch(`${server.url}${PAGE}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ response_id: sent, survey: "danh-gia-tai-quay@2026.1", answer: "rat-hai-long", token: "" }),
    });
    assert.match(await again.text(), /Cảm ơn Ông\/Bà đã đánh giá!/);
    await holdsExactly(server, 1);
  } finally {
    await browser.close();
    await server.stop();
  }
});

/** What a screen says: its title, question or welcome text, and each option's labels. */
async function screenText(page) {
  return page.evaluate(() => {
    const clean = (node) => (node?.textContent ?? "").replace(/\s+/g, " ").trim();
    const main = document.querySelector(".kiosk-root main");
    return {
      title: clean(document.querySelector(".survey-title")),
      heading: clean(main.querySelector("legend.question-text, h1.welcome-title")),
      intro: clean(main.querySelector(".welcome-intro")),
      options: [...main.querySelectorAll(".level, .option")].map((option) => [option.dataset.code, clean(option)]),
      start: clean(main.querySelector("button.start")),
      privacy: clean(main.querySelector(".privacy")),
    };
  });
}

test("the server's first screen says what the app's says, for every shipped survey, and axe finds nothing on it", { timeout: 120_000 }, async () => {
  const server = await startServer();
  const off = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const on = await launchBrowser({ viewport: PHONE });
  try {
    const offPage = await (await off.newContext({ javaScriptEnabled: false, viewport: PHONE })).newPage();
    const onPage = on.context.pages()[0] ?? (await on.context.newPage());
    for (const query of ["", "?survey=danh-gia-ho-so", "?survey=sipas"]) {
      await offPage.goto(`${server.url}${PAGE}${query}`);
      const drawn = await screenText(offPage);
      assert.ok(drawn.heading, `${query}: the server drew a first screen`);
      await onPage.goto(`${server.url}${PAGE}${query}`);
      await onPage.locator(".kiosk-root:not(.prerendered) main").waitFor();
      const app = await screenText(onPage);
      assert.deepEqual(drawn, app, `${query || "the counter rating"}: the same screen`);
      // axe, with JavaScript on for axe alone: a page of the same HTML with nothing started.
      const checked = await (await off.newContext({ viewport: PHONE })).newPage();
      await checked.route("**/*.js", (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: "" }));
      await checked.goto(`${server.url}${PAGE}${query}`);
      await checked.evaluate(AXE);
      const result = await checked.evaluate(() =>
        window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
      );
      assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.help}`), [], `${query}: axe`);
    }
  } finally {
    await off.close();
    await on.close();
    await server.stop();
  }
});
