// The station's main path in the real window, driven through tauri-driver: create an
// exam, import its roster and a scanned batch, settle the review desk, set a barème,
// draw a pen stroke and a stamp, score, finalize, export. A screenshot of every screen
// visited goes to target/screenshots/. Usage:
//   node e2e/main-path.mjs <app binary> <batch.pdf> <roster.csv> <work dir> [driver url]

import { mkdirSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Driver, KEY, sleep } from "./webdriver.mjs";

const [app, batch, roster, work, url = "http://127.0.0.1:4444"] = process.argv.slice(2);
const shots = resolve(process.env.KORRIGO_SCREENSHOTS || "../target/screenshots");
mkdirSync(shots, { recursive: true });
const d = new Driver(url);

// Clicks a page button and answers the milliseconds until the new page's image is
// decoded and painted (the next animation frame).
const FLIP = `
  const [button, done] = arguments;
  const src = () => { const i = document.querySelector('[data-testid="page-image"]'); return i && (i.currentSrc || i.src); };
  const before = src();
  const t0 = performance.now();
  button.click();
  const check = () => {
    const i = document.querySelector('[data-testid="page-image"]');
    if (i && (i.currentSrc || i.src) !== before && i.complete && i.naturalWidth > 0) {
      requestAnimationFrame(() => done(performance.now() - t0));
    } else if (performance.now() - t0 > 5000) {
      done("no new page image after 5 s");
    } else {
      setTimeout(check, 1);
    }
  };
  check();
`;
let shot = 0;
const report = {};

async function snap(name) {
  await sleep(500);
  shot += 1;
  const file = join(shots, `${String(shot).padStart(2, "0")}-${name}.png`);
  writeFileSync(file, await d.screenshot());
  console.log(`screenshot ${file}`);
}

function step(name) {
  console.log(`— ${name}`);
}

