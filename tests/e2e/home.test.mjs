// End-to-end: the home screen's journeys in the real window (Xvfb,
// WebDriver, a PulseAudio null sink as the microphone). A first run checks
// the microphone and starts from Home's warm-up; once a round is rated, the
// questions due come first; a run left halfway shows where it stopped, is
// set aside and taken back. Screenshots go to target/e2e/home-*.png.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Session, sleep, startHarness, startPulse, waitFor } from "./webdriver.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const app = process.env.MOCKLOOP_BIN ?? path.join(root, "target/debug/mockloop");
const shots = path.join(root, "target/e2e");
const dataDir = mkdtempSync(path.join(tmpdir(), "mockloop-e2e-home-"));
const work = mkdtempSync(path.join(tmpdir(), "mockloop-e2e-home-work-"));

let harness;
let pulse;
let session;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app} is missing`);
  pulse = await startPulse(mkdtempSync(path.join(tmpdir(), "mockloop-e2e-home-pulse-")));
  // A display and port of its own: node runs the e2e files side by side.
  harness = await startHarness({ display: process.env.E2E_HOME_DISPLAY ?? ":93", port: 4344, env: pulse.env });
  execFileSync("espeak-ng", ["-w", path.join(work, "answer.wav"), "I would start from the customer, an admin who has to roll the feature out safely, and measure adoption weekly."]);
  session = await Session.start(harness.base, app, ["--data-dir", dataDir]);
});

after(async () => {
  await session?.end();
  harness?.stop();
  pulse?.stop();
});

const shot = (name) => session.screenshot(path.join(shots, `home-${name}.png`));
const click = async (testid) => session.click(await session.waitFor(`[data-testid="${testid}"]`));
const run = (script, ...args) => session.cmd("POST", "/execute/sync", { script, args });
const count = async (css) => (await session.findAll(css)).length;

async function press(key) {
  await session.cmd("POST", "/actions", {
    actions: [{ type: "key", id: "keyboard", actions: [{ type: "keyDown", value: key }, { type: "keyUp", value: key }] }],
  });
}

/** Rates every checklist item Solid and moves on to the next round or the summary. */
async function rateAllSolid() {
  await session.waitFor('[data-testid="save-assessment"]');
  for (const item of await session.findAll('[data-testid="checklist-item"]')) {
    const solid = await session.cmd("POST", `/element/${item}/element`, { using: "css selector", value: '[data-testid="rating-3"]' });
    await session.click(Object.values(solid)[0]);
  }
  await click("save-assessment");
  await session.waitFor('[role="status"].muted');
}

test("a first run: the microphone checked on Home, a warm-up started from it, then the questions due first", async () => {
  // Nothing rehearsed yet: the front door offers a warm-up and a microphone check.
  await session.waitFor('[data-testid="warm-up-start"]');
  assert.equal(await count('[data-testid="due"]'), 0, "nothing is due before anything was rated");
  const warm = await session.text(await session.find('[data-testid="warm-up"]'));
  console.log(`warm-up offered: ${warm.replace(/\s+/g, " ")}`);
  assert.match(warm, /3 questions · up to \d+ min/);
  const rounds = await session.findAll('[data-testid="loop-card-microsoft-pm"] .round-link');
  assert.ok(rounds.length >= 5, "every round is a button");
  assert.match(await session.text(rounds[0]), /^Rehearse this round · \d+ min$/);
  assert.match(await session.text(await session.find('[data-testid="loop-card-microsoft-pm"] [data-testid="start-loop"]')), /^Start the whole loop · \d+ h/);
  await shot("01-first-run");

  // The interview date, set right here.
  await click("set-interview-date");
  const inTwelveDays = new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10);
  await session.waitFor('[data-testid="home-target-date"]');
  await run("const e = document.querySelector('[data-testid=home-target-date]'); e.value = arguments[0]; e.dispatchEvent(new Event('change', { bubbles: true })); return true;", inTwelveDays);
  await waitFor("the days to the interview", async () => /\b1[12] days to your interview/.test(await session.text(await session.find(".countdown-days"))));

  await click("home-mic-test");
  const speaking = pulse.play(path.join(work, "answer.wav"));
  await session.waitFor('[data-testid="mic-heard"]', 10_000);
  await speaking;
  await click("home-mic-test");

  // The warm-up: three questions from different rounds, on their clocks.
  await click("warm-up-start");
  const title = await session.text(await session.waitFor('[data-testid="round-title"]'));
  await press(" ");
  await waitFor("recording", async () => (await session.text(await session.find('[data-testid="record-toggle"]'))).startsWith("Stop"));
  await pulse.play(path.join(work, "answer.wav"));
  await sleep(500);
  await click("finish-round");
  await click("finish-round"); // End now
  await rateAllSolid();
  console.log(`warm-up's first round: ${title}`);

  // Home again: with a round rated, questions are due, first.
  await press("\uE00C"); // Escape
  await session.waitFor('[data-testid="due-start"]', 10_000);
  const due = await session.text(await session.find('[data-testid="due"]'));
  console.log(`due today: ${due.replace(/\s+/g, " ")}`);
  assert.match(due, /^Due today in Microsoft Product Manager loop · 3 questions · up to \d+ min/);
  assert.equal(await count('[data-testid="first-mic"]'), 0, "the microphone check is for a first run");
  await shot("02-due");
  await click("due-start");
  await session.waitFor('[data-testid="question-text"]');
  assert.match(await session.text(await session.find('[data-testid="round-title"]')), /./);
  await press("\uE00C"); // Escape
  await session.waitFor('[data-testid="resumable"]');
});

