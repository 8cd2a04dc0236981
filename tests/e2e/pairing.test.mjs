// A tablet paired with the server: staff type the one-time code in the kiosk's staff area
// (touch, key by key); the kiosk then takes its unit, counter and survey from the server,
// keeps answering offline, and takes a change made on the server between two citizens, never
// during one. The code works once.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  KIOSK,
  deviceStores,
  firstPage,
  hailong,
  launchBrowser,
  openStaff,
  rate,
  serverResponses,
  startServer,
} from "./harness.mjs";

const SHOTS = process.env.HAILONG_SCREENSHOTS;

/** The kiosk settings as stored on the tablet, as JSON text. */
async function storedSettings(page) {
  return JSON.stringify((await deviceStores(page, ["settings"])).settings);
}

test("a paired kiosk takes its unit, counter and survey from the server, offline too, and a change between citizens", { timeout: 240_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser({ viewport: KIOSK });
  try {
    const db = ["--db", server.db];
    hailong(["unit", "add", "an-khanh", "--name", "Phường An Khánh", ...db]);
    hailong(["unit", "counter", "an-khanh", "quay-2", "--name", "Quầy Đất đai", ...db]);
    hailong(["device", "add", "kiosk-an-khanh-2", "--unit", "an-khanh", "--counter", "quay-2", "--survey", "danh-gia-tai-quay", ...db]);
    const code = hailong(["device", "pair", "kiosk-an-khanh-2", ...db]).trim();
    assert.match(code, /^[A-Z2-9]{5}-[A-Z2-9]{5}$/);

    const page = await firstPage(browser);
    await openStaff(page, `${server.url}/staff`, "cai-dat");
    await page.locator("#pairing-code").tap();
    await page.keyboard.type(code.toLowerCase());
    await page.locator(".pairing-form button[type=submit]").tap();
    await page.locator(".pairing-form .note").waitFor({ timeout: 15_000 });
    assert.match(await page.locator(".pairing-form .note").textContent(), /Phường An Khánh · Quầy Đất đai \(quay-2\)/);
    assert.equal(await page.locator("#unit-code").inputValue(), "an-khanh", "the settings form shows what the server set");
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, "kiosk-pairing-1280x800.png") });
    }
    // The code works once: a second tablet typing it is refused.
    const again = await fetch(`${server.url}/api/v1/pair`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
    assert.equal(again.status, 403);

    // The kiosk runs with the unit's name and sends its responses as that unit's.
    await page.goto(`${server.url}/`);
    await page.locator(".unit-name").waitFor();
    assert.equal(await page.locator(".unit-name").textContent(), "Phường An Khánh · Quầy Đất đai", "the kiosk names its unit and counter");
    await rate(page, "hai-long");
    await page.waitForFunction(() => (document.querySelector(".kiosk-root")?.dataset.screen ?? "").startsWith("asking"), null, { timeout: 15_000 });
    await assert.doesNotReject(async () => {
      for (let tries = 0; tries < 40 && (await serverResponses(server)).size < 1; tries++) await new Promise((r) => setTimeout(r, 250));
    });
    assert.equal((await serverResponses(server)).size, 1);

    // Offline, it keeps answering with the configuration it has.
    await browser.context.setOffline(true);
    await rate(page, "rat-hai-long");
    await browser.context.setOffline(false);

    // A citizen not satisfied is asked why: mid-survey, the server changes the kiosk's survey.
    await page.waitForFunction(() => (document.querySelector(".kiosk-root")?.dataset.screen ?? "").startsWith("asking"), null, { timeout: 15_000 });
    await page.locator('label.level[data-code="khong-hai-long"]').tap();
    await page.waitForFunction(() => document.querySelector("button.next"), null, { timeout: 10_000 });
    hailong(["device", "set", "kiosk-an-khanh-2", "--survey", "sipas", "--officer", "cb-07; Lê Văn Cường", "--on-duty", "cb-07", ...db]);
    // Within a poll (30 s) the tablet has the new configuration stored ...
    await page.waitForFunction(
      () =>
        new Promise((resolve) => {
          const open = indexedDB.open("hailong");
          open.onsuccess = () => {
            const request = open.result.transaction("settings").objectStore("settings").getAll();
            request.onsuccess = () => resolve(JSON.stringify(request.result).includes('\\"survey_id\\":\\"sipas\\"'));
          };
        }),
      null,
      { timeout: 45_000, polling: 1_000 }
    );
    // ... but the citizen in the middle of their answers is not interrupted.
    assert.ok(await page.locator("button.next").isVisible(), "still on the citizen's question");
    assert.match(await page.locator(".survey-title").textContent(), /Đánh giá sự phục vụ tại quầy/);
    for (let step = 0; step < 5 && !(await page.locator(".thanks").isVisible()); step++) {
      await page.waitForFunction(() => {
        const next = document.querySelector("button.next");
        return document.querySelector(".thanks") || (next && !next.disabled);
      }, null, { timeout: 10_000 });
      if (await page.locator(".thanks").isVisible()) break;
      await page.locator("button.next").tap();
    }
    await page.locator(".thanks").waitFor({ timeout: 10_000 });
    // After the thank-you, between citizens, the kiosk reloads into the server's survey.
    await page.waitForFunction(() => (document.querySelector(".survey-title")?.textContent ?? "").includes("SIPAS"), null, { timeout: 30_000 });
    const responses = await serverResponses(server);
    for (let tries = 0; tries < 40 && responses.size < 3; tries++) {
      await new Promise((r) => setTimeout(r, 250));
      for (const [id, level] of await serverResponses(server)) responses.set(id, level);
    }
    assert.equal(responses.size, 3, "the offline answer and the one before the change were sent too");
    const settings = await storedSettings(page);
    assert.ok(settings.includes("sipas"));
    assert.ok(settings.includes('\\"on_duty\\":\\"cb-07\\"') && settings.includes("Lê Văn Cường"), settings);
  } finally {
    await browser.close();
    await server.stop();
  }
});
