// Citizens' phones against a real `hailong serve`: answers given offline wait in the outbox
// and reach the server exactly once, whatever the network and however many tabs are open;
// a single-use QR code rates once; a kiosk with a device token sends the same way.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  PHONE,
  STAFF_USER,
  deviceStores,
  fillKioskCodes,
  hailong,
  openStaff,
  rate,
  serverResponses,
  staffFetch,
  waitForOfflineReady,
  withKiosk,
} from "./harness.mjs";

const PHONE_PATH = "/p/phuong-1/quay-2";

/** Runs `body` with a fresh server and a phone-sized browser, closing both whatever happens. */
const withPhone = (body) => withKiosk(body, { viewport: PHONE });

/** What the phone's IndexedDB holds: its responses, its outbox and its sent-ledger. */
const deviceState = (page) => deviceStores(page, ["responses", "outbox", "sent"]);

/** Waits until the server holds `count` responses, and returns them. */
async function serverHolds(server, count, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let held = new Map();
  while (Date.now() < deadline) {
    held = await serverResponses(server);
    if (held.size >= count) return held;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server holds ${held.size} responses, not ${count}`);
}

/** Answers `levels` one after another on a phone that is offline: each a fresh visit to the
 *  link, served by the service worker from its cache. */
async function answerOffline(page, url, levels) {
  for (const level of levels) {
    await page.goto(url);
    await rate(page, level);
  }
}

test("a phone answers 5 surveys offline; back online the server holds exactly those 5", { timeout: 120_000 }, async () => {
  await withPhone(async ({ server, browser, page }) => {
    await page.goto(`${server.url}${PHONE_PATH}`);
    await waitForOfflineReady(page);
    await browser.context.setOffline(true);
    const levels = ["hai-long", "rat-hai-long", "hai-long", "hai-long", "rat-hai-long"];
    await answerOffline(page, `${server.url}${PHONE_PATH}`, levels);
    assert.match(await page.locator(".sync-line").textContent(), /lưu trên điện thoại/);

    let device = await deviceState(page);
    assert.equal(device.responses.length, 5);
    assert.equal(device.outbox.length, 5, "every response waits in the outbox");
    assert.equal((await serverResponses(server)).size, 0, "nothing reached the server while offline");

    await browser.context.setOffline(false);
    const held = await serverHolds(server, 5);
    await page.waitForFunction(() => document.querySelector(".sync-line")?.textContent.includes("đã được gửi"), null, {
      timeout: 15_000,
    });
    device = await deviceState(page);
    assert.equal(held.size, 5);
    assert.deepEqual(
      [...held.keys()].sort(),
      device.responses.map((record) => record.response_id).sort(),
      "the server holds exactly the phone's responses"
    );
    for (const record of device.responses) {
      assert.equal(held.get(record.response_id), record.answers["muc-do-hai-long"].value);
      assert.equal(record.channel, "phone");
      assert.equal(record.unit, "phuong-1");
      assert.equal(record.counter, "quay-2");
    }
    assert.equal(device.outbox.length, 0, "the outbox is empty once the server confirmed");
    assert.equal(device.sent.length, 5, "the sent-ledger has every response");
    for (const entry of device.sent) assert.match(entry.content_sha256, /^[0-9a-f]{64}$/);
    // Still 5 after a while: nothing is sent twice.
    await page.waitForTimeout(1_500);
    assert.equal((await serverResponses(server)).size, 5);
  });
});

test("a connection cut after the server stored a batch is retried with no duplicate", { timeout: 120_000 }, async () => {
  await withPhone(async ({ server, browser, page }) => {
    await page.goto(`${server.url}${PHONE_PATH}`);
    await waitForOfflineReady(page);
    await browser.context.setOffline(true);
    await answerOffline(page, `${server.url}${PHONE_PATH}`, ["hai-long", "rat-hai-long", "hai-long"]);

    // The first batch reaches the server, which stores it; the answer never reaches the phone.
    let cut = 0;
    await browser.context.route("**/api/v1/responses", async (route) => {
      if (cut === 0) {
        cut += 1;
        await route.fetch();
        await route.abort("connectionreset");
        return;
      }
      await route.continue();
    });
    await browser.context.setOffline(false);
    const held = await serverHolds(server, 3);
    await page.waitForFunction(() => document.querySelector(".sync-line")?.textContent.includes("đã được gửi"), null, {
      timeout: 20_000,
    });
    assert.equal(cut, 1, "one batch was cut");
    const device = await deviceState(page);
    assert.equal(held.size, 3, "three responses, none twice");
    assert.equal(device.outbox.length, 0);
    assert.deepEqual(
      device.sent.map((entry) => entry.status).sort(),
      [200, 200, 200],
      "the retry was answered as a replay of what the server already held"
    );
  });
});

test("two tabs sending at once leave no duplicate: one sender holds the lock", { timeout: 120_000 }, async () => {
  await withPhone(async ({ server, browser, page }) => {
    await page.goto(`${server.url}${PHONE_PATH}`);
    await waitForOfflineReady(page);
    const other = await browser.context.newPage();
    await browser.context.setOffline(true);
    await answerOffline(page, `${server.url}${PHONE_PATH}`, ["hai-long", "rat-hai-long"]);
    await answerOffline(other, `${server.url}${PHONE_PATH}`, ["hai-long", "rat-hai-long"]);

    const posted = [];
    browser.context.on("request", (request) => {
      if (request.url().endsWith("/api/v1/responses") && request.method() === "POST") {
        posted.push(...JSON.parse(request.postData()).records.map((record) => record.response_id));
      }
    });
    await browser.context.setOffline(false);
    const held = await serverHolds(server, 4);
    await page.waitForTimeout(2_000);
    assert.equal((await serverResponses(server)).size, 4);
    assert.equal(held.size, 4);
    assert.equal(new Set(posted).size, posted.length, `no response was sent twice: ${posted.join(", ")}`);
    const device = await deviceState(page);
    assert.equal(device.outbox.length, 0);
    assert.equal(device.sent.length, 4);
    await other.close();
  });
});

test("a replay with changed content gets 409: the original stays and the phone keeps its copy", { timeout: 120_000 }, async () => {
  await withPhone(async ({ server, page }) => {
    await page.goto(`${server.url}${PHONE_PATH}`);
    await rate(page, "rat-hai-long");
    const held = await serverHolds(server, 1);
    const [id] = held.keys();
    assert.equal(held.get(id), "rat-hai-long");

    // Someone changes the stored answer and queues it again.
    await page.evaluate(
      (id) =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("hailong");
          open.onsuccess = () => {
            const transaction = open.result.transaction(["outbox"], "readwrite");
            const changed = {
              format: 1,
              response_id: id,
              survey_id: "danh-gia-tai-quay",
              survey_version: "2026.1",
              submitted_at: "2026-11-23T09:00:00+07:00",
              channel: "phone",
              unit: "phuong-1",
              counter: "quay-2",
              partial: false,
              answers: { "muc-do-hai-long": { kind: "choice", value: "khong-hai-long" } },
            };
            transaction.objectStore("outbox").put({ response_id: id, record: JSON.stringify(changed) });
            transaction.oncomplete = () => resolve();
            transaction.onerror = () => reject(transaction.error);
          };
        }),
      id
    );
    const answer = page.waitForResponse((response) => response.url().endsWith("/api/v1/responses"));
    await page.reload();
    assert.equal((await answer).status(), 409);
    for (let attempt = 0; ; attempt++) {
      const { outbox } = await deviceState(page);
      if (outbox.some((entry) => entry.refused?.startsWith("409"))) break;
      if (attempt > 40) throw new Error("the phone never marked its changed copy refused");
      await page.waitForTimeout(250);
    }
    const after = await serverResponses(server);
    assert.equal(after.size, 1);
    assert.equal(after.get(id), "rat-hai-long", "the server kept the original");
  });
});

test("a single-use QR code rates once; opened again it says already rated", { timeout: 120_000 }, async () => {
  await withPhone(async ({ server, browser, page }) => {
    const issued = await staffFetch(server, "/api/v1/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ count: 1, unit: "phuong-1", counter: "quay-2" }),
    });
    assert.equal(issued.status, 201);
    const [token] = (await issued.json()).tokens;
    const link = `${server.url}${PHONE_PATH}#t=${token}`;
    await page.goto(link);
    await rate(page, "hai-long");
    await serverHolds(server, 1);
    // After the thanks, the phone says the code has rated rather than asking again.
    await page.locator(".rated").waitFor({ timeout: 15_000 });

    const again = await browser.context.newPage();
    await again.goto(link);
    await again.locator(".rated").waitFor({ timeout: 15_000 });
    assert.match(await again.locator("h1").textContent(), /đã được dùng/);
    assert.equal(await again.locator("label.level").count(), 0, "nothing to answer");
    assert.equal((await serverResponses(server)).size, 1);
    await again.close();
  });
});

