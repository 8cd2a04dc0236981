// The staff workspace: kiosks' raw exports merged in a third device, a certified period that
// reports a changed response, and the published page printed to one A4 page.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certifyPeriod, downloadRaw, firstPage, importFiles, launchBrowser, openStaff, rate, rateAndFinish, showSection, staffCounts, startServer, storedResponses, withKiosk } from "./harness.mjs";

/** Sets this kiosk's counter code in the staff area. */
async function setCounter(page, url, counter) {
  await openStaff(page, `${url}/staff`, "cai-dat");
  await page.locator("#unit-code").fill("phuong-hong-bang");
  await page.locator("#counter-code").fill(counter);
  await page.locator(".settings-form button[type=submit]").click();
  await page.locator(".saved").waitFor();
}

/** Rates each level in turn, one citizen per freshly loaded kiosk. */
async function answer(page, url, levels) {
  for (const level of levels) {
    await page.goto(url);
    await rateAndFinish(page, level);
  }
}

test("two kiosks' raw exports merge in a third: sums add up, a second import changes nothing, a conflict is refused", { timeout: 300_000 }, async () => {
  const server = await startServer();
  const browsers = [];
  const folder = mkdtempSync(join(tmpdir(), "hailong-merge-"));
  try {
    for (let n = 0; n < 3; n++) browsers.push(await launchBrowser());
    const [kioskA, kioskB, office] = await Promise.all(browsers.map(firstPage));

    await setCounter(kioskA, server.url, "quay-1");
    await answer(kioskA, server.url, ["rat-hai-long", "hai-long", "khong-hai-long"]);
    await setCounter(kioskB, server.url, "quay-2");
    await answer(kioskB, server.url, ["rat-hai-long", "rat-hai-long"]);

    const countsA = await staffCounts(kioskA, server.url);
    const rawA = await downloadRaw(kioskA);
    const countsB = await staffCounts(kioskB, server.url);
    const rawB = await downloadRaw(kioskB);
    assert.equal(countsA._responses, 3);
    assert.equal(countsB._responses, 2);

    await openStaff(office, `${server.url}/staff`);
    const first = await importFiles(office, [rawA, rawB]);
    assert.deepEqual(
      await Promise.all(first.map((li) => li.getAttribute("data-added"))),
      ["3", "2"],
      "every response of both kiosks is added"
    );
    const merged = await staffCounts(office, server.url);
    for (const key of Object.keys(merged)) {
      assert.equal(merged[key], countsA[key] + countsB[key], `${key}: the merged tally is the sum of both kiosks`);
    }

    await openStaff(office, `${server.url}/staff`);
    const again = await importFiles(office, [rawA, rawB]);
    assert.deepEqual(await Promise.all(again.map((li) => li.getAttribute("data-added"))), ["0", "0"]);
    assert.deepEqual(await Promise.all(again.map((li) => li.getAttribute("data-duplicates"))), ["3", "2"]);
    assert.deepEqual(await staffCounts(office, server.url), merged, "a second import changes nothing");

    // Kiosk A's file with one response's answer changed: refused, naming the response.
    const lines = (await readFile(rawA, "utf8")).split("\r\n");
    // Excel's profile quotes every text cell.
    const changedId = lines[1].split(",")[0].replace(/^\uFEFF/, "").replaceAll('"', "");
    lines[1] = lines[1].replace(/,"(rat-hai-long|hai-long|khong-hai-long)",/, (_, level) =>
      level === "hai-long" ? ',"rat-hai-long",' : ',"hai-long",'
    );
    const conflicting = join(folder, "kiosk-a-edited.csv");
    await writeFile(conflicting, lines.join("\r\n"));
    await openStaff(office, `${server.url}/staff`);
    const [refused] = await importFiles(office, [conflicting]);
    assert.match(await refused.getAttribute("class"), /import-refused/);
    assert.equal(await refused.locator(".conflict").getAttribute("data-response"), changedId);
    assert.match(await refused.textContent(), new RegExp(changedId));
    assert.deepEqual(await staffCounts(office, server.url), merged, "nothing stored was overwritten");

    for (const browser of browsers) assert.deepEqual(browser.problems, []);
  } finally {
    for (const browser of browsers) await browser.close();
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
});

test("a certified period reports a changed response with its digest, and its page prints on one A4 page", { timeout: 120_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const folder = mkdtempSync(join(tmpdir(), "hailong-certify-"));
  try {
    const page = await firstPage(browser);
    await answer(page, server.url, ["rat-hai-long", "hai-long", "khong-hai-long"]);
    await openStaff(page, `${server.url}/staff`);
    await certifyPeriod(page);
    const digest = (await page.locator(".certified .digest").textContent()).trim();
    assert.match(digest, /^[0-9a-f]{64}$/);

    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.download-page").click()]);
    const html = await readFile(await download.path(), "utf8");
    assert.ok(html.includes(digest), "the page carries the certification digest");
    assert.ok(html.includes('<html lang="vi">') && html.includes("KẾT QUẢ ĐO LƯỜNG SỰ HÀI LÒNG"), "Vietnamese by default");
    assert.ok(!html.includes("BẢN NHÁP"), "a certified page is not a draft");

    // Someone changes a stored response behind the app's back.
    const changed = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("hailong");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const store = open.result.transaction("responses", "readwrite").objectStore("responses");
            const all = store.getAll();
            all.onsuccess = () => {
              const record = all.result.find((r) => r.answers["muc-do-hai-long"]?.value === "khong-hai-long");
              if (!record) return reject(new Error("no 'not satisfied' response is stored"));
              record.answers = { "muc-do-hai-long": { kind: "choice", value: "rat-hai-long" } };
              store.put(record).onsuccess = () => resolve(record.response_id);
            };
          };
        })
    );
    await openStaff(page, `${server.url}/staff`, "chot-so-lieu");
    const mismatch = page.locator(".mismatch");
    await mismatch.waitFor();
    const text = await mismatch.textContent();
    assert.ok(text.includes(digest), "the alert names the certified digest");
    assert.ok(text.includes(changed), "the alert names the changed response");
    const recounted = (await mismatch.locator(".recounted").textContent()).trim();
    assert.match(recounted, /^[0-9a-f]{64}$/);
    assert.notEqual(recounted, digest);

    // The published page, printed by Chromium.
    const file = join(folder, "page.html");
    await writeFile(file, html);
    const printed = await browser.context.newPage();
    await printed.goto(`file://${file}`);
    const pdf = await printed.pdf({ format: "A4", printBackground: true });
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    assert.equal((pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length, 1, "one A4 page");
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
});

