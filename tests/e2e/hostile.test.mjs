// The hostile records of tests/data/bad/records/ through the staff area's own entry points: a
// restore names every refused record with its field and refuses the whole file (nothing of it is
// stored; a record is never dropped in silence); a raw CSV with a hostile row is refused whole
// at its line and column. Afterwards nothing else is stored, and
// the figures and the raw export still work.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadRaw, firstPage, importFiles, launchBrowser, openStaff, staffCounts, startServer, storedResponses } from "./harness.mjs";

const CORPUS = new URL("../data/bad/records/", import.meta.url).pathname;

/** Each hostile file with the message the API gives for it (expected.txt). */
function corpus() {
  const expected = new Map(
    readFileSync(join(CORPUS, "expected.txt"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf(": ")), line.slice(line.indexOf(": ") + 2)])
  );
  return readdirSync(CORPUS)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({ name, record: JSON.parse(readFileSync(join(CORPUS, name), "utf8")), reason: expected.get(name) }));
}

const GOOD = {
  format: 1,
  response_id: "7d4c2b1a-0e9f-4a8b-8c7d-6e5f4a3b2c1d",
  survey_id: "danh-gia-tai-quay",
  survey_version: "2026.1",
  submitted_at: "2026-11-23T09:15:00+07:00",
  channel: "kiosk",
  unit: "phuong-1",
  counter: "quay-2",
  partial: false,
  answers: { "muc-do-hai-long": { kind: "choice", value: "hai-long" } },
};

test("a restore names every hostile record and refuses the whole file; a hostile raw row refuses its file", { timeout: 180_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await firstPage(browser);
    await openStaff(page, `${server.url}/staff`);
    const hostile = corpus();
    assert.ok(hostile.length >= 18 && hostile.every((entry) => entry.reason), "every file has its expected message");
    const dir = mkdtempSync(join(tmpdir(), "hailong-hostile-"));
    const backup = join(dir, "backup.json");
    const backupOf = (responses) =>
      JSON.stringify({ format: 1, kind: "hailong-backup", made_at: "2026-11-23T10:00:00+07:00", device_id: "may-la", responses, settings: {} });
    await writeFile(backup, backupOf([...hostile.map((entry) => entry.record), GOOD]));
    const [report] = await importFiles(page, [backup]);
    assert.equal(await report.getAttribute("class"), "violation import-refused", await report.textContent());
    assert.ok((await report.textContent()).includes(`KHÔNG khôi phục, không có gì thay đổi. ${hostile.length} phiếu`));
    const reasons = await report.locator("ul > li").allTextContents();
    assert.equal(reasons.length, hostile.length);
    hostile.forEach((entry, index) => {
      const id = entry.record.response_id ? ` (${entry.record.response_id})` : "";
      assert.equal(reasons[index], `responses[${index}]${id}: ${entry.reason}`, entry.name);
    });
    assert.deepEqual(await storedResponses(page), [], "nothing of a refused backup is stored");

    // The same backup without the hostile records is restored.
    const good = join(dir, "good.json");
    await writeFile(good, backupOf([GOOD]));
    const [restored] = (await importFiles(page, [good])).slice(-1);
    assert.equal(await restored.getAttribute("data-added"), "1", await restored.textContent());
    const stored = await storedResponses(page);
    assert.deepEqual(stored.map((record) => record.response_id), [GOOD.response_id], "only the good one is stored");

    // A raw CSV whose second row repeats a reason: the whole file is refused at that row.
    const raw = join(dir, "hostile.csv");
    const header =
      "response_id,survey_id,survey_version,submitted_at,channel,unit,counter,staff,field,device_id,misuse,partial,muc-do-hai-long,ly-do,ly-do.other,y-kien";
    await writeFile(
      raw,
      [
        header,
        "8e5d3c2b-1f0a-4b9c-9d8e-7f6a5b4c3d2e,danh-gia-tai-quay,2026.1,2026-11-23T09:20:00+07:00,kiosk,phuong-1,quay-2,,,,,0,hai-long,,,",
        "9f6e4d3c-2a1b-4c0d-8e9f-8a7b6c5d4e3f,danh-gia-tai-quay,2026.1,2026-11-23T09:25:00+07:00,kiosk,phuong-1,quay-2,,,,,0,khong-hai-long,cho-lau|cho-lau,,",
        "",
      ].join("\r\n")
    );
    const [refused] = (await importFiles(page, [raw])).slice(-1);
    assert.equal(
      await refused.textContent(),
      "hostile.csv: không nhập / not imported: line 3, column `ly-do`: `cho-lau` is chosen more than once"
    );
    assert.equal((await storedResponses(page)).length, 1, "nothing of the refused file is stored");

    // The figures and the raw export still work, and hold the good response alone.
    const counts = await staffCounts(page, server.url);
    assert.equal(counts._responses, 1);
    const exported = readFileSync(await downloadRaw(page), "utf8");
    assert.equal(exported.trim().split(/\r?\n/).length, 2, exported);
    assert.match(exported, new RegExp(GOOD.response_id));
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