/** Saves the kiosk's codes and a device token in the staff settings (a new one from `hailong
 *  device add` unless one is given); resolves to the token. */
async function giveDeviceToken(page, server, token = hailong(["device", "add", "phuong-1-quay-1", "--db", server.db]).trim()) {
  await openStaff(page, `${server.url}/staff`, "cai-dat");
  await fillKioskCodes(page);
  await page.locator("#device-token").fill(token);
  await page.locator(".settings-form button[type=submit]").click();
  await page.locator(".settings-form .saved").waitFor();
  return token;
}

test("a kiosk given a device token sends its responses, those from before included", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, page }) => {
    await page.goto(server.url);
    await rate(page, "hai-long");
    const token = await giveDeviceToken(page, server);
    assert.match(await page.locator(".settings-form .saved").textContent(), /1 câu trả lời/);
    await page.goto(server.url);
    await page.locator("label.level").first().waitFor();
    await page.waitForTimeout(3_500);
    await rate(page, "rat-hai-long");
    const held = await serverHolds(server, 2);
    assert.deepEqual([...held.values()].sort(), ["hai-long", "rat-hai-long"]);
    // A backup never carries the device token: a leaked backup must not become a kiosk.
    await openStaff(page, `${server.url}/staff`, "sao-luu");
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.download-backup").click()]);
    const backup = readFileSync(await download.path(), "utf8");
    assert.ok(backup.includes("phuong-1"), "the kiosk's other settings are kept");
    assert.ok(!backup.includes(token), "the device token is not in the backup");
  });
});

