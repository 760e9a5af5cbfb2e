// End-to-end: transcripts in the real window under Xvfb over WebDriver,
// with a real-time PulseAudio microphone and the real speech engine and
// model (scripts/test-model.sh). Settings → Transcripts turned on with a
// model file, an answer recorded, its words shown under the take, a word
// clicked and the take heard playing from there, a word searched for and
// its take found, two takes of the question compared with their words in
// step, and no speed claimed in Settings from takes that short. Uses its
// own display and driver port.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Session, sleep, startHarness, startPulse, waitFor } from "./webdriver.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const app = process.env.MOCKLOOP_BIN ?? path.join(root, "target/debug/mockloop");
const model = process.env.MOCKLOOP_TEST_MODEL ?? path.join(root, "target/test-models/ggml-tiny.en.bin");
const shots = path.join(root, "target/e2e");
const dataDir = mkdtempSync(path.join(tmpdir(), "mockloop-e2e-words-"));
const work = mkdtempSync(path.join(tmpdir(), "mockloop-e2e-words-work-"));
const DISPLAY = process.env.E2E_WORDS_DISPLAY ?? ":95";

let harness;
let pulse;
let session;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app} is missing`);
  assert.ok(existsSync(model), `${model} is missing: run scripts/test-model.sh (make test does)`);
  pulse = await startPulse(mkdtempSync(path.join(tmpdir(), "mockloop-e2e-words-pulse-")));
  harness = await startHarness({ display: DISPLAY, port: 4544, env: pulse.env });
  const spoken = path.join(work, "spoken.wav");
  execFileSync("espeak-ng", ["-s", "150", "-w", spoken, "Um, I would start with the customer, and then we measured weekly retention."]);
  execFileSync("sox", [spoken, "-r", "48000", path.join(work, "answer.wav"), "pad", "0", "1"]);
});

after(async () => {
  await session?.end();
  harness?.stop();
  pulse?.stop();
});

async function click(testid) {
  await session.click(await session.waitFor(`[data-testid="${testid}"]`));
}

const js = (script, ...args) => session.cmd("POST", "/execute/sync", { script, args });

/** Types into an input as a person would: each change is an input event. */
async function type(css, value) {
  await session.waitFor(css);
  await js("const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('input', { bubbles: true })); return true;", css, value);
}

async function press(key) {
  await session.cmd("POST", "/actions", {
    actions: [{ type: "key", id: "keyboard", actions: [{ type: "keyDown", value: key }, { type: "keyUp", value: key }] }],
  });
}

const seconds = (label) => {
  const [m, s] = label.split("/")[0].trim().split(":").map(Number);
  return m * 60 + s;
};

test("transcripts on with a model file: an answer's words shown, a word played from, a word found", async () => {
  session = await Session.start(harness.base, app, ["--data-dir", dataDir]);
  await session.waitFor('[data-testid="loop-card-microsoft-pm"] [data-testid="start-loop"]', 30_000);

  // Settings → Transcripts: off at first; a model file checked and used.
  await click("nav-settings");
  const state = await session.waitFor('[data-testid="transcripts-state"]', 10_000);
  assert.match(await session.text(state), /^Off\./);
  await js("document.querySelector('[data-testid=transcript-settings] details').open = true; return true;");
  await type('[data-testid="model-file"]', model);
  await click("model-file-use");
  await waitFor("transcripts to be on", async () => /^On, with/.test(await session.text(await session.find('[data-testid="transcripts-state"]'))), 60_000);
  await session.screenshot(path.join(shots, "words-01-settings.png"));

  // An answer, recorded from the microphone.
  await click("nav-home");
  await click("start-loop");
  await session.waitFor('[data-testid="question-text"]', 10_000);
  await press(" ");
  await waitFor("recording to start", async () => (await session.text(await session.find('[data-testid="record-toggle"]'))).startsWith("Stop"));
  await pulse.play(path.join(work, "answer.wav"));
  await press(" ");
  await waitFor("recording to stop", async () => !(await session.text(await session.find('[data-testid="record-toggle"]'))).startsWith("Stop"));
  // A second take of the same answer, to compare.
  await press(" ");
  await waitFor("the second take to start", async () => (await session.text(await session.find('[data-testid="record-toggle"]'))).startsWith("Stop"));
  await pulse.play(path.join(work, "answer.wav"));
  await press(" ");
  await waitFor("the second take to stop", async () => !(await session.text(await session.find('[data-testid="record-toggle"]'))).startsWith("Stop"));

  // Its words, under the take in the library, within seconds.
  await press("\uE00C"); // Escape: back home, the run kept
  await click("nav-library");
  const t0 = Date.now();
  await session.waitFor('[data-testid="take-row"] [data-testid="word"]', 60_000);
  console.log(`the answer's words appeared ${Date.now() - t0} ms after opening the library`);
  const text = (await session.text(await session.find('[data-testid="transcript"]'))).toLowerCase();
  console.log(`heard: ${text}`);
  assert.match(text, /customer/);
  assert.match(text, /retention/);
  const summary = await session.text(await session.find('[data-testid="transcript-summary"]'));
  assert.match(summary, /words a minute \(from the words\)/);
  await session.screenshot(path.join(shots, "words-02-library.png"));

  // A word clicked: the take plays from it.
  const row = 'li[data-testid="take-row"]:first-child';
  await session.waitFor(`${row} [data-testid="word"]`, 60_000);
  const words = await session.findAll(`${row} [data-testid="word"]`);
  const pick = words[Math.floor(words.length / 2)];
  const startMs = Number(await session.cmd("GET", `/element/${pick}/attribute/data-start-ms`));
  await session.click(pick);
  await waitFor("playback from the word", async () =>
    (await session.text(await session.find(`${row} [data-testid="play"]`))) === "Pause", 5_000);
  const at = seconds(await session.text(await session.find(`${row} [data-testid="position"]`)));
  console.log(`clicked the word at ${startMs} ms; the player is at ${at} s`);
  assert.ok(at >= Math.floor(startMs / 1000) - 1, `playing from the word, not the start (${at} s for ${startMs} ms)`);
  await waitFor("a word highlighted as it is said", async () => (await js("return document.querySelectorAll('[data-testid=word].now').length;")) === 1, 5_000);
  await session.click(await session.find(`${row} [data-testid="play"]`));

  // Search: a word from the answer finds the take.
  await type('[data-testid="transcript-search"]', "retention");
  const hit = await session.waitFor('[data-testid="search-hit"]', 10_000);
  assert.match((await session.text(hit)).toLowerCase(), /retention/);
  await session.screenshot(path.join(shots, "words-03-search.png"));
  await session.click(hit);
  await waitFor("the hit playing", async () =>
    (await js("return [...document.querySelectorAll('[data-testid=take-row] [data-testid=play]')].some((b) => b.textContent.trim() === 'Pause');")) === true, 5_000);
  await sleep(200);
  await type('[data-testid="transcript-search"]', "zebra");
  await session.waitFor('[data-testid="search-none"]', 10_000);
  await js("document.querySelectorAll('[data-testid=take-row] [data-testid=play]').forEach((b) => { if (b.textContent.trim() === 'Pause') b.click(); }); return true;");

  // The two takes compared: their words side by side, a row per 15 s.
  await waitFor("both takes transcribed", async () =>
    (await js("return document.querySelectorAll('[data-testid=take-row] [data-testid=transcript]').length;")) === 2, 60_000);
  for (const id of await session.findAll('[data-testid="take-row"] .controls button[aria-pressed]')) await session.click(id);
  await session.waitFor('[data-testid="in-step"]', 10_000);
  const rows = await session.findAll('[data-testid="step-row"]');
  assert.ok(rows.length >= 1, "at least one row of 15 s");
  const firstRow = await js("const r = document.querySelector('[data-testid=step-row]'); return [r.querySelector('[data-testid=step-a]').textContent, r.querySelector('[data-testid=step-b]').textContent];");
  console.log(`in step, 0:00: ${JSON.stringify(firstRow)}`);
  assert.match(firstRow[0].toLowerCase(), /customer/);
  assert.match(firstRow[1].toLowerCase(), /customer/);
  await session.screenshot(path.join(shots, "words-04-in-step.png"));
  // A word of the second take clicked: that take plays, its row marked.
  const second = await session.findAll('[data-testid="step-b"] [data-testid="step-word"]');
  await session.click(second[Math.floor(second.length / 2)]);
  await waitFor("the second take playing from its word", async () =>
    (await js("return document.querySelectorAll('.compare [data-testid=play]')[1].textContent.trim();")) === "Pause", 5_000);
  await waitFor("the row of the moment marked", async () => (await js("return document.querySelectorAll('[data-testid=step-row].now').length;")) === 1, 5_000);
  await js("document.querySelectorAll('.compare [data-testid=play]').forEach((b) => { if (b.textContent.trim() === 'Pause') b.click(); }); return true;");

  // Settings claims no speed from answers this short (6 s, each still a
  // whole 30 s window for Whisper): it is measured on takes of 30 s or more.
  await click("nav-settings");
  await session.waitFor('[data-testid="model-choice"]', 10_000);
  assert.equal((await session.findAll('[data-testid="model-speed"]')).length, 0, "no speed from 6 s takes");
});
