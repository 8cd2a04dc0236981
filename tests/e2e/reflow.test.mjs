// Every citizen screen of every shipped survey, at the two sizes where layouts break: a phone
// 390 px wide with 200 % text (the browser's default font size doubled, as Android's text
// scaling does), and a 1280 × 800 tablet zoomed to 200 % (640 × 400 CSS pixels). On each screen
// nothing needs sideways scrolling, the buttons are on screen, and every answer of the question
// is on screen or the screen says plainly that there is more below. Each is measured in every
// font of LAYOUT_FONTS, which the test command installs: a layout that fits one font can
// overflow in a wider one.

import { test } from "node:test";
import assert from "node:assert/strict";
import { LAYOUT_FONTS, drawnFonts, useFont, withKiosk } from "./harness.mjs";

const SURVEYS = ["danh-gia-tai-quay", "danh-gia-ho-so", "sipas"];
const CONDITIONS = {
  "phone, 200 % text": { viewport: { width: 390, height: 844 }, fontSize: 32 },
  "tablet zoomed to 200 %": { viewport: { width: 640, height: 400 }, fontSize: 16 },
};

/** What is wrong with the screen shown now, if anything. */
async function layoutProblems(page) {
  // The hint that there is more is set after the screen is laid out: wait two frames.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return page.evaluate(() => {
    const problems = [];
    const overflow = document.documentElement.scrollWidth - window.innerWidth;
    if (overflow > 0) problems.push(`${overflow} px wider than the screen`);
    const nav = document.querySelector(".question-nav");
    const bottom = nav ? nav.getBoundingClientRect().top : window.innerHeight;
    for (const button of document.querySelectorAll(".question-nav button")) {
      const rect = button.getBoundingClientRect();
      if (rect.bottom > window.innerHeight + 1 || rect.top < 0) problems.push(`the button "${button.textContent}" is off screen`);
    }
    const answers = [...document.querySelectorAll(".kiosk .option-list > *")];
    const hidden = answers.filter((answer) => {
      const rect = answer.getBoundingClientRect();
      return rect.bottom > bottom + 1 || rect.right > window.innerWidth + 1 || rect.left < -1;
    });
    const hinted = document.querySelector(".more-below") !== null;
    if (hidden.length > 0 && !hinted) {
      problems.push(`${hidden.length} of ${answers.length} answers are out of sight, and nothing says so`);
    }
    return problems;
  });
}

/** Answers the question shown so as to see every follow-up: the last option of a one-tap
 *  question (the worst level, where levels are shown best first), one level per matrix item,
 *  a number, a few words; then moves on where it does not move on by itself. */
async function answerAndMoveOn(page) {
  const screen = await page.locator(".kiosk-root").getAttribute("data-screen");
  const oneTap = page.locator("fieldset.levels label.level, fieldset.options label.level, fieldset.scale-0-10 label.level");
  if ((await oneTap.count()) > 0) {
    await oneTap.last().tap();
  } else {
    for (const item of await page.locator("fieldset.matrix-item").all()) await item.locator("label.level").first().tap();
    if ((await page.locator("input.number").count()) > 0) await page.locator("input.number").fill("1");
    await page.locator("button.next").tap();
  }
  await page.waitForFunction(
    (before) => document.querySelector(".kiosk-root")?.getAttribute("data-screen") !== before,
    screen,
    { timeout: 10_000 }
  );
}

for (const family of LAYOUT_FONTS) {
for (const [condition, { viewport, fontSize }] of Object.entries(CONDITIONS)) {
  for (const surveyId of SURVEYS) {
    test(`${surveyId}, ${condition}, in ${family}: every screen fits or says there is more`, { timeout: 120_000 }, async () => {
      await withKiosk(
        async ({ server, browser, page }) => {
          await useFont(page, family);
          const cdp = await page.context().newCDPSession(page);
          await cdp.send("Page.setFontSizes", { fontSizes: { standard: fontSize } });
          await page.goto(`${server.url}/?survey=${surveyId}`);
          await page.locator(".kiosk-root[data-screen]:not([data-screen=starting])").waitFor();
          assert.deepEqual(await drawnFonts(page, ".kiosk-root"), [family], `drawn in ${family}, which the machine has`);
          const found = {};
          const seen = [];
          for (let step = 0; step < 60; step++) {
            const screen = await page.locator(".kiosk-root").getAttribute("data-screen");
            if (screen === "saving") {
              await page.locator(".thanks").waitFor();
              continue;
            }
            seen.push(screen);
            const problems = await layoutProblems(page);
            if (problems.length) found[screen] = problems;
            if (screen === "thanks") break;
            if (screen === "welcome") {
              await page.locator("button.start").tap();
              continue;
            }
            await answerAndMoveOn(page);
          }
          assert.equal(seen.at(-1), "thanks", `the survey was walked to its end: ${seen.join(", ")}`);
          assert.deepEqual(found, {});
          assert.deepEqual(browser.problems, []);
        },
        { viewport }
      );
    });
  }
}
}
