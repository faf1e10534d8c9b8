// The capture page of `preflight serve` in headless Chromium: upload a good and a bad
// generated capture, check the verdict and findings the page shows and the annotated
// picture, and keep a screenshot.
//   node page.test.mjs URL GOOD.jpg BAD.jpg SCREENSHOT.png
import { chromium } from "playwright-core";

const [url, good, bad, shot] = process.argv.slice(2);
const fail = (msg) => {
  console.error("page test: FAIL: " + msg);
  process.exitCode = 1;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
  page.on("pageerror", (e) => fail("script error on the page: " + e.message));
  await page.goto(url);

  async function submit(file, klass) {
    await page.setInputFiles("#file", file);
    await page.selectOption("#class", klass);
    await page.click("button[type=submit]");
    await page.waitForFunction(() => document.querySelector("#verdict").dataset.verdict, null, {
      timeout: 60000,
    });
    await page.waitForFunction(() => !document.querySelector("#annotated").hidden, null, {
      timeout: 60000,
    });
    return page.evaluate(() => ({
      verdict: document.querySelector("#verdict").dataset.verdict,
      headline: document.querySelector("#verdict").textContent,
      findings: [...document.querySelectorAll("#findings li")].map((li) => li.textContent),
      picture: document.querySelector("#annotated").naturalWidth,
    }));
  }

  const g = await submit(good, "id-card");
  console.log("good capture:", JSON.stringify(g));
  if (!["pass", "warn"].includes(g.verdict)) fail("good capture shown as " + g.verdict);
  if (!g.headline.startsWith("Good to upload") && !g.headline.startsWith("Can be uploaded"))
    fail("good capture headline: " + g.headline);
  if (!(g.picture > 0)) fail("no annotated picture for the good capture");

  const b = await submit(bad, "id-card");
  console.log("cut-off capture:", JSON.stringify(b));
  if (b.verdict !== "reject") fail("cut-off capture shown as " + b.verdict);
  if (!b.headline.startsWith("Retake")) fail("cut-off capture headline: " + b.headline);
  if (!b.findings.some((f) => f.includes("document_cut_off") && f.includes("outside the frame")))
    fail("the cut-off finding is not shown in words: " + JSON.stringify(b.findings));
  if (!(b.picture > 0)) fail("no annotated picture for the cut-off capture");

  await page.screenshot({ path: shot, fullPage: true });
  console.log("screenshot:", shot);
} finally {
  await browser.close();
}
