// The staff area: a PIN chosen at first run guards it, five wrong tries lock it for a minute
// (a reload does not lift the lock), and the settings saved there survive a reload and go into
// every response.

import { test } from "node:test";
import assert from "node:assert/strict";
import { TEST_PIN, deviceStores, fillKioskCodes, openStaff, rate, showSection, storedResponses, withKiosk } from "./harness.mjs";

async function tryPin(page, pin) {
  await page.locator("#pin").fill(pin);
  await page.locator(".pin-form button[type=submit]").click();
}

test("five wrong PINs lock the staff area for a minute, even across a reload", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await page.clock.install();
    await openStaff(page, `${server.url}/staff`); // chooses the PIN on this new kiosk
    await page.goto("about:blank");
    await page.goto(`${server.url}/staff#ket-qua`);
    for (let left = 4; left >= 1; left--) {
      await tryPin(page, "0000");
      await page.getByText(`Còn ${left} lần thử`).waitFor();
    }
    await tryPin(page, "0000");
    await page.locator(".locked").waitFor();
    assert.match(await page.locator(".locked").textContent(), /thử lại sau 60 giây/);

    await page.reload();
    await page.locator(".locked").waitFor();
    assert.equal(await page.locator("#pin").count(), 0, "no PIN can be tried while locked");

    await page.clock.runFor(61_000);
    await page.locator("#pin").waitFor();
    await tryPin(page, TEST_PIN);
    await page.locator(".summary .responses").waitFor();
    assert.deepEqual(browser.problems, []);
  });
});

test("settings saved by staff survive a reload and go into every response", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await openStaff(page, `${server.url}/staff`, "cai-dat");
    await page.locator("#unit-code").fill("Phường 1");
    await page.locator("#counter-code").fill("quay-2");
    await page.locator(".settings-form button[type=submit]").click();
    await page.locator(".field-problem").waitFor();

    await page.locator("#unit-name").fill("Bộ phận Một cửa phường Hồng Bàng");
    await page.locator("#unit-code").fill("phuong-hong-bang");
    await page.locator("#counter-code").fill("quay-2");
    await page.locator("#thanks-seconds").fill("3");
    await page.locator(".settings-form button[type=submit]").click();
    await page.locator(".saved").waitFor();

    await openStaff(page, `${server.url}/staff`, "cai-dat");
    assert.equal(await page.locator("#unit-code").inputValue(), "phuong-hong-bang", "kept across a reload");

    await page.goto(server.url);
    assert.equal(await page.locator(".unit-name").textContent(), "Bộ phận Một cửa phường Hồng Bàng");
    await rate(page, "rat-hai-long");
    assert.match(await page.locator(".countdown").textContent(), /3 giây/);
    const stored = await storedResponses(page);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].unit, "phuong-hong-bang");
    assert.equal(stored[0].counter, "quay-2");
    assert.deepEqual(browser.problems, []);
  });
});

/** What the settings form shows now, field by field. */
async function formValues(page) {
  const values = {};
  for (const id of ["unit-name", "unit-code", "counter-code", "device-token", "idle-seconds"]) {
    values[id] = await page.locator(`#${id}`).inputValue();
  }
  return values;
}

/** Clears a field and types into it key by key, as staff do. */
async function typeInto(page, id, text) {
  await page.locator(`#${id}`).fill("");
  await page.locator(`#${id}`).click();
  await page.keyboard.type(text);
}

test("what the settings form shows after Save is what was stored, and a later Save keeps it", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await openStaff(page, `${server.url}/staff`, "cai-dat");
    // A fresh kiosk: the codes are required, and a placeholder is never taken for a value.
    assert.equal(await page.locator("#unit-code").inputValue(), "");
    await page.locator(".settings-form button[type=submit]").click();
    assert.equal(await page.locator(".field-problem").count(), 2, "unit and counter codes are required");

    await typeInto(page, "unit-name", "Bộ phận Một cửa phường Hồng Bàng");
    await typeInto(page, "unit-code", "phuong-hong-bang");
    await typeInto(page, "counter-code", "quay-2");
    await page.locator(".settings-form button[type=submit]").click();
    await page.locator(".saved").waitFor();
    const saved = {
      "unit-name": "Bộ phận Một cửa phường Hồng Bàng",
      "unit-code": "phuong-hong-bang",
      "counter-code": "quay-2",
      "device-token": "",
      "idle-seconds": "30",
    };
    assert.deepEqual(await formValues(page), saved, "the first Save on a fresh kiosk blanks nothing");

    // The device token added afterwards keeps the unit and counter.
    const token = "0123456789abcdef0123456789abcdef";
    await typeInto(page, "device-token", token);
    await page.locator(".settings-form button[type=submit]").click();
    await page.locator(".saved").waitFor();
    assert.deepEqual(await formValues(page), { ...saved, "device-token": token });
    // Saved twice: the second Save writes what the form shows, not older values.
    await typeInto(page, "counter-code", "quay-3");
    await page.locator(".settings-form button[type=submit]").click();
    await page.locator(".saved").waitFor();
    await page.locator(".settings-form button[type=submit]").click();
    await page.locator(".saved").waitFor();
    const expected = { ...saved, "device-token": token, "counter-code": "quay-3" };
    assert.deepEqual(await formValues(page), expected);
    await openStaff(page, `${server.url}/staff`, "cai-dat");
    assert.deepEqual(await formValues(page), expected, "as stored, across a reload");
    assert.deepEqual(browser.problems.filter((problem) => !problem.includes("401")), []);
  });
});

