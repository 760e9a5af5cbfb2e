// End-to-end: the real mockloop window under Xvfb, driven over WebDriver
// (tauri-driver + WebKitWebDriver). Screenshots go to target/e2e/.
import { after, before, test } from "node:test";
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Session, sleep, startHarness } from "./webdriver.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const app = process.env.MOCKLOOP_BIN ?? path.join(root, "target/debug/mockloop");
const shots = path.join(root, "target/e2e");
const dataDir = mkdtempSync(path.join(tmpdir(), "mockloop-e2e-"));

/** Parses `m:ss` / `+m:ss` into signed seconds left. */
function secondsLeft(label) {
  const m = /^(\+?)(\d+):(\d\d)$/.exec(label.trim());
  assert.ok(m, `timer shows m:ss, got ${JSON.stringify(label)}`);
  const secs = Number(m[2]) * 60 + Number(m[3]);
  return m[1] ? -secs : secs;
}

let harness;
let session;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app} is missing`);
  harness = await startHarness({ display: process.env.E2E_DISPLAY ?? ":99" });
});

after(async () => {
  await session?.end();
  harness?.stop();
});

test("start the PM loop: the question shows and the answer countdown runs", async () => {
  // What the window should show, asked of the same binary's headless CLI.
  const loops = JSON.parse(execFileSync(app, ["loops", "--json"], { env: { ...process.env, MOCKLOOP_DATA_DIR: dataDir } }));
  const expectedFirstRound = loops.find((l) => l.id === "microsoft-pm").rounds[0].title;
  const t0 = performance.now();
  session = await Session.start(harness.base, app, ["--data-dir", dataDir]);
  const card = await session.waitFor('[data-testid="loop-card-microsoft-pm"]', 30_000);
  const startupMs = performance.now() - t0;
  console.log(`window start-up to home screen: ${startupMs.toFixed(0)} ms`);
  assert.ok(card);
  await session.waitFor('[data-testid="loop-card-microsoft-pmm"]');
  await session.screenshot(path.join(shots, "01-home.png"));

  const start = await session.find('[data-testid="loop-card-microsoft-pm"] [data-testid="start-loop"]');
  await session.click(start);

  const question = await session.waitFor('[data-testid="question-text"]');
  const questionText = await session.text(question);
  assert.ok(questionText.length > 20, `a real question is shown: ${questionText}`);
  assert.equal(await session.text(await session.find('[data-testid="round-title"]')), expectedFirstRound);

  const timer = await session.find('[data-testid="answer-timer"]');
  const first = secondsLeft(await session.text(timer));
  const roundFirst = secondsLeft(await session.text(await session.find('[data-testid="round-timer"]')));
  await session.screenshot(path.join(shots, "02-question.png"));
  await sleep(2_600);
  const second = secondsLeft(await session.text(timer));
  const roundSecond = secondsLeft(await session.text(await session.find('[data-testid="round-timer"]')));
  console.log(`answer countdown: ${first}s then ${second}s; round: ${roundFirst}s then ${roundSecond}s`);
  assert.ok(second < first, `answer countdown decreases (${first} -> ${second})`);
  assert.ok(first - second <= 4, `and by about the time waited (${first} -> ${second})`);
  assert.ok(roundSecond < roundFirst, `round countdown decreases (${roundFirst} -> ${roundSecond})`);
  await session.screenshot(path.join(shots, "03-countdown.png"));

  // Next brings the interviewer's first follow-up probe, with a fresh countdown.
  await session.click(await session.find('[data-testid="next"]'));
  const probe = await session.waitFor('[data-testid="probe-text"]');
  assert.ok((await session.text(probe)).length > 10);
  await session.screenshot(path.join(shots, "04-probe.png"));

  // Ending the round brings its checklist; rate every item and save.
  await session.click(await session.find('[data-testid="finish-round"]'));
  await session.waitFor('[data-testid="save-assessment"]');
  const items = await session.findAll('[data-testid="checklist-item"]');
  assert.ok(items.length >= 5, `the round's checklist is shown (${items.length} items)`);
  for (const item of items) {
    const solid = await session.cmd("POST", `/element/${item}/element`, { using: "css selector", value: '[data-testid="rating-3"]' });
    await session.click(Object.values(solid)[0]);
  }
  await session.click(await session.find('[data-testid="save-assessment"]'));
  const saved = await session.waitFor('[role="status"].muted');
  assert.equal(await session.text(saved), "Saved.");
  await session.screenshot(path.join(shots, "05-assessment.png"));

  // The run is stored in a real SQLite file in the data dir.
  const db = path.join(dataDir, "mockloop.sqlite3");
  assert.ok(existsSync(db) && statSync(db).size > 0, "database file written");
});
