// Every screen of the server workspace, as a ward's leader and the province's administrator find
// it, in each font the layout tests measure with (DejaVu Sans, the widest common one, and
// Roboto, what Android phones use), on an office PC at 1280 × 800 and on a phone 390 px wide
// with 200 % text: nothing scrolls sideways, no text spills out of its box, and nothing one taps
// or reads lies over something else. The workspace writes Vietnamese with English under it, so
// one pass reads both languages.

import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  LAYOUT_FONTS,
  PHONE,
  STAFF_USER,
  drawnFonts,
  firstPage,
  hailong,
  launchBrowser,
  layoutFaults,
  setTextSize,
  signInOnServer,
  staffFetch,
  startServer,
  useFont,
} from "./harness.mjs";

const PASSWORD = "mật khẩu đủ dài 2026";
const SHOTS = process.env.HAILONG_SCREENSHOTS;
const PC = { width: 1280, height: 800 };
const SIZES = [
  { name: "1280 × 800", viewport: PC, textSize: 16 },
  { name: "390 px with 200 % text", viewport: PHONE, textSize: 32 },
];

/** A province with a ward whose names are as long as real ones, its leader, and a quarter's
 *  ratings with low ones, reasons and comments: every section has something to show. */
async function province(server) {
  const post = async (path, body) => {
    const response = await staffFetch(server, path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 201, `${path}: ${await response.text()}`);
  };
  await post("/api/v1/units", { code: "hai-phong", name_vi: "Thành phố Hải Phòng", name_en: "Hai Phong City" });
  await post("/api/v1/units", {
    code: "phuong-hong-bang",
    name_vi: "Phường Hồng Bàng, Trung tâm Phục vụ hành chính công",
    name_en: "Hong Bang Ward, Public Administrative Service Centre",
    parent: "hai-phong",
  });
  await post("/api/v1/accounts", { name: "lanh-dao-phuong-hong-bang", password: PASSWORD, role: "leader", unit: "phuong-hong-bang" });
  const token = hailong(["device", "add", "kiosk-hong-bang", "--unit", "phuong-hong-bang", "--db", server.db]).trim();
  const records = Array.from({ length: 14 }, (_, n) => {
    const low = n % 3 === 0;
    const record = {
      format: 1,
      response_id: randomUUID(),
      survey_id: "danh-gia-tai-quay",
      survey_version: "2026.1",
      submitted_at: `${new Date(Date.now() - 60_000 + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`,
      channel: "kiosk",
      unit: "phuong-hong-bang",
      counter: n % 2 ? "quay-tiep-nhan-ho-tich-chung-thuc" : "quay-dat-dai-xay-dung",
      staff: `can-bo-${n % 2}`,
      device_id: "kiosk-hong-bang",
      answers: { "muc-do-hai-long": { kind: "choice", value: low ? "khong-hai-long" : "hai-long" } },
    };
    if (low) {
      record.answers["ly-do"] = { kind: "choices", value: { codes: ["cho-lau"] } };
      // What citizens write: long sentences, and addresses and numbers that are masked into
      // long runs of stars with nowhere to break a line.
      record.answers["y-kien"] = {
        kind: "text",
        value: n === 0
          ? "Thủ tục chứng thực bản sao từ bản chính phải chờ rất lâu, cán bộ hướng dẫn chưa rõ ràng, đề nghị bố trí thêm người"
          : "Ghế chờ hỏng, báo giúp vào nguyen.thi.thu.huong.phuong.hong.bang@example.gov.vn hoặc 0912 345 678",
      };
    }
    return record;
  });
  const sent = await fetch(`${server.url}/api/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ format: 1, records }),
  });
  assert.equal(sent.status, 201, await sent.text());
}

/** Every section the account's workspace links to, each looked at in each size; returns what
 *  is wrong, by where it was seen. */
async function everySection(page, who, family) {
  const found = {};
  const note = (where, faults) => {
    if (faults.length) found[where] = faults;
  };
  for (const size of SIZES) {
    await page.setViewportSize(size.viewport);
    await setTextSize(page, size.textSize);
    const anchors = await page.locator("nav.sections a").evaluateAll((links) => links.map((link) => link.getAttribute("href")));
    assert.ok(anchors.length >= 4, `${who} sees the workspace's sections: ${anchors}`);
    for (const anchor of anchors) {
      await page.locator(`nav.sections a[href="${anchor}"]`).tap();
      await page.locator(`nav.sections a[href="${anchor}"][aria-current=page]`).waitFor({ timeout: 15_000 });
      await page.waitForLoadState("networkidle");
      note(`${who}, ${anchor}, ${size.name}`, await layoutFaults(page));
      if (SHOTS && family === "DejaVu Sans") {
        mkdirSync(SHOTS, { recursive: true });
        const name = `workspace-${who.includes("leader") ? "leader" : "admin"}-${anchor.slice(1)}-${size.viewport.width}x${size.viewport.height}${size.textSize > 16 ? "-200" : ""}.png`;
        // On a phone, the screen a person sees where citizens' words are, else the top.
        const words = page.locator("blockquote.comment").first();
        if (size.textSize > 16 && (await words.count()) > 0) await words.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SHOTS, name), fullPage: size.textSize === 16 });
      }
    }
  }
  await setTextSize(page, 16);
  return found;
}

for (const family of LAYOUT_FONTS) {
  test(`the server workspace fits an office PC and a phone with 200 % text, in ${family}`, { timeout: 240_000 }, async () => {
    const server = await startServer();
    let browser;
    try {
      await province(server);
      browser = await launchBrowser({ viewport: PC });
      const page = await firstPage(browser);
      await useFont(page, family);
      await page.goto(`${server.url}/staff/may-chu`);
      await page.locator("#account-name").waitFor();
      assert.deepEqual(await drawnFonts(page, "h1"), [family], `the page is drawn in ${family}, which the machine has`);
      const found = {};
      for (const size of SIZES) {
        await page.setViewportSize(size.viewport);
        await setTextSize(page, size.textSize);
        const faults = await layoutFaults(page);
        if (faults.length) found[`sign-in, ${size.name}`] = faults;
      }
      await setTextSize(page, 16);
      await page.setViewportSize(PC);
      await signInOnServer(page, server.url, "lanh-dao-phuong-hong-bang", PASSWORD);
      await page.locator(".summary .responses").waitFor({ timeout: 15_000 });
      Object.assign(found, await everySection(page, "the ward's leader", family));
      await page.setViewportSize(PC);
      await page.locator(".signed-in button").tap();
      await page.locator("#account-name").waitFor({ timeout: 15_000 });
      await signInOnServer(page, server.url, STAFF_USER.name, STAFF_USER.password);
      Object.assign(found, await everySection(page, "the administrator", family));
      assert.deepEqual(found, {});
      assert.deepEqual(browser.problems.filter((problem) => !problem.includes("401")), []);
    } finally {
      await browser?.close();
      await server.stop();
    }
  });
}