test("a kiosk whose clock is 20 minutes ahead of the server's says so in the staff area", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, page }) => {
    const token = await giveDeviceToken(page, server);
    // The tablet's clock runs 20 minutes fast; the server's answers carry the right time.
    await page.clock.install({ time: new Date(Date.now() + 20 * 60_000) });
    await page.goto(server.url);
    await rate(page, "hai-long");
    await serverHolds(server, 1);
    await openStaff(page, `${server.url}/staff`, "dien-thoai");
    const warning = page.locator(".clock-warning");
    await warning.waitFor({ timeout: 15_000 });
    assert.match(await warning.textContent(), /Đồng hồ của thiết bị này nhanh (19|20) phút so với máy chủ/);
    assert.match(await warning.textContent(), /minutes ahead of the server's/);
  });
});

test("the sending status puts each number under its label, and says in words when the server refuses the device token", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    const good = hailong(["device", "add", "phuong-1-quay-1", "--db", server.db]).trim();
    // A token of the right form that this server never issued.
    await giveDeviceToken(page, server, "ab".repeat(16));
    await page.goto(server.url);
    await rate(page, "hai-long");

    // Staff look in another tab while the kiosk's tab keeps trying.
    const staff = await browser.context.newPage();
    const status = async () => {
      const cells = {};
      for (const name of ["waiting", "sent", "refused"]) {
        const pair = staff.locator(`.summary.sending div:has(dd.${name})`);
        cells[name] = [(await pair.locator("dt").textContent()).split(" / ")[0], await pair.locator("dd").textContent()];
      }
      return cells;
    };
    for (let attempt = 0; ; attempt++) {
      await openStaff(staff, `${server.url}/staff`, "dien-thoai");
      if (await staff.locator(".last-round.problem").count()) break;
      if (attempt > 20) throw new Error("the kiosk's sender never reported its round");
      await staff.waitForTimeout(500);
    }
    assert.deepEqual(await status(), { waiting: ["Chờ gửi", "1"], sent: ["Máy chủ đã nhận", "0"], refused: ["Máy chủ từ chối", "0"] });
    assert.match(await staff.locator(".last-round").textContent(), /401: mã thiết bị không đúng hoặc đã bị thu hồi/);

    // With the right token the response reaches the server, and the numbers move.
    await openStaff(page, `${server.url}/staff`, "cai-dat");
    await page.locator("#device-token").fill(good);
    await page.locator(".settings-form button[type=submit]").click();
    await page.locator(".settings-form .saved").waitFor();
    await page.goto(server.url);
    await serverHolds(server, 1);
    for (let attempt = 0; ; attempt++) {
      await openStaff(staff, `${server.url}/staff`, "dien-thoai");
      if ((await staff.locator(".summary.sending dd.sent").textContent()) === "1") break;
      if (attempt > 20) throw new Error("the sent-ledger never showed the confirmed response");
      await staff.waitForTimeout(500);
    }
    assert.deepEqual(await status(), { waiting: ["Chờ gửi", "0"], sent: ["Máy chủ đã nhận", "1"], refused: ["Máy chủ từ chối", "0"] });
    assert.equal(await staff.locator(".last-round.problem").count(), 0, "the last round went through");
    assert.equal(await staff.locator(".clock-warning").count(), 0, "a right clock is not warned about");
    assert.deepEqual(browser.problems.filter((problem) => !problem.includes("401")), []);
  });
});