test("a run left halfway shows where it stopped; set aside, it goes, and Undo brings it back", async () => {
  // The practice just left is offered with its progress.
  await session.waitFor('[data-testid="resumable"]');
  for (let left = await count('[data-testid="resumable"]'); left > 0; left -= 1) {
    await session.click(await session.find('[data-testid="set-aside"]'));
    await waitFor("a run set aside", async () => (await count('[data-testid="resumable"]')) === left - 1);
  }

  // A whole loop, left during its first question.
  await session.click(await session.waitFor('[data-testid="loop-card-microsoft-pm"] [data-testid="start-loop"]'));
  await session.waitFor('[data-testid="question-text"]');
  await sleep(2_200);
  await press("\uE00C"); // Escape
  const progress = await session.text(await session.waitFor('[data-testid="resume-progress"]'));
  console.log(`resume: ${progress}`);
  assert.match(progress, /^round 1 of 6, Phone screen · (\d+):(\d\d) left$/);
  const [, m, s] = /(\d+):(\d\d) left/.exec(progress);
  const left = Number(m) * 60 + Number(s);
  assert.ok(left < 30 * 60 && left >= 30 * 60 - 10, `the round's clock as it was left (${left} s)`);
  await shot("03-resume");

  // Set aside: gone from Home, with an Undo that brings it back as it was.
  await click("set-aside");
  await session.waitFor('[data-testid="set-aside-notice"]');
  assert.equal(await count('[data-testid="resumable"]'), 0);
  await shot("04-set-aside");
  await click("undo-set-aside");
  await waitFor("the run back", async () => (await count('[data-testid="resumable"]')) === 1);
  assert.equal(await session.text(await session.find('[data-testid="resume-progress"]')), progress);
  // Resume: the same question, where it stopped.
  await click("resume-run");
  await session.waitFor('[data-testid="question-text"]');
  assert.match(await session.text(await session.find('[data-testid="round-timer"]')), new RegExp(`^${m}:${s}$`));
  await press("\uE00C"); // Escape

  // And the data agrees: the window's data folder says the same after a restart.
  await session.end();
  session = await Session.start(harness.base, app, ["--data-dir", dataDir]);
  assert.equal(await session.text(await session.waitFor('[data-testid="resume-progress"]')), progress);

  // Dark, the same screen.
  await run("localStorage.setItem('mockloop.prefs', JSON.stringify({ theme: 'dark' })); location.reload(); return true;");
  await waitFor("the dark theme", async () => (await run("return document.documentElement.dataset.theme;")) === "dark");
  await session.waitFor('[data-testid="resumable"]');
  await shot("05-dark");
});
