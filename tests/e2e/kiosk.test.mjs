// The walking skeleton, end to end: a citizen's taps on the kiosk are stored in IndexedDB,
// survive a reload, show on the staff page and in the downloaded CSV, and all of it keeps
// working with the network gone.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { firstPage, launchBrowser, openStaff, rate, rateAndFinish, showSection, staffCounts, startServer, waitForOfflineReady, withKiosk } from "./harness.mjs";

const LEVELS = ["rat-hai-long", "hai-long", "khong-hai-long"];

/** Parses the tally CSV (UTF-8 with BOM, CRLF, text quoted for Excel) into rows of cells; its
 *  cells hold no commas or quotes. */
function parseTally(bytes) {
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "the CSV starts with a UTF-8 BOM for Excel");
  const text = bytes.subarray(3).toString("utf8");
  assert.ok(text.includes("\r\n"), "the CSV uses CRLF line ends");
  const [header, ...rows] = text
    .trimEnd()
    .split("\r\n")
    .map((line) => line.split(",").map((cell) => cell.replace(/^"(.*)"$/, "$1")));
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]])));
}

test("three answers survive a reload and show on the staff page and in the CSV", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await page.goto(server.url);
    await assert.doesNotReject(page.getByText("Ông/Bà có hài lòng với sự phục vụ tại quầy hôm nay không?").waitFor());

    // The first answer: the thank-you comes, then the question returns by itself.
    await rate(page, LEVELS[0]);
    assert.match(await page.locator(".thanks-text").textContent(), /Cảm ơn Ông\/Bà đã đánh giá!/);
    await page.locator("label.level").first().waitFor({ timeout: 10_000 });
    // A next citizen within 3 s of the thank-you would be flagged as misuse (tested apart);
    // these citizens come one by one, each to a freshly loaded kiosk.
    await page.reload();

    for (const code of LEVELS.slice(1)) {
      await rateAndFinish(page, code);
      await page.reload();
    }

    await page.reload();
    const counts = await staffCounts(page, server.url);
    assert.deepEqual(counts, { "rat-hai-long": 1, "hai-long": 1, "khong-hai-long": 1, _responses: 3 });

    await showSection(page, "xuat");
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.download-tally").click()]);
    assert.match(download.suggestedFilename(), /^hailong-tally-danh-gia-tai-quay-2026\.1-\d{4}-Q\d-excel\.csv$/);
    const rows = parseTally(await readFile(await download.path()));
    const byCode = Object.fromEntries(
      rows.filter((row) => row.question_id === "muc-do-hai-long").map((row) => [row.option_code, row])
    );
    for (const code of LEVELS) {
      assert.equal(byCode[code].count, "1", `${code} counted once in the CSV`);
      assert.equal(byCode[code].answered, "3");
    }
    assert.equal(byCode["rat-hai-long"].option_label, "Rất hài lòng", "Vietnamese labels keep their diacritics");
    assert.equal(rows.find((row) => row.question_id === "_responses").count, "3");
    assert.deepEqual(browser.problems, []);
  });
});

test("with the network gone the kiosk reloads, stores an answer, and it is there once back online", { timeout: 120_000 }, async () => {
  let server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await firstPage(browser);
    await page.goto(server.url);
    await page.locator("label.level").first().waitFor();
    await waitForOfflineReady(page);

    // Gone: the browser is offline and the server is not even running.
    await browser.context.setOffline(true);
    await server.stop();
    await page.reload();
    await rate(page, "hai-long");

    server = await startServer({ port: server.port });
    await browser.context.setOffline(false);
    const counts = await staffCounts(page, server.url);
    assert.deepEqual(counts, { "rat-hai-long": 0, "hai-long": 1, "khong-hai-long": 0, _responses: 1 });
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("the per-dossier evaluation is answered screen by screen and counted", { timeout: 120_000 }, async () => {
  await withKiosk(async ({ server, browser, page }) => {
    await page.goto(`${server.url}/?survey=danh-gia-ho-so`);
    await page.locator("button.start").tap();
    const answers = ["som-hon-hen", "khong-lan", "chi-bo-phan-mot-cua", "khong"];
    for (const [index, code] of answers.entries()) {
      assert.match(await page.locator(".progress").textContent(), new RegExp(`Câu ${index + 1}/5`));
      await page.locator(`label.level[data-code="${code}"]`).tap();
    }
    // Back to the first question: the answer given is still chosen, and can be kept.
    await page.locator("button.back").tap();
    await page.locator("button.back").tap();
    await page.locator("button.back").tap();
    await page.locator("button.back").tap();
    assert.equal(await page.locator('label.level[data-code="som-hon-hen"] input').isChecked(), true);
    for (let i = 0; i < 4; i++) await page.locator("button.next").tap();
    await rate(page, "hai-long");

    const counts = await staffCounts(page, `${server.url}`, "chi-so-1");
    assert.equal(counts._responses, 0, "the counter rating's page counts its own survey only");
    await openStaff(page, `${server.url}/staff?survey=danh-gia-ho-so`);
    assert.equal(await page.locator(".summary .responses").textContent(), "1");
    const chosen = await page.locator('table.tally[data-question="so-co-quan-lien-he"] tr[data-code="chi-bo-phan-mot-cua"] .count').textContent();
    assert.equal(chosen, "1");
    assert.deepEqual(browser.problems, []);
  });
});