test("staff make QR codes per counter and single-use codes from the server, as SVG, and print them", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await openStaff(page, `${server.url}/staff`, "dien-thoai");
    await page.locator("#qr-unit").fill("phuong-1");
    await page.locator("#qr-counters").fill("quay-1, quay-2");
    await page.locator(".phone-codes form:not(.tokens) button[type=submit]").click();
    await page.locator(".qr-card svg.qr").nth(1).waitFor();
    assert.equal(await page.locator(".qr-card svg.qr").count(), 2);
    assert.match(await page.locator(".qr-card .qr-url").first().textContent(), /\/p\/phuong-1\/quay-1$/);

    // Wrong password: refused, nothing issued.
    await page.locator("#token-counter").fill("quay-2");
    await page.locator("#token-count").fill("3");
    await page.locator("#token-user").fill(STAFF_USER.name);
    await page.locator("#token-password").fill("sai mật khẩu");
    await page.locator(".phone-codes form.tokens button[type=submit]").click();
    await page.locator(".phone-codes .violation").waitFor();
    assert.match(await page.locator(".phone-codes .violation").textContent(), /Sai tài khoản hoặc mật khẩu/);
    await page.locator("#token-password").fill(STAFF_USER.password);
    await page.locator(".phone-codes form.tokens button[type=submit]").click();
    await page.locator(".phone-codes .saved").waitFor({ timeout: 10_000 }).catch(async (error) => {
      throw new Error(`${error.message}: ${await page.locator(".phone-codes").textContent()}`);
    });
    assert.equal(await page.locator(".qr-card svg.qr").count(), 3);
    const url = await page.locator(".qr-card .qr-url").first().textContent();
    assert.match(url, /\/p\/phuong-1\/quay-2#t=[0-9a-f]{32}$/);

    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".phone-codes button.action", { hasText: "Tải tờ in" }).click()]);
    const sheet = readFileSync(await download.path(), "utf8");
    assert.equal((sheet.match(/<svg class="qr"/g) ?? []).length, 3);
    assert.ok(!sheet.includes("<script"));

    // The code works once on a phone.
    const phone = await browser.context.newPage();
    await phone.setViewportSize(PHONE);
    await phone.goto(url);
    await rate(phone, "rat-hai-long");
    await serverHolds(server, 1);

    // A dossier's code opens the per-dossier evaluation, not the counter rating.
    await page.locator("#token-dossier").fill("H12.34-261123-0001");
    await page.locator(".phone-codes form.tokens button[type=submit]").click();
    await page.locator(".qr-card .qr-url").first().filter({ hasText: "danh-gia-ho-so" }).waitFor();
    assert.equal(await page.locator(".qr-card svg.qr").count(), 1, "one code for one dossier");
    assert.equal(await page.locator(".phone-codes .saved").textContent().then((text) => /issued 1 code;/.test(text)), true, "1 code, not 1 codes");
    const dossierUrl = await page.locator(".qr-card .qr-url").first().textContent();
    assert.match(dossierUrl, /\/p\/phuong-1\/quay-2\?survey=danh-gia-ho-so#t=[0-9a-f]{32}$/);
    await phone.goto(dossierUrl);
    await phone.locator("button.start").waitFor();
    assert.match(await phone.locator(".welcome-title").textContent(), /Đánh giá việc giải quyết hồ sơ/);
  });
});