async function main() {
  await d.start(app);
  await d.find("nav-exams", 30000);
  await snap("start");

  step("create an exam");
  await d.click("nav-exams");
  await d.type("exam-name", "DS 5 — Ondes");
  await d.click("exam-create");
  const row = await d.until("the exam in the list", async () => (await d.all("exam-row"))[0]);
  await d.clickElement(row);

  step("import the roster");
  await d.type("roster-path", roster);
  await d.click("roster-import");
  await d.find("roster-result", 15000);
  await snap("exams");

  step("import the scanned batch");
  await d.click("nav-import");
  await d.type("import-paths", batch);
  await d.click("import-start");
  const progress = await d.find("job-progress", 15000);
  await d.until("the import to finish", async () => (await d.attr(progress, "data-state")) === "done", 180000);
  await d.find("import-summary");
  await snap("import");

  step("settle the review desk");
  await d.click("nav-review");
  for (let i = 0; i < 10; i++) {
    const empty = await d.all("review-empty");
    if (empty.length > 0) break;
    const crop = await d.find("review-crop", 15000);
    if (i === 0) {
      await d.until("the header crop", async () =>
        d.script("return arguments[0].complete && arguments[0].naturalWidth > 0", d.ref(crop)), 20000);
      await snap("review");
    }
    const search = await d.find("review-search");
    await d.call("POST", `/element/${search}/clear`, {});
    const names = ["MARTIN", "DURAND", "PETIT", "LEROY"];
    await d.typeInto(search, names[i % names.length]);
    await sleep(300);
    await d.typeInto(search, KEY.ENTER);
    await sleep(800);
  }
  await d.find("review-empty", 15000);

  step("set a barème");
  await d.click("nav-bareme");
  for (const [label, max] of [["Exercice 1", "6"], ["Exercice 2", "4"]]) {
    await d.click("bareme-add-root");
    const labels = await d.all("bareme-label");
    const maxes = await d.all("bareme-max");
    const l = labels[labels.length - 1];
    await d.call("POST", `/element/${l}/clear`, {});
    await d.typeInto(l, label);
    const m = maxes[maxes.length - 1];
    await d.call("POST", `/element/${m}/clear`, {});
    await d.typeInto(m, max);
  }
  await snap("bareme");
  await d.click("bareme-save");
  await d.until("the barème's total", async () => (await d.text(await d.find("bareme-total"))).includes("10"));

  step("grade a copy");
  await d.click("nav-grading");
  const first = await d.until("a copy to grade", async () => (await d.all("grading-copy"))[0]);
  await d.clickElement(first);
  await d.click("lease-take");
  const lease = await d.find("lease-state");
  await d.until("the lease", async () => (await d.attr(lease, "data-mine")) === "true");
  const image = await d.find("page-image", 20000);
  await d.until("the page image", async () => d.script("return arguments[0].complete && arguments[0].naturalWidth > 0", d.ref(image)));
  report.pageFlipsMs = [];
  await sleep(1500); // the pages after the first are rendered ahead meanwhile
  for (const button of ["page-next", "page-next", "page-next", "page-prev", "page-prev", "page-prev"]) {
    const el = await d.find(button);
    const ms = await d.scriptAsync(FLIP, d.ref(el));
    if (typeof ms !== "number") throw new Error(`page flip: ${ms}`);
    report.pageFlipsMs.push(Math.round(ms * 10) / 10);
    await sleep(300);
  }
  const overlay = await d.find("page-overlay");
  const r = await d.rect(overlay);
  await d.click("tool-pen");
  const stroke = [];
  for (let i = 0; i <= 20; i++) stroke.push({ x: r.x + r.width * (0.2 + 0.02 * i), y: r.y + r.height * (0.5 + 0.01 * Math.sin(i)) });
  await d.drag(stroke);
  await d.until("the stroke", async () => (await d.all("annotation")).length >= 1);
  report.stroke = await d.until("the stroke's timings", async () =>
    d.script("return window.__korrigoPerf && window.__korrigoPerf.strokes > 0 ? window.__korrigoPerf : null"), 5000);
  await d.click("tool-tick");
  await d.drag([{ x: r.x + r.width * 0.8, y: r.y + r.height * 0.3 }]);
  await d.until("the stamp", async () => (await d.all("annotation")).length >= 2);
  const inputs = await d.all("score-input");
  for (const [i, input] of inputs.entries()) {
    await d.call("POST", `/element/${input}/clear`, {});
    await d.typeInto(input, i === 0 ? "4,5" : "3");
    await d.typeInto(input, KEY.ENTER);
    await sleep(300);
  }
  await d.until("the total", async () => (await d.text(await d.find("grade-total"))).includes("7,5"));
  await snap("grading");
  await d.click("finalize");
  await d.until("the copy graded", async () => {
    const copies = await d.all("grading-copy");
    for (const c of copies) if ((await d.attr(c, "data-status")) === "graded") return true;
    return false;
  });

  step("statistics");
  await d.click("nav-stats");
  await d.find("stats-histogram", 15000);
  await snap("stats");

  step("export");
  await d.click("nav-export");
  const out = join(work, "pdf");
  await d.type("export-dir", out);
  await d.click("export-pdf");
  await d.find("export-result", 60000);
  await snap("export");
  const files = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith(".pdf")) : [];
  if (files.length !== 1) throw new Error(`expected one exported PDF in ${out}, found ${files.join(", ")}`);
  report.exported = files;

  step("sync");
  await d.click("nav-sync");
  await d.find("sync-form", 15000);
  await d.until("the changes waiting for a server", async () => Number(await d.text(await d.find("sync-pending"))) > 0);
  report.pendingOffline = Number(await d.text(await d.find("sync-pending")));
  await snap("sync");
}

main()
  .then(async () => {
    console.log(`main path: ok ${JSON.stringify(report)}`);
    writeFileSync(join(shots, "report.json"), JSON.stringify(report, null, 2));
    await d.quit();
  })
  .catch(async (e) => {
    console.error(`main path FAILED: ${e.message}`);
    await snap("failure").catch(() => {});
    await d.quit();
    process.exit(1);
  });
