// Takes screenshots of the kiosk's screens at kiosk (1280×800), upright tablet (800×1280) and
// phone (390×844) sizes, in Vietnamese and in English (`-en`), and of the staff area, into
// docs/screenshots/, for people to look at. Run it with `cargo xtask screenshots`.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KIOSK, PHONE, UPRIGHT, certifyPeriod, fillKioskCodes, firstPage, importFiles, launchBrowser, openStaff, seededRawCsv, showSection, startServer } from "./harness.mjs";

const out = process.argv[2] ?? "docs/screenshots";
mkdirSync(out, { recursive: true });

/** Shows the kiosk in `lang` (each citizen starts in the default language, Vietnamese). */
async function useLang(page, lang) {
  if ((await page.locator(".kiosk-root").getAttribute("lang")) !== lang) await page.locator(".lang-switch").tap();
}

const server = await startServer();
try {
  for (const [size, viewport] of [["kiosk", KIOSK], ["upright", UPRIGHT], ["phone", PHONE]]) {
    const browser = await launchBrowser({ viewport });
    try {
      const page = await firstPage(browser);
      for (const lang of ["vi", "en"]) {
        const suffix = lang === "en" ? "-en" : "";
        const shot = (name, fullPage = false) => page.screenshot({ path: join(out, `${size}-${name}${suffix}.png`), fullPage });
        await page.goto(server.url);
        await page.locator("label.level").first().waitFor();
        await useLang(page, lang);
        await shot("question");
        await page.locator('label.level[data-code="khong-hai-long"]').tap();
        await page.locator("fieldset.multi").waitFor();
        await page.locator('label.option[data-code="cho-lau"]').tap();
        await page.locator('label.option[data-code="khac"]').tap();
        await shot("why");
        await page.locator(".other-text input").fill(lang === "en" ? "No seats to wait" : "Không có chỗ ngồi chờ");
        await page.locator("button.next").tap();
        await page.locator("textarea").waitFor();
        await shot("comment");
        await page.locator("button.next").tap();
        await page.locator(".thanks").waitFor();
        await shot("thanks");

        await page.goto(`${server.url}/?survey=danh-gia-ho-so`);
        await page.locator("button.start").waitFor();
        await useLang(page, lang);
        await shot("dossier-welcome");
        await page.locator("button.start").tap();
        await page.locator("label.level").first().waitFor();
        await shot("dossier-question");

        await page.goto(`${server.url}/?survey=sipas`);
        await page.locator("button.start").waitFor();
        await useLang(page, lang);
        await page.locator("button.start").tap();
        for (let i = 0; i < 6; i++) await page.locator("button.next").tap();
        await page.locator("fieldset.matrix").waitFor();
        await page.locator('.matrix-item[data-item="thong-tin"] label.level[data-code="hai-long"]').tap();
        await page.locator("button.next").tap();
        await page.locator(".violation").waitFor();
        await shot("sipas-matrix", true);
      }
      await page.goto(`${server.url}/staff`);
      await page.locator("#pin").waitFor();
      await page.screenshot({ path: join(out, `${size}-staff-pin.png`) });
      // A new device opens at its settings.
      await openStaff(page, `${server.url}/staff`, "cai-dat");
      await page.screenshot({ path: join(out, `${size}-staff.png`), fullPage: true });

      // The workspace with a quarter of a ward's responses imported, certified and published.
      const scratch = mkdtempSync(join(tmpdir(), "hailong-shots-"));
      try {
        const raw = join(scratch, "phuong-hong-bang-2026-Q4.csv");
        writeFileSync(raw, seededRawCsv(640));
        const dossiers = join(scratch, "so-ho-so.csv");
        writeFileSync(dossiers, "field,dossiers\r\nho-tich,820\r\ndat-dai,310\r\nchung-thuc,1150\r\n");
        await page.locator("#unit-name").fill("UBND phường Hồng Bàng");
        await page.locator("#unit-code").fill("phuong-hong-bang");
        await fillKioskCodes(page);
        await page.locator(".settings-form button[type=submit]").click();
        await page.locator(".saved").waitFor();
        await openStaff(page, `${server.url}/staff`);
        await page.locator("#period").selectOption("2026-Q4");
        await importFiles(page, [raw]);
        await page.screenshot({ path: join(out, `${size}-staff-imports.png`), fullPage: true });
        await showSection(page, "chot-so-lieu");
        await page.locator("#dossiers-file").setInputFiles(dossiers);
        await page.locator("button.certify").click();
        await page.screenshot({ path: join(out, `${size}-staff-certify-confirm.png`), fullPage: true });
        await page.locator("button.certify-cancel").click();
        await showSection(page, "ket-qua");
        await page.locator(".response-rate").waitFor();
        await page.locator("#by-counter").check();
        await certifyPeriod(page);
        await page.screenshot({ path: join(out, `${size}-staff-certified.png`), fullPage: true });
        await showSection(page, "ket-qua");
        await page.screenshot({ path: join(out, `${size}-staff-workspace.png`), fullPage: true });
        await showSection(page, "xuat");
        await page.screenshot({ path: join(out, `${size}-staff-exports.png`), fullPage: true });
        await showSection(page, "dien-thoai");
        await page.screenshot({ path: join(out, `${size}-staff-phones.png`), fullPage: true });
        await showSection(page, "chot-so-lieu");
        if (size === "kiosk") {
          for (const lang of ["vi", "en"]) {
            await page.locator("#page-lang").selectOption(lang);
            const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.download-page").click()]);
            const file = join(scratch, `page-${lang}.html`);
            writeFileSync(file, await readFile(await download.path()));
            const printed = await browser.context.newPage();
            await printed.setViewportSize({ width: 794, height: 1123 });
            await printed.goto(`file://${file}`);
            const suffix = lang === "en" ? "-en" : "";
            await printed.pdf({ path: join(out, `results-page${suffix}.pdf`), format: "A4", printBackground: true });
            await printed.screenshot({ path: join(out, `results-page${suffix}.png`), fullPage: true });
            await printed.close();
          }
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }

      // The screens that need a time or a setting: out of service, idle warning, closed.
      await page.goto(`${server.url}/?survey=khong-co`);
      await page.locator(".out-of-service").waitFor();
      await page.screenshot({ path: join(out, `${size}-out-of-service.png`) });
      const timed = await browser.context.newPage();
      await timed.clock.install({ time: new Date("2026-11-23T10:00:00+07:00") });
      for (const lang of ["vi", "en"]) {
        const suffix = lang === "en" ? "-en" : "";
        await timed.goto(server.url);
        await timed.locator("label.level").first().waitFor();
        await useLang(timed, lang);
        await timed.locator('label.level[data-code="khong-hai-long"]').tap();
        await timed.locator("fieldset.multi").waitFor();
        await timed.clock.runFor(31_000);
        await timed.locator(".idle-warning").waitFor();
        await timed.screenshot({ path: join(out, `${size}-idle-warning${suffix}.png`) });
        await timed.clock.runFor(6_000);
      }
      await openStaff(timed, `${server.url}/staff`, "cai-dat");
      await timed.locator("#hours-on").check();
      await timed.locator("#hours-1").fill("13:30-17:00");
      await fillKioskCodes(timed);
      await timed.locator(".settings-form button[type=submit]").click();
      await timed.locator(".saved").waitFor();
      for (const lang of ["vi", "en"]) {
        const suffix = lang === "en" ? "-en" : "";
        await timed.goto(server.url);
        await timed.locator(".closed").waitFor();
        await useLang(timed, lang);
        await timed.screenshot({ path: join(out, `${size}-closed${suffix}.png`) });
      }
      if (browser.problems.length) throw new Error(browser.problems.join("\n"));
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.stop();
}
console.log(`screenshots written to ${out}`);