test("clearing deletes exactly the responses of a backup staff checked, never one stored since; restoring the backup twice brings each back once", { timeout: 120_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await firstPage(browser);
    await answer(page, server.url, ["rat-hai-long", "khong-hai-long"]);
    const before = await staffCounts(page, server.url);
    assert.equal(before._responses, 2);
    await certifyPeriod(page);

    await showSection(page, "sao-luu");
    assert.equal(await page.locator("#confirm-clear").count(), 0, "no clearing before the data is saved");
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.download-backup").click()]);
    assert.match(download.suggestedFilename(), /^hailong-sao-luu-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.json$/);
    const backup = JSON.parse(await readFile(await download.path(), "utf8"));
    assert.equal(backup.kind, "hailong-backup");
    assert.equal(backup.responses.length, 2);
    assert.ok(!Object.keys(backup.settings).some((key) => key.startsWith("staff_pin")), "the PIN is never in a backup");

    // A download that was only started saves nothing: staff check the file first.
    const written = page.locator(`.written[data-file="${download.suggestedFilename()}"]`);
    assert.match(await written.textContent(), /\(2 phiếu\)/);
    assert.equal(await page.locator("#confirm-clear").count(), 0, "a started download is not a saved file");
    await written.locator("button.check-written").click();
    await page.locator("#confirm-clear").waitFor();
    assert.equal(await page.locator(".saved-count").getAttribute("data-saved"), "2");

    // Meanwhile the kiosk tab stores another response: it is in no file.
    const since = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("hailong");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const store = open.result.transaction("responses", "readwrite").objectStore("responses");
            store.openCursor().onsuccess = (event) => {
              const record = structuredClone(event.target.result.value);
              record.response_id = crypto.randomUUID();
              store.add(record).onsuccess = () => resolve(record.response_id);
            };
          };
        })
    );

    await page.locator("#confirm-clear").fill("xoa");
    await page.locator(".clear-form button[type=submit]").click();
    await page.locator(".backup .violation").waitFor();
    assert.equal((await storedResponses(page)).length, 3, "a wrong word clears nothing");
    await page.locator("#confirm-clear").fill("XOA");
    await page.locator(".clear-form button[type=submit]").click();
    await page.locator(".backup [role=status]").filter({ hasText: "Đã xóa 2 phiếu" }).waitFor();
    assert.deepEqual((await storedResponses(page)).map((record) => record.response_id), [since], "the one stored since is kept");
    // The rest goes on from the two of the backup alone.
    await page.evaluate(
      (id) =>
        new Promise((resolve) => {
          const open = indexedDB.open("hailong");
          open.onsuccess = () => {
            const transaction = open.result.transaction("responses", "readwrite");
            transaction.objectStore("responses").delete(id);
            transaction.oncomplete = () => resolve();
          };
        }),
      since
    );

    await openStaff(page, `${server.url}/staff`, "ket-qua");
    await page.waitForFunction(() => document.querySelector(".summary .responses")?.textContent === "0");
    await showSection(page, "chot-so-lieu");
    assert.match(await page.locator(".certification .note").textContent(), /không còn trên thiết bị/);

    const path = join(mkdtempSync(join(tmpdir(), "hailong-backup-")), "backup.json");
    await writeFile(path, JSON.stringify(backup));
    const [restored] = await importFiles(page, [path]);
    assert.equal(await restored.getAttribute("data-added"), "2");
    await openStaff(page, `${server.url}/staff`);
    const [again] = await importFiles(page, [path]);
    assert.equal(await again.getAttribute("data-added"), "0");
    assert.equal(await again.getAttribute("data-duplicates"), "2");
    assert.deepEqual(await staffCounts(page, server.url), before);
    await showSection(page, "chot-so-lieu");
    await page.locator(".verified").waitFor();
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("a comment that looks like a formula keeps exactly its text through export, import and export again", { timeout: 180_000 }, async () => {
  const server = await startServer();
  const browsers = [];
  try {
    for (let n = 0; n < 2; n++) browsers.push(await launchBrowser());
    const [kiosk, office] = await Promise.all(browsers.map(firstPage));
    const comment = "- Cán bộ hướng dẫn tận tình";
    await kiosk.goto(server.url);
    await kiosk.locator('label.level[data-code="khong-hai-long"]').tap();
    await kiosk.locator("button.next").tap();
    await kiosk.locator("textarea").tap();
    await kiosk.keyboard.type(comment);
    await kiosk.locator("button.next").tap();
    await kiosk.locator(".thanks").waitFor();

    await openStaff(kiosk, `${server.url}/staff`);
    const first = await readFile(await downloadRaw(kiosk), "utf8");
    assert.ok(first.includes(`'${comment}`) && !first.includes(`''${comment}`), "guarded once for Excel");

    await openStaff(office, `${server.url}/staff`);
    const [report] = await importFiles(office, [await downloadRaw(kiosk)]);
    assert.equal(await report.getAttribute("data-added"), "1");
    const stored = await storedResponses(office);
    assert.equal(stored[0].answers["y-kien"].value, comment, "the guard is removed on the way in");
    await openStaff(office, `${server.url}/staff`);
    const second = await readFile(await downloadRaw(office), "utf8");
    const cell = (csv) => csv.split("\r\n").find((line) => line.includes(comment));
    assert.equal(cell(second).slice(cell(second).indexOf(comment) - 2), cell(first).slice(cell(first).indexOf(comment) - 2), "no apostrophe added");
    for (const browser of browsers) assert.deepEqual(browser.problems, []);
  } finally {
    for (const browser of browsers) await browser.close();
    await server.stop();
  }
});

