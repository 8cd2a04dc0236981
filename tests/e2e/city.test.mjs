// One hailong for a city: an administrator makes a city with two wards, their counters and
// accounts; each ward's kiosk sends; a ward's office staff signs in (touch, typed key by key)
// and sees only their ward, without officers, and is refused the other ward through the API;
// the city's viewer sees both wards and no officers; the server's figures equal a device's
// workspace fed the same responses; the audit log holds each action and stays whole.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { execFileSync } from "node:child_process";
import { parse } from "csv-parse/sync";
import { randomUUID } from "node:crypto";
import {
  PHONE,
  STAFF_USER,
  firstPage,
  hailong,
  importFiles,
  launchBrowser,
  openStaff,
  signInOnServer,
  startServer,
  staffFetch,
} from "./harness.mjs";

const PASSWORD = "mật khẩu đủ dài 2026";
const PC = { width: 1366, height: 768 };
const SHOTS = process.env.HAILONG_SCREENSHOTS;

// The ratings were given a minute ago (or at the quarter's first instant, if that is later), so
// that they fall in the workspace's first period, this quarter, whenever the test runs.
const HOUR = 3_600_000;
const NOW_VN = new Date(Date.now() + 7 * HOUR);
const QUARTER_START = Date.UTC(NOW_VN.getUTCFullYear(), Math.floor(NOW_VN.getUTCMonth() / 3) * 3, 1) - 7 * HOUR;
const GIVEN_AT = `${new Date(Math.max(Date.now() - 60_000, QUARTER_START) + 7 * HOUR).toISOString().slice(0, 19)}+07:00`;
const QUARTER = `${NOW_VN.getUTCFullYear()}-Q${Math.floor(NOW_VN.getUTCMonth() / 3) + 1}`;

function rating(unit, staff, level) {
  return {
    format: 1,
    response_id: randomUUID(),
    survey_id: "danh-gia-tai-quay",
    survey_version: "2026.1",
    submitted_at: GIVEN_AT,
    channel: "kiosk",
    unit,
    counter: "quay-1",
    staff,
    device_id: `kiosk-${unit}`,
    answers: { "muc-do-hai-long": { kind: "choice", value: level } },
  };
}

/** Taps a field and types into it key by key, as a person does. */
async function type(page, selector, text) {
  await page.locator(selector).tap();
  await page.keyboard.type(text);
}

