// The walking skeleton, end to end: a citizen's taps on the kiosk are stored in IndexedDB,
// survive a reload, show on the staff page and in the downloaded CSV, and all of it keeps
// working with the network gone.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { firstPage, launchBrowser, rate, staffCounts, startServer, waitForOfflineReady } from "./harness.mjs";

const LEVELS = ["rat-hai-long", "hai-long", "khong-hai-long"];

/** Parses the tally CSV (UTF-8 with BOM, CRLF) into rows of cells; its cells hold no commas. */
function parseTally(bytes) {
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "the CSV starts with a UTF-8 BOM for Excel");
  const text = bytes.subarray(3).toString("utf8");
  assert.ok(text.includes("\r\n"), "the CSV uses CRLF line ends");
  const [header, ...rows] = text.trimEnd().split("\r\n").map((line) => line.split(","));
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]])));
}

test("three answers survive a reload and show on the staff page and in the CSV", { timeout: 120_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await firstPage(browser);
    await page.goto(server.url);
    await assert.doesNotReject(page.getByText("Ông/Bà có hài lòng với sự phục vụ tại quầy hôm nay không?").waitFor());

    // The first answer: the thank-you comes, then the question returns by itself.
    await rate(page, LEVELS[0]);
    assert.match(await page.locator(".thanks-text").textContent(), /Cảm ơn Ông\/Bà đã đánh giá!/);
    await page.locator("button.level").first().waitFor({ timeout: 10_000 });

    for (const code of LEVELS.slice(1)) {
      await rate(page, code);
      await page.reload();
    }

    await page.reload();
    const counts = await staffCounts(page, server.url);
    assert.deepEqual(counts, { "rat-hai-long": 1, "hai-long": 1, "khong-hai-long": 1, _responses: 3 });

    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.action").click()]);
    assert.match(download.suggestedFilename(), /^hailong-tally-danh-gia-tai-quay-2026\.1-\d{8}\.csv$/);
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
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("with the network gone the kiosk reloads, stores an answer, and it is there once back online", { timeout: 120_000 }, async () => {
  let server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await firstPage(browser);
    await page.goto(server.url);
    await page.locator("button.level").first().waitFor();
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