test("certifying asks first, refuses a running quarter unless certified early, and locks the count the page publishes", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await page.clock.install();
    await page.goto(server.url);
    await rate(page, "hai-long");
    await page.clock.runFor(6_000);
    // Within 3 s of the question coming back: kept, flagged as misuse.
    await rate(page, "rat-hai-long");
    await page.clock.runFor(126_000);
    // A sad tap, then the citizen walks away: unfinished, counted as not satisfied.
    await page.locator('label.level[data-code="khong-hai-long"]').tap();
    await page.locator("fieldset.multi").waitFor();
    await page.clock.runFor(36_000);
    await page.locator('label.level[data-code="rat-hai-long"]').waitFor();

    await openStaff(page, `${server.url}/staff`);
    const shown = await page.locator(".summary dd").allTextContents();
    assert.deepEqual(shown.slice(0, 3), ["2", "1", "1"], "counted, misuse, unfinished");
    await showSection(page, "chot-so-lieu");
    await page.locator("button.certify").click();
    assert.equal(await page.locator(".certified").count(), 0, "one click certifies nothing");
    const confirm = page.locator("button.certify-confirm");
    assert.ok(await confirm.isDisabled(), "a quarter still running is not certified by default");
    const toLock = page.locator(".confirm-certify .to-lock");
    assert.equal(await toLock.getAttribute("data-responses"), "2", "the count the page will publish");
    assert.match(await toLock.textContent(), /2 phiếu được tính \(trong đó 1 phiếu chưa hoàn thành.*1 phiếu nghi lạm dụng để riêng/);
    await page.locator("button.certify-cancel").click();
    assert.equal(await page.locator(".certified").count(), 0, "cancelled");

    assert.deepEqual(await certifyPeriod(page), { responses: 2, partial: 1, misuse: 1 });
    assert.match(await page.locator(".certified").textContent(), /Chốt sớm/);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.download-page").click()]);
    const html = await readFile(await download.path(), "utf8");
    assert.ok(html.includes('<p class="value">2</p>'), "the page publishes the count that was locked");
    assert.ok(html.includes("chốt sớm, trước khi kỳ kết thúc"), "and says it was certified early");
    assert.deepEqual(browser.problems, []);
  });
});