/** The API as the administrator's script: HTTP Basic. */
async function admin(server, method, path, body) {
  const response = await staffFetch(server, path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * Fills a form of the administration as a person does and sends it: a select is chosen, a field
 * tapped and typed into key by key. The person first reads what the page said of the change
 * before: a second touch tap within about half a second of the one before is taken by Chromium
 * as part of a double tap, and the test's key events (not a phone keyboard's text, which is
 * inserted either way) then type nothing.
 */
async function fill(page, fields, form) {
  await page.waitForTimeout(700);
  for (const [selector, value] of fields) {
    const field = page.locator(selector);
    if ((await field.evaluate((element) => element.tagName)) === "SELECT") await field.selectOption(value);
    else await type(page, selector, value);
  }
  await page.locator(`${form} button[type=submit]`).tap();
}

/**
 * Has LibreOffice (installed for the office suite) open a workbook as an office would and save
 * its first sheet as CSV; returns its rows.
 */
function throughLibreOffice(xlsx, dir) {
  const out = join(dir, "libreoffice");
  mkdirSync(out, { recursive: true });
  execFileSync("/usr/bin/soffice", [
    `-env:UserInstallation=file://${join(out, "profile")}`,
    "--headless",
    "--convert-to",
    "csv:Text - txt - csv (StarCalc):44,34,76,1",
    "--outdir",
    out,
    xlsx,
  ], { timeout: 120_000, stdio: "pipe" });
  return parse(readFileSync(join(out, basename(xlsx).replace(/\.xlsx$/, ".csv")), "utf8"), { relax_column_count: true });
}

/** Signs in on the sign-in page as a person does, and waits for the figures. */
async function signIn(page, url, name) {
  await signInOnServer(page, url, name, PASSWORD);
  await page.locator(".summary .responses").waitFor({ timeout: 15_000 });
}

/** The groups table of the results: each row's name and number of responses. */
async function groups(page) {
  await page.locator("#by-unit").check();
  await page.locator("table.groups tbody tr").first().waitFor();
  const rows = {};
  for (const row of await page.locator("table.groups tbody tr").all()) {
    rows[(await row.locator("th").textContent()).trim()] = Number(await row.locator("td").first().textContent());
  }
  return rows;
}

async function counts(page) {
  const counts = {};
  for (const row of await page.locator('table.tally[data-question="muc-do-hai-long"] tbody tr').all()) {
    counts[await row.getAttribute("data-code")] = Number(await row.locator(".count").textContent());
  }
  counts._responses = Number(await page.locator(".summary .responses").textContent());
  return counts;
}

test("a city's wards each see their own figures, the city sees both, and nobody sees officers they may not", { timeout: 240_000 }, async () => {
  const server = await startServer();
  let browser;
  try {
    // The administrator (the harness's account, made before units, is one of the whole server)
    // makes the city on the web: its two wards, their counters, and the accounts.
    browser = await launchBrowser({ viewport: PC });
    const page = await firstPage(browser);
    await page.goto(`${server.url}/staff/may-chu`);
    await page.locator("#account-name").waitFor();
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, "server-sign-in-1366x768.png"), fullPage: true });
    }
    await type(page, "#account-name", STAFF_USER.name);
    await type(page, "#account-password", STAFF_USER.password);
    await page.locator(".sign-in-form button[type=submit]").tap();
    await page.locator(".signed-in").waitFor({ timeout: 15_000 });
    await page.locator('nav.sections a[href="#quan-tri"]').tap();
    await page.locator(".unit-form").waitFor({ timeout: 15_000 });
    for (const [code, parent, name] of [
      ["tp-thu-duc", "", "Thành phố Thủ Đức"],
      ["an-khanh", "tp-thu-duc", "Phường An Khánh"],
      ["binh-trung", "tp-thu-duc", "Phường Bình Trưng"],
    ]) {
      await fill(page, [["#unit-code", code], ["#unit-name", name], ["#unit-parent", parent]], ".unit-form");
      await page.locator(`table.units tr[data-code="${code}"]`).waitFor({ timeout: 15_000 });
    }
    for (const unit of ["an-khanh", "binh-trung"]) {
      await fill(page, [["#counter-unit", unit], ["#counter-code", "quay-1"], ["#counter-name", "Quầy Hộ tịch"]], ".counter-form");
      await page.locator(`table.units tr[data-code="${unit}"] td`, { hasText: "Quầy Hộ tịch (quay-1)" }).waitFor({ timeout: 15_000 });
    }
    for (const [name, role, unit] of [
      ["vp-an-khanh", "office", "an-khanh"],
      ["so-noi-vu", "viewer", "tp-thu-duc"],
      ["ld-an-khanh", "leader", "an-khanh"],
    ]) {
      await fill(page, [["#account-new-name", name], ["#account-new-password", PASSWORD], ["#account-role", role], ["#account-unit", unit]], ".account-form");
      await page.locator(`ul.accounts li[data-name="${name}"]`).waitFor({ timeout: 15_000 });
    }
    // Each ward's kiosk, bound to its ward, sends what its citizens gave.
    const sent = { "an-khanh": [], "binh-trung": [] };
    const tokens = {};
    for (const [unit, levels] of [
      ["an-khanh", ["hai-long", "hai-long", "rat-hai-long", "khong-hai-long", "hai-long", "hai-long"]],
      ["binh-trung", ["rat-hai-long", "rat-hai-long", "khong-hai-long"]],
    ]) {
      const token = hailong(["device", "add", `kiosk-${unit}`, "--unit", unit, "--db", server.db]).trim();
      const records = levels.map((level, n) => rating(unit, `can-bo-${unit}-${n % 2}`, level));
      sent[unit] = records;
      tokens[unit] = token;
      const answer = await fetch(`${server.url}/api/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ format: 1, records }),
      });
      assert.equal(answer.status, 201, await answer.text());
    }

    // The administrator on the web: the city's tree with its names, and a kiosk added there
    // with its one-time pairing code, as text and as a QR code.
    await page.locator('table.units tr[data-code="binh-trung"]').waitFor();
    assert.deepEqual(await page.locator("table.units tbody th").allTextContents(), [
      "Phường An Khánh (an-khanh)",
      "Phường Bình Trưng (binh-trung)",
      "Thành phố Thủ Đức (tp-thu-duc)",
    ]);
    assert.match(await page.locator('table.units tr[data-code="an-khanh"] td').last().textContent(), /Quầy Hộ tịch \(quay-1\)/);
    await fill(page, [["#device-name", "kiosk-an-khanh-web"], ["#device-unit", "an-khanh"], ["#device-counter", "quay-1"]], ".device-form");
    await page.locator(".pairing-code .code").waitFor();
    assert.match(await page.locator(".pairing-code .code").textContent(), /^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    assert.equal(await page.locator(".pairing-code svg").count(), 1);
    const pairingCode = await page.locator(".pairing-code .code").textContent();
    // Then the kiosk's officers and the one on duty.
    await fill(page, [["#edit-device", "kiosk-an-khanh-web"], ["#edit-device-officers", "cb-01; Nguyễn Văn An"], ["#edit-device-on-duty", "cb-01"]], ".device-edit-form");
    await page.waitForFunction(() => (document.querySelector(".administration > .note")?.textContent ?? "").includes("Đã lưu"), null, { timeout: 15_000 });
    const paired = await (await fetch(`${server.url}/api/v1/pair`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: pairingCode }),
    })).json();
    assert.deepEqual(
      [paired.config.officers, paired.config.on_duty, paired.config.counter_name],
      [[{ code: "cb-01", name: "Nguyễn Văn An" }], "cb-01", "Quầy Hộ tịch"]
    );
    // A ward renamed on the web is named so everywhere from then on.
    await fill(page, [["#edit-unit", "binh-trung"], ["#edit-unit-name", "Phường Bình Trưng Đông"]], ".unit-edit-form");
    await page.locator('table.units tr[data-code="binh-trung"] th', { hasText: "Bình Trưng Đông" }).waitFor({ timeout: 15_000 });
    // A ward that holds responses is not removed, and the reason is given.
    await page.waitForTimeout(700);
    await page.locator("#remove-unit-sure").tap();
    await fill(page, [["#remove-unit", "an-khanh"]], ".unit-remove-form");
    await page.locator(".administration > .violation").waitFor({ timeout: 15_000 });
    assert.match(await page.locator(".administration > .violation").textContent(), /response/);
    assert.equal(await page.locator('table.units tr[data-code="an-khanh"]').count(), 1);
    // The kiosk, revoked after a confirmation: its token stops at once.
    await page.locator('ul.devices li[data-name="kiosk-an-khanh-web"] .revoke-device').tap();
    await page.locator(".confirm-change .confirm-yes").tap();
    await page.locator('ul.devices li[data-name="kiosk-an-khanh-web"]', { hasText: "revoked" }).waitFor({ timeout: 15_000 });
    const revoked = await fetch(`${server.url}/api/v1/device/config`, { headers: { authorization: `Bearer ${paired.device_token}` } });
    assert.equal(revoked.status, 401);
    // A tablet replaced: a new pairing code for its kiosk, shown as the first one was.
    await page.waitForTimeout(1_000);
    await page.locator('ul.devices li[data-name="kiosk-binh-trung"] .pair-again').tap();
    await page.locator(".pairing-code figcaption", { hasText: "kiosk-binh-trung" }).waitFor({ timeout: 15_000 });
    if (SHOTS) await page.screenshot({ path: join(SHOTS, "server-administration-1366x768.png"), fullPage: true });
    await page.locator(".signed-in button").tap();
    await page.locator("#account-name").waitFor();
    // A wrong password is said plainly, and the name typed stays.
    await type(page, "#account-name", "vp-an-khanh");
    await type(page, "#account-password", "sai mật khẩu");
    await page.locator(".sign-in-form button[type=submit]").tap();
    await page.locator(".sign-in-form .violation").waitFor();
    assert.equal(await page.locator("#account-name").inputValue(), "vp-an-khanh");

    // The ward's office staff: their ward only, as its kiosk sent it, and no officer.
    await page.locator("#account-password").tap();
    await page.keyboard.type(PASSWORD);
    await page.locator(".sign-in-form button[type=submit]").tap();
    await page.locator(".summary .responses").waitFor({ timeout: 15_000 });
    assert.match(await page.locator(".signed-in").textContent(), /Phường An Khánh/);
    const ward = await counts(page);
    assert.deepEqual(
      { responses: ward._responses, satisfied: ward["hai-long"], very: ward["rat-hai-long"], not: ward["khong-hai-long"] },
      { responses: 6, satisfied: 4, very: 1, not: 1 }
    );
    assert.deepEqual(await groups(page), { "Phường An Khánh (an-khanh)": 6 });
    await page.locator("#by-unit").uncheck();
    assert.equal(await page.locator("#by-staff").count(), 0, "office staff are not offered figures per officer");
    assert.equal(await page.locator("#source").count(), 0, "the server's figures are not a device's own");
    if (SHOTS) await page.screenshot({ path: join(SHOTS, "server-workspace-1366x768.png"), fullPage: true });
    // The responses themselves, from the server, as this account may read them: its ward's, without officers.
    await page.locator('nav.sections a[href="#xuat"]').tap();
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".download-raw-server").tap()]);
    const wardRaw = readFileSync(await download.path(), "utf8");
    assert.equal(wardRaw.trim().split(/\r?\n/).length, 1 + 6, wardRaw);
    assert.ok(wardRaw.includes("an-khanh") && !wardRaw.includes("binh-trung") && !wardRaw.includes("can-bo"), wardRaw);
    // The indices name the ward and its counter beside their codes.
    await page.locator("#by-unit").tap();
    const [indexFile] = await Promise.all([page.waitForEvent("download"), page.locator(".download-index").tap()]);
    const indexCsv = readFileSync(await indexFile.path(), "utf8");
    const [header, ...lines] = indexCsv.replace(/^\uFEFF/, "").trim().split(/\r?\n/);
    assert.match(header, /"field","unit_name","counter_name","field_name","scope"/);
    assert.ok(lines.some((line) => line.includes("an-khanh") && line.includes("Phường An Khánh")), indexCsv);
    await page.locator("#by-unit").tap();
    // The ward certifies its quarter early, on the server: the counts shown are its kiosk's, and
    // the published page is made from that certificate, with the ward's name.
    await page.locator('nav.sections a[href="#chot-so-lieu"]').tap();
    // The dossiers the ward received this quarter, typed on the server before certifying (certifying
    // locks them): the response rate follows.
    await page.locator("textarea#dossiers:enabled").tap();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(",10");
    await page.locator(".dossiers-form button[type=submit]").tap();
    await page.locator(".dossiers .saved").waitFor({ timeout: 15_000 });
    assert.match(await page.locator(".dossiers .saved").textContent(), /10 hồ sơ/);
    await page.locator(".certification button.certify").tap();
    assert.equal(await page.locator(".to-lock").getAttribute("data-responses"), "6");
    assert.equal(await page.locator(".certify-confirm").isDisabled(), true, "a quarter not ended needs the box ticked");
    await page.locator("#certify-early").tap();
    await page.locator(".certify-confirm").tap();
    await page.locator(".certification .verified").waitFor({ timeout: 15_000 });
    if (SHOTS) await page.screenshot({ path: join(SHOTS, "server-certify-1366x768.png"), fullPage: true });
    const publishedPath = await page.locator(".published-link a").getAttribute("href");
    assert.equal(publishedPath, `/results/an-khanh/${QUARTER}`);
    const published = await (await fetch(`${server.url}${publishedPath}`)).text();
    assert.ok(published.includes("Phường An Khánh (an-khanh)") && !published.includes("binh-trung"), published);
    assert.equal((await fetch(`${server.url}/results/binh-trung/${QUARTER}`)).status, 404, "the other ward has not certified");
    assert.ok(published.includes("6 trên 10 hồ sơ tiếp nhận"), "the page's rate is over the dossiers locked with it");
    await page.locator('nav.sections a[href="#ket-qua"]').tap();
    assert.match(await page.locator(".response-rate").textContent(), /^60/, "6 responses of 10 dossiers");
    await page.locator('nav.sections a[href="#ket-qua"]').tap();
    await page.locator(".summary .responses").waitFor();
    // The other ward, through the API from the signed-in page: refused, as a unit that does not exist.
    const refused = await page.evaluate(async () => {
      const session = await (await fetch("/api/v1/session")).json();
      const ask = async (code) => {
        const answer = await fetch(`/api/v1/units/${code}`, {
          method: "PATCH",
          headers: { "content-type": "application/json", "x-csrf-token": session.csrf },
          body: JSON.stringify({ name_vi: "Đổi tên" }),
        });
        return [answer.status, await answer.text()];
      };
      const tokens = await fetch("/api/v1/tokens", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": session.csrf },
        body: JSON.stringify({ count: 1, unit: "binh-trung", counter: "quay-1" }),
      });
      return { other: await ask("binh-trung"), missing: await ask("khong-co"), tokens: tokens.status };
    });
    assert.equal(refused.other[0], 403);
    assert.deepEqual(refused.other, refused.missing, "the other ward is refused exactly as a unit that does not exist");
    assert.equal(refused.tokens, 403);

    // At phone size the same workspace, nothing sideways.
    await page.setViewportSize(PHONE);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(sideways <= 0, `${sideways} px sideways at 390 px`);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, "server-workspace-390x844.png"), fullPage: true });
    await page.setViewportSize(PC);
    await page.locator(".signed-in button").tap();
    await page.locator("#account-name").waitFor();

    // The city's viewer: both wards, with their names, and no officers.
    await signIn(page, server.url, "so-noi-vu");
    assert.deepEqual(await groups(page), { "Phường An Khánh (an-khanh)": 6, "Phường Bình Trưng Đông (binh-trung)": 3 });
    const viewer = await page.evaluate(async () => {
      const figures = await (await fetch("/api/v1/figures?period=day&by=unit,counter,field")).json();
      const officers = await fetch("/api/v1/tally.csv?by=staff");
      return { csv: figures.tally_csv, officers: officers.status };
    });
    assert.ok(!viewer.csv.includes("can-bo"), "the viewer's figures name no officer");
    assert.equal(viewer.officers, 403);
    const serverCounts = await counts(page);

    // A device's own workspace fed the same responses shows the same figures.
    const raw = await staffFetch(server, "/api/v1/responses.csv?survey=danh-gia-tai-quay@2026.1&profile=rfc4180");
    assert.equal(raw.status, 200);
    const file = join(server.dataDir, "city.csv");
    writeFileSync(file, await raw.text());
    const device = await browser.context.newPage();
    await openStaff(device, `${server.url}/staff`);
    await importFiles(device, [file]);
    await device.locator('nav.sections a[href="#ket-qua"]').click();
    await device.locator(".summary .responses").waitFor();
    assert.deepEqual(await counts(device), serverCounts);
    assert.equal(serverCounts._responses, sent["an-khanh"].length + sent["binh-trung"].length);

    // The ward's leader sees its low rating, and one a kiosk sends now arrives within seconds
    // while the page is open; marked looked into, the period's follow-up figure changes.
    await page.bringToFront();
    await page.locator(".signed-in button").tap();
    await page.locator("#account-name").waitFor();
    await signIn(page, server.url, "ld-an-khanh");
    await page.locator(".followup-figure").waitFor({ timeout: 15_000 });
    assert.equal(await page.locator("li.followup").count(), 1);
    assert.equal(await page.locator(".followup-figure").getAttribute("data-low"), "1");
    const unhappy = rating("an-khanh", "can-bo-an-khanh-0", "khong-hai-long");
    unhappy.submitted_at = `${new Date(Date.now() + 7 * HOUR).toISOString().slice(0, 19)}+07:00`;
    unhappy.answers["ly-do"] = { kind: "choices", value: { codes: ["cho-lau"] } };
    unhappy.answers["y-kien"] = { kind: "text", value: "Chờ lâu quá, gọi cho tôi số 0912 345 678" };
    const late = await fetch(`${server.url}/api/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens["an-khanh"]}` },
      body: JSON.stringify({ format: 1, records: [unhappy] }),
    });
    assert.equal(late.status, 201, await late.text());
    const arrived = page.locator(`li.followup[data-id="${unhappy.response_id}"]`);
    await arrived.waitFor({ timeout: 15_000 });
    const card = await arrived.textContent();
    assert.ok(card.includes("Phường An Khánh · Quầy Hộ tịch") && card.includes("Phải chờ đợi lâu"), card);
    assert.ok(!card.includes("0912 345 678") && !card.includes("can-bo"), `masked, and no officer: ${card}`);
    await page.waitForTimeout(700);
    await type(page, `li.followup[data-id="${unhappy.response_id}"] textarea`, "Đã gọi lại, xin lỗi công dân.");
    await arrived.locator("button[type=submit]").tap();
    await page.locator(`li.followup[data-id="${unhappy.response_id}"] .saved`).waitFor({ timeout: 15_000 });
    assert.deepEqual(
      await page.locator(".followup-figure").evaluate((figure) => [figure.dataset.low, figure.dataset.followed, figure.dataset.inTime]),
      ["2", "1", "1"]
    );
    if (SHOTS) await page.screenshot({ path: join(SHOTS, "server-followups-1366x768.png") });
    // The leader has the day's digest e-mailed to the ward's leaders.
    await page.locator("textarea#digest-addresses:enabled").waitFor({ timeout: 15_000 });
    await fill(page, [["#digest-addresses", "lanh-dao@an-khanh.gov.vn"]], ".digest-form");
    await page.locator(".digest .saved").waitFor({ timeout: 15_000 });
    const digestTo = await page.evaluate(async () => (await (await fetch("/api/v1/digest/an-khanh")).json()).addresses);
    assert.deepEqual(digestTo, ["lanh-dao@an-khanh.gov.vn"]);
    // The leader says what the ward did about it; the ward's published page shows it.
    await page.locator('nav.sections a[href="#chot-so-lieu"]').tap();
    await page.locator("textarea#reply-text:enabled").waitFor({ timeout: 15_000 });
    await fill(page, [["#reply-text", "Đã bố trí thêm ghế chờ và nhắc nhở cán bộ."]], ".reply-form");
    await page.locator(".reply .saved").waitFor({ timeout: 15_000 });
    const replied = await (await fetch(`${server.url}/results/an-khanh/${QUARTER}`)).text();
    assert.ok(replied.includes("Kết quả tiếp thu, giải quyết") && replied.includes("Đã bố trí thêm ghế chờ và nhắc nhở cán bộ."), replied);
    assert.ok(replied.includes("Tổng hợp ý kiến góp ý"), replied);
    assert.ok(!replied.includes("0912"), "no citizen's number on the published page");
    if (SHOTS) {
      const published = await browser.context.newPage();
      await published.goto(`${server.url}/results/an-khanh/${QUARTER}`);
      await published.screenshot({ path: join(SHOTS, "published-ward-what-citizens-said.png"), fullPage: true });
      await published.close();
    }

    // Every action is in the audit log, and its chain is whole.
    const audit = await admin(server, "GET", "/api/v1/audit.csv?profile=rfc4180");
    assert.equal(audit.status, 200);
    for (const action of ["unit.add", "counter.name", "account.add", "device.add", "device.pairing-code", "device.change", "device.revoke", "unit.change", "certify", "followup", "reply.set", "digest.set", "dossiers.set", "sign-in.failed", "sign-in", "sign-out"]) {
      assert.ok(audit.text.includes(action), `${action} is in the audit log`);
    }
    assert.match(hailong(["audit", "check", "--db", server.db]), /entries; head \d+:[0-9a-f]{64}/);
    assert.deepEqual(browser.problems.filter((problem) => !problem.includes("401") && !problem.includes("403") && !problem.includes("422")), []);
  } finally {
    await browser?.close();
    await server.stop();
  }
});

test("office staff sort what citizens wrote by touch, and the certified page counts topics and quotes only the chosen comments, masked", { timeout: 240_000 }, async () => {
  const server = await startServer();
  let browser;
  try {
    for (const [path, body] of [
      ["/api/v1/units", { code: "an-khanh", name_vi: "Phường An Khánh" }],
      ["/api/v1/accounts", { name: "vp-an-khanh", password: PASSWORD, role: "office", unit: "an-khanh" }],
      ["/api/v1/accounts", { name: "ld-an-khanh", password: PASSWORD, role: "leader", unit: "an-khanh" }],
    ]) {
      const made = await admin(server, "POST", path, body);
      assert.equal(made.status, 201, made.text);
    }
    // Eleven citizens who were not satisfied write; one gives a phone number, one an e-mail.
    const token = hailong(["device", "add", "kiosk-an-khanh", "--unit", "an-khanh", "--db", server.db]).trim();
    const satisfied = Array.from({ length: 9 }, (_, n) => rating("an-khanh", "can-bo-an-khanh-0", n < 3 ? "rat-hai-long" : "hai-long"));
    const records = Array.from({ length: 11 }, (_, n) => {
      const record = rating("an-khanh", "can-bo-an-khanh-0", "khong-hai-long");
      const text = n === 0 ? "Chờ lâu quá, gọi tôi 0912 345 678" : n === 1 ? "Ghế chờ hỏng, báo giúp vào an.nguyen@example.vn" : `Ý kiến số ${n}`;
      record.answers["ly-do"] = { kind: "choices", value: { codes: ["cho-lau"] } };
      record.answers["y-kien"] = { kind: "text", value: text };
      return record;
    });
    const sent = await fetch(`${server.url}/api/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ format: 1, records: [...satisfied, ...records] }),
    });
    assert.equal(sent.status, 201, await sent.text());

    browser = await launchBrowser({ viewport: PC });
    const page = await firstPage(browser);
    // The ward's leader adds a topic of its own to the list.
    await signIn(page, server.url, "ld-an-khanh");
    await page.locator('nav.sections a[href="#gop-y"]').tap();
    await page.locator("textarea#topics-text:enabled").waitFor({ timeout: 15_000 });
    assert.equal((await page.locator("#topics-text").inputValue()).split("\n").length, 6, "the default topics");
    await page.waitForTimeout(700);
    await page.locator("#topics-text").tap();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("Giờ làm việc");
    await page.locator(".topics-form button[type=submit]").tap();
    await page.locator(".topics .saved").waitFor({ timeout: 15_000 });
    await page.locator("li.comment-item label.tick", { hasText: "Giờ làm việc" }).first().waitFor({ timeout: 15_000 });
    await page.locator(".signed-in button").tap();
    await page.locator("#account-name").waitFor();

    // Office staff sort each comment, those not yet sorted first, masked as stored.
    await signIn(page, server.url, "vp-an-khanh");
    // Certifying first says how many comments nobody has sorted yet.
    await page.locator('nav.sections a[href="#chot-so-lieu"]').tap();
    await page.locator(".unsorted-comments").waitFor({ timeout: 15_000 });
    assert.equal(await page.locator(".unsorted-comments").getAttribute("data-unsorted"), "11");
    await page.locator('nav.sections a[href="#gop-y"]').tap();
    await page.locator(".comments-count").waitFor({ timeout: 15_000 });
    assert.equal(await page.locator(".comments-count").getAttribute("data-untagged"), "11");
    const listed = await page.locator("ul.comments-to-tag").textContent();
    assert.ok(listed.includes("Chờ lâu quá") && !listed.includes("0912 345 678") && !listed.includes("an.nguyen@example.vn"), listed);
    assert.ok(!listed.includes("can-bo") && !listed.includes("quay-1"), `no officer, no counter: ${listed}`);
    for (let left = 11; left > 0; left -= 1) {
      const item = page.locator("li.comment-item.to-do").first();
      const text = await item.locator("blockquote").textContent();
      const [topics, quotable] = text.startsWith("Chờ lâu")
        ? [["Thời gian chờ và giải quyết", "Giờ làm việc"], true]
        : text.startsWith("Ghế chờ")
          ? [["Cơ sở vật chất"], true]
          : [["Khác"], text === "Ý kiến số 3"];
      for (const topic of topics) {
        await page.waitForTimeout(600);
        await item.locator("label.tick", { hasText: topic }).locator("input").tap();
      }
      if (quotable) {
        await page.waitForTimeout(600);
        await item.locator("label.quotable input").tap();
      }
      await page.waitForTimeout(600);
      await item.locator("button[type=submit]").tap();
      await page.waitForFunction((count) => document.querySelector(".comments-count")?.dataset.untagged === String(count), left - 1, { timeout: 15_000 });
    }
    if (SHOTS) await page.screenshot({ path: join(SHOTS, "server-comments-1366x768.png"), fullPage: true });
    await page.setViewportSize(PHONE);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(sideways <= 0, `${sideways} px sideways at 390 px`);
    // With 200 % text, as a phone's text scaling sets it, the form still fits the screen's width.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 32 } });
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const sidewaysLarge = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(sidewaysLarge <= 0, `${sidewaysLarge} px sideways at 390 px with 200 % text`);
    if (SHOTS) {
      await page.locator("li.comment-item").first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, "server-comments-390x844.png") });
    }
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 16 } });
    await cdp.detach();
    await page.setViewportSize(PC);
    // The export holds each comment's topics, masked.
    const exported = await page.evaluate(async (period) => (await fetch(`/api/v1/comments.csv?period=${period}&profile=rfc4180`)).text(), QUARTER);
    assert.match(exported.split(/\r?\n/)[0], /comment,topics,quotable$/);
    assert.ok(exported.includes("Thời gian chờ và giải quyết; Giờ làm việc,1") && !exported.includes("0912 345 678"), exported);

    // Certified: the page counts the reasons and topics, and quotes only the chosen comments, masked.
    await page.locator('nav.sections a[href="#chot-so-lieu"]').tap();
    await page.locator(".certification button.certify").tap();
    await page.locator("#certify-early").tap();
    await page.locator(".certify-confirm").tap();
    await page.locator(".certification .verified").waitFor({ timeout: 15_000 });
    for (const lang of ["", "?lang=en"]) {
      const html = await (await fetch(`${server.url}/results/an-khanh/${QUARTER}${lang}`)).text();
      for (const secret of ["0912", "345 678", "an.nguyen", "example.vn", "Ý kiến số 4", "can-bo"]) {
        assert.ok(!html.includes(secret), `${secret} is not published: ${html}`);
      }
      assert.ok(html.includes("Chờ lâu quá") && html.includes("Ghế chờ hỏng") && html.includes("Ý kiến số 3"), html);
    }
    const html = await (await fetch(`${server.url}/results/an-khanh/${QUARTER}`)).text();
    const cell = (topic) => html.match(new RegExp(`<th scope="row">${topic}</th><td class="num">(\\d+)</td>`))?.[1];
    assert.deepEqual(
      ["Khác", "Thời gian chờ và giải quyết", "Giờ làm việc", "Cơ sở vật chất", "Phải chờ đợi lâu"].map(cell),
      ["9", "1", "1", "1", "11"]
    );
    // Its tags are kept with the certificate: the page shows them read-only.
    await page.locator('nav.sections a[href="#gop-y"]').tap();
    await page.locator("li.comment-item fieldset[disabled]").first().waitFor({ timeout: 15_000 });
    assert.equal(await page.locator("li.comment-item button[type=submit]").count(), 0);
    if (SHOTS) {
      const published = await browser.context.newPage();
      await published.goto(`${server.url}/results/an-khanh/${QUARTER}`);
      await published.screenshot({ path: join(SHOTS, "published-ward-comments.png"), fullPage: true });
      await published.close();
    }

    // The report for the city: the A4 page and the workbook say what the workspace shows.
    await page.locator('nav.sections a[href="#ket-qua"]').tap();
    await page.locator(".summary .responses").waitFor();
    const shown = {
      responses: await page.locator(".summary .responses").textContent(),
      index: (await page.locator('table.index tr[data-scope="overall"][data-id="muc-do-hai-long"] td.index-value').textContent()).split(" (")[0],
    };
    assert.deepEqual(shown, { responses: "20", index: "45,00 %" });
    await page.locator('nav.sections a[href="#xuat"]').tap();
    const [report] = await Promise.all([page.waitForEvent("popup"), page.locator(".report-a4").tap()]);
    await report.waitForLoadState();
    const cellAfter = async (label) => report.locator("tr", { has: report.locator("td", { hasText: label }) }).first().locator("td").nth(1).textContent();
    assert.deepEqual({ responses: await cellAfter("Số phiếu đánh giá"), index: await cellAfter("Tỷ lệ hài lòng (%)") }, shown);
    const reportText = await report.locator("body").textContent();
    for (const line of ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "PHƯỜNG AN KHÁNH", "Nơi nhận:", "CHỦ TỊCH", "Phải chờ đợi lâu"]) {
      assert.ok(reportText.includes(line), `${line}: ${reportText}`);
    }
    assert.ok(!reportText.includes("can-bo") && !reportText.includes("0912 345 678"), reportText);
    const pdf = await report.pdf({ format: "A4", printBackground: true, path: SHOTS ? join(SHOTS, "report-a4.pdf") : undefined });
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    if (SHOTS) {
      await report.setViewportSize({ width: 794, height: 1123 });
      await report.screenshot({ path: join(SHOTS, "report-a4.png"), fullPage: true });
    }
    await report.close();
    const [workbook] = await Promise.all([page.waitForEvent("download"), page.locator(".report-xlsx").tap()]);
    const xlsx = join(server.dataDir, "bao-cao.xlsx");
    await workbook.saveAs(xlsx);
    const sheet = throughLibreOffice(xlsx, server.dataDir);
    const after = (label) => {
      const row = sheet.find((cells) => cells.includes(label));
      return row?.[row.indexOf(label) + 1];
    };
    assert.deepEqual(
      { responses: after("Số phiếu đánh giá"), index: after("Tỷ lệ hài lòng (%)") },
      { responses: "20", index: "45.00" },
      "LibreOffice reads the workspace's figures in the workbook"
    );
    assert.ok(sheet.flat().includes("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert.deepEqual(browser.problems.filter((problem) => !problem.includes("401")), []);
  } finally {
    await browser?.close();
    await server.stop();
  }
});