test("outside the opening hours set by staff the kiosk is closed and stores nothing", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    // Sunday 22 November 2026, 10:00 in Vietnam.
    await page.clock.install({ time: new Date("2026-11-22T10:00:00+07:00") });
    await openStaff(page, `${server.url}/staff`, "cai-dat");
    // Opening hours on, with the hours suggested: weekdays with a lunch break, Saturday
    // morning, Sunday closed.
    await page.locator("#hours-on").check();
    assert.equal(await page.locator("#hours-1").inputValue(), "07:30-11:30, 13:30-17:00");
    assert.equal(await page.locator("#hours-7").inputValue(), "");
    await fillKioskCodes(page);
    await page.locator(".settings-form button[type=submit]").click();
    await page.locator(".saved").waitFor();

    await page.goto(server.url);
    await page.locator(".closed").waitFor();
    assert.match(await page.locator(".closed").textContent(), /ngoài giờ làm việc/);
    assert.match(await page.locator(".closed").textContent(), /Thứ 2 – Thứ 6: 07:30–11:30, 13:30–17:00; Thứ 7: 07:30–11:30/);
    assert.equal(await page.locator("label.level").count(), 0, "nothing to tap");

    // Monday 07:31: the kiosk opens by itself; at the lunch break it closes, and opens again.
    await page.clock.setSystemTime(new Date("2026-11-23T07:31:00+07:00"));
    await page.clock.runFor(2_000);
    await page.locator('label.level[data-code="hai-long"]').waitFor();
    await page.clock.setSystemTime(new Date("2026-11-23T11:45:00+07:00"));
    await page.clock.runFor(2_000);
    await page.locator(".closed").waitFor();
    await page.clock.setSystemTime(new Date("2026-11-23T13:31:00+07:00"));
    await page.clock.runFor(2_000);
    await page.locator('label.level[data-code="hai-long"]').waitFor();
    assert.deepEqual(browser.problems, []);
  });
});

test("with full screen set, the kiosk fills the screen at the first touch", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await openStaff(page, `${server.url}/staff`, "cai-dat");
    await page.locator("#full-screen").check();
    await fillKioskCodes(page);
    await page.locator(".settings-form button[type=submit]").click();
    await page.locator(".saved").waitFor();
    await page.goto(server.url);
    await page.locator("label.level").first().waitFor();
    assert.equal(await page.evaluate(() => document.fullscreenElement === null), true);
    await page.locator(".survey-title").click();
    await page.waitForFunction(() => document.fullscreenElement !== null, null, { timeout: 5_000 });
    assert.deepEqual(browser.problems, []);
  });
});

/** Touches the screen at (x, y) with one finger for `ms` milliseconds of the page's clock. */
async function hold(page, x, y, ms) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
  await page.clock.runFor(ms);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
}

test("staff reach the staff area from a full-screen kiosk by holding its corner, and find its sections", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await page.clock.install({ time: new Date("2026-11-23T09:00:00+07:00") });
    await page.goto(server.url);
    await page.locator("label.level").first().waitFor();
    await hold(page, 12, 12, 300);
    assert.equal(new URL(page.url()).pathname, "/", "a short touch in the corner goes nowhere");
    await hold(page, 12, 12, 2_100);
    await page.waitForURL(/\/staff$/);
    await page.locator("#pin").waitFor();

    // A new device opens at its settings, with every section a link away.
    await page.locator("#pin").fill(TEST_PIN);
    await page.locator("#pin-again").fill(TEST_PIN);
    await page.locator(".pin-form button[type=submit]").click();
    await page.locator('nav.sections a[href="#cai-dat"][aria-current=page]').waitFor();
    const sections = await page.locator("nav.sections a").evaluateAll((links) => links.map((link) => link.getAttribute("href")));
    assert.deepEqual(sections, ["#ket-qua", "#xuat", "#nhap", "#chot-so-lieu", "#dien-thoai", "#sao-luu", "#cai-dat"]);
    await fillKioskCodes(page);
    await page.locator(".settings-form button[type=submit]").click();
    await page.locator(".saved").waitFor();
    await page.goto(server.url);
    await rate(page, "hai-long");

    // The survey is chosen from a list; the period, grouping and CSV profile are remembered.
    await openStaff(page, `${server.url}/staff`);
    await page.locator("#survey-shown").selectOption("sipas");
    await page.locator('table.tally[data-question="gioi-tinh"]').waitFor();
    await openStaff(page, `${server.url}/staff`);
    assert.equal(await page.locator("#survey-shown").inputValue(), "sipas", "the survey chosen is remembered");
    await page.locator("#survey-shown").selectOption("danh-gia-tai-quay");
    await page.locator('table.tally[data-question="muc-do-hai-long"]').waitFor();
    await page.locator("#by-counter").check();
    const period = await page.locator("#period option").nth(1).getAttribute("value");
    await page.locator("#period").selectOption(period);
    await showSection(page, "xuat");
    await page.locator("#profile").selectOption("excel-vi");
    // The choice is kept in IndexedDB a moment after it is made; a page left sooner keeps the last.
    for (let tries = 0; tries < 50; tries++) {
      const { settings } = await deviceStores(page, ["settings"]);
      if (JSON.stringify(settings).includes("excel-vi")) break;
      await page.waitForTimeout(100);
    }
    await openStaff(page, `${server.url}/staff`, "xuat");
    assert.equal(await page.locator("#profile").inputValue(), "excel-vi", "the CSV profile is remembered");
    assert.equal(await page.locator("#period").inputValue(), period, "the period is remembered");
    assert.equal(await page.locator("#by-counter").isChecked(), true, "the grouping is remembered");
    assert.equal(await page.locator("#survey-shown").inputValue(), "danh-gia-tai-quay");
    assert.deepEqual(browser.problems, []);
  });
});