test("staff enter the agency's indicators 2, 5, 6, 8, 9 for a quarter, and the agency is classified from all nine", { timeout: 120_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await firstPage(browser);
    await openStaff(page, `${server.url}/staff`);
    // Four dossiers rated by citizens: indicators 1, 3, 4 and 7 score 1.3 each, 5.2 in all.
    const header =
      "response_id,survey_id,survey_version,submitted_at,channel,unit,counter,staff,field,device_id,misuse,partial,thoi-gian-tra-ket-qua,so-lan-lien-he,so-co-quan-lien-he,phien-ha-sach-nhieu,muc-do-hai-long";
    const dossier = (n, answers) =>
      `00000000-0000-4000-8000-00000000000${n},danh-gia-ho-so,2026.1,2026-11-23T10:00:00+07:00,kiosk,phuong-1,quay-1,,,,,0,${answers},hai-long`;
    const dir = mkdtempSync(join(tmpdir(), "hailong-indicators-"));
    const path = join(dir, "ho-so.csv");
    await writeFile(
      path,
      [
        header,
        dossier(1, "som-hon-hen,khong-lan,khong-lien-he-them,khong"),
        dossier(2, "dung-hen,khong-lan,chi-bo-phan-mot-cua,khong"),
        dossier(3, "tre-hen,tu-hai-lan,nhieu-hon-mot,co"),
        dossier(4, "som-hon-hen,mot-lan,khong-lien-he-them,khong"),
        "",
      ].join("\r\n")
    );
    const [imported] = await importFiles(page, [path]);
    assert.equal(await imported.getAttribute("data-added"), "4", await imported.textContent());
    await showSection(page, "ket-qua");
    await page.locator("#survey-shown").selectOption("danh-gia-ho-so");
    await page.locator("#period").selectOption("2026-Q4");
    const agency = page.locator('tr[data-scope="classification"][data-id="agency"] .index-value');
    assert.equal(await agency.textContent(), "chưa xếp loại: chưa nhập chỉ số 2, 5, 6, 8, 9 (từ hệ thống của cơ quan)");

    // Typed key by key: 2.0 + 2.0 + 2.0 + 2.0 + 1.8 = 9.8 from the agency's systems.
    await showSection(page, "chot-so-lieu");
    const box = page.locator("textarea#indicators");
    await box.click();
    await page.keyboard.press("End");
    await page.keyboard.type(",,2,40,80\n,,5,40,80\n,,6,40,80\n,,8,40,80\n,,9,40,72\n");
    await page.locator(".indicators-form button[type=submit]").click();
    await page.locator("section.indicators .saved").waitFor();
    assert.equal(await page.locator("section.indicators .saved").textContent(), "Đã lưu: 5 dòng chỉ số. / Saved.");
    await showSection(page, "ket-qua");
    await page.waitForFunction(() =>
      document.querySelector('tr[data-scope="classification"][data-id="agency"] .index-value')?.textContent.includes("xuất sắc")
    );
    assert.equal(await agency.textContent(), "15,0 (xuất sắc)", "exactly 15.0 of 18 is xuất sắc");

    // A slip is named by line and column, and nothing is saved.
    await showSection(page, "chot-so-lieu");
    await box.fill("unit,staff,indicator,dossiers,points\n,,7,40,60\n");
    await page.locator(".indicators-form button[type=submit]").click();
    await page.locator("section.indicators .violation").waitFor();
    assert.match(await page.locator("section.indicators .violation").textContent(), /line 2, column `indicator`: indicator 7 comes from citizens' answers/);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
