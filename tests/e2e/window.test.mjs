// End-to-end: the real mockloop window under Xvfb, driven over WebDriver
// (tauri-driver + WebKitWebDriver), with a real-time microphone fed by a
// PulseAudio null sink. Screenshots go to target/e2e/ (light and dark).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Session, sleep, startHarness, startPulse, waitFor } from "./webdriver.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const app = process.env.MOCKLOOP_BIN ?? path.join(root, "target/debug/mockloop");
const shots = path.join(root, "target/e2e");
const dataDir = mkdtempSync(path.join(tmpdir(), "mockloop-e2e-"));
const work = mkdtempSync(path.join(tmpdir(), "mockloop-e2e-work-"));

/** Parses `m:ss` / `+m:ss` into signed seconds left. */
function secondsLeft(label) {
  const m = /^(\+?)(\d+):(\d\d)$/.exec(label.trim());
  assert.ok(m, `timer shows m:ss, got ${JSON.stringify(label)}`);
  const secs = Number(m[2]) * 60 + Number(m[3]);
  return m[1] ? -secs : secs;
}

/** Asks Python (stdlib only) a question about a WAV file or the database. */
function python(script, ...args) {
  return execFileSync("python3", ["-c", script, ...args], { encoding: "utf8" }).trim();
}

const RMS = `
import sys, wave, array, math
w = wave.open(sys.argv[1]); a = array.array('h', w.readframes(w.getnframes()))
print(w.getframerate(), len(a), math.sqrt(sum(x * x for x in a) / max(1, len(a))))
`;

let harness;
let pulse;
let session;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app} is missing`);
  pulse = await startPulse(mkdtempSync(path.join(tmpdir(), "mockloop-e2e-pulse-")));
  harness = await startHarness({ display: process.env.E2E_DISPLAY ?? ":99", env: pulse.env });
  for (const [name, text] of [
    ["answer", "I would start from the customer: an IT admin who needs to roll out the feature safely."],
    ["probe", "The trade-off was latency against cost, so we cached the results."],
  ]) {
    execFileSync("espeak-ng", ["-w", path.join(work, `${name}.wav`), text]);
  }
});

after(async () => {
  await session?.end();
  harness?.stop();
  pulse?.stop();
});

async function shot(name) {
  await session.screenshot(path.join(shots, `${name}.png`));
}

/** Sets an input's value as a person would leave it: the change event fires. */
async function setValue(css, value) {
  await session.waitFor(css);
  await session.cmd("POST", "/execute/sync", {
    script: "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change', { bubbles: true })); return true;",
    args: [css, value],
  });
}

async function click(testid, within) {
  const css = within ? `${within} [data-testid="${testid}"]` : `[data-testid="${testid}"]`;
  await session.click(await session.waitFor(css));
}

/**
 * The round screen at 1024x640 in the state it is in now: every control of
 * the bar inside the window, no two of the screen's parts overlapping (the
 * bar that stays at the bottom edge covers nothing), no sideways scrolling.
 * A screenshot of each state goes to target/e2e/.
 */
async function checkSmallWindow(state) {
  await session.cmd("POST", "/window/rect", { width: 1024, height: 640 });
  await waitFor("a 1024x640 window", async () =>
    (await session.cmd("POST", "/execute/sync", { script: "return window.innerWidth <= 1024 && window.innerHeight <= 640;", args: [] })));
  await session.settle();
  const layout = await session.cmd("POST", "/execute/sync", {
    script: `const bar = ["record-toggle", "level-meter", "pause", "next", "finish-round", "keep-going", "hands-free"];
      const parts = ["round-title", "round-timer", "turn", "question-text", "probe-text", "probe-reason", "answer-timer", "control-bar"];
      const rect = (id) => { const e = document.querySelector('[data-testid="' + id + '"]'); return e ? [id, e.getBoundingClientRect()] : null; };
      const shown = (ids) => ids.map(rect).filter(Boolean);
      const hidden = shown(bar).filter(([, r]) => r.right > window.innerWidth || r.bottom > window.innerHeight || r.left < 0 || r.top < 0).map(([id]) => id);
      const boxes = shown(parts).concat(shown(bar).filter(([id]) => id !== "hands-free"));
      const inBar = new Set(bar);
      const overlaps = [];
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, ra] = boxes[i], [b, rb] = boxes[j];
        if ((a === "control-bar" && inBar.has(b)) || (b === "control-bar" && inBar.has(a))) continue;
        const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left), y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (x > 0.5 && y > 0.5) overlaps.push(a + " / " + b);
      }
      return { hidden, overlaps, sideways: document.documentElement.scrollWidth > window.innerWidth, size: [window.innerWidth, window.innerHeight] };`,
    args: [],
  });
  console.log(`round screen, ${state}, at ${layout.size.join("x")}: ${JSON.stringify(layout)}`);
  assert.deepEqual(layout.hidden, [], `${state}: controls outside the 1024x640 window`);
  assert.deepEqual(layout.overlaps, [], `${state}: parts of the screen overlap at 1024x640`);
  assert.equal(layout.sideways, false, `${state}: no sideways scrolling at 1024x640`);
  await shot(`small-${state}`);
  await session.cmd("POST", "/window/rect", { width: 1280, height: 800 });
}

test("rehearse a PM round: answer and probe recorded, self-assessed, replayed", async () => {
  // What the window should show, asked of the same binary's headless CLI.
  const loops = JSON.parse(execFileSync(app, ["loops", "--json"], { env: { ...process.env, MOCKLOOP_DATA_DIR: dataDir } }));
  const expectedFirstRound = loops.find((l) => l.id === "microsoft-pm").rounds[0].title;

  const t0 = performance.now();
  session = await Session.start(harness.base, app, ["--data-dir", dataDir]);
  await session.waitFor('[data-testid="loop-card-microsoft-pm"] [data-testid="start-loop"]', 30_000);
  console.log(`window start-up to an interactive home screen: ${(performance.now() - t0).toFixed(0)} ms`);
  // Window preferences live in WebKit's local storage, which outlives the
  // data dir: start from the defaults, as a new user does.
  await session.cmd("POST", "/execute/sync", { script: "localStorage.clear(); window.beforeReload = true; location.reload(); return true;", args: [] });
  await waitFor("the reloaded home screen", async () => session.cmd("POST", "/execute/sync", {
    script: "return window.beforeReload === undefined && document.querySelector('[data-testid=loop-card-microsoft-pm]') !== null;",
    args: [],
  }));
  await session.waitFor('[data-testid="loop-card-microsoft-pmm"]');
  await shot("01-home");

  // Settings: the data folder and this build are named, the microphone test meter moves
  // with speech (and keeps nothing), and the answer warning is moved to
  // 178 s so that it fires 2 s into the first (180 s) answer.
  await click("nav-settings");
  const folderShown = await session.waitFor('[data-testid="data-folder"]');
  await waitFor("the data folder to be named", async () => (await session.text(folderShown)) === dataDir);
  // About: the version `mockloop --version` prints, the licence, the executable.
  const version = execFileSync(app, ["--version"], { encoding: "utf8" }).trim();
  assert.equal(`mockloop ${await session.text(await session.find('[data-testid="about-version"]'))}`, version);
  assert.equal(await session.text(await session.find('[data-testid="about-licence"]')), "MIT");
  assert.match(await session.text(await session.find('[data-testid="about-executable"]')), /mockloop-window$/);
  await click("mic-test");
  const testMeter = await session.find('[data-testid="test-meter"]');
  const testSpeech = pulse.play(path.join(work, "answer.wav"));
  await waitFor("the test meter to move", async () => Number(await session.cmd("GET", `/element/${testMeter}/attribute/aria-valuenow`)) > 30, 10_000);
  await shot("01b-settings-mic-test");
  await testSpeech;
  await click("mic-test");
  // The scratch file is private, in the data folder, and gone once the test stops.
  await waitFor("the test's scratch file to be gone", () => readdirSync(path.join(dataDir, "scratch")).length === 0);
  // The interviewer's voice: the engine's voices are offered, and "Test
  // voice" says a question through Speech Dispatcher and espeak-ng.
  await waitFor("the engine's voices to be listed", async () =>
    (await session.cmd("POST", "/execute/sync", { script: "return document.querySelectorAll('[data-testid=voice-name] option').length;", args: [] })) > 1, 10_000);
  await click("voice-test");
  const voiceMessage = await session.waitFor('[data-testid="voice-message"]', 20_000);
  console.log(`test voice: ${await session.text(voiceMessage)}`);
  assert.match(await session.text(voiceMessage), /^Said in \d+\.\d s\.$/);
  await setValue('[data-testid="answer-warn"]', "178");
  // The interview date goes to the database, where the report reads it too.
  const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  await setValue('[data-testid="target-date"]', inTenDays);

  // Progress before any rating: an empty state that says what to do first.
  await click("nav-dashboard");
  await session.waitFor('[data-testid="dashboard-empty"]');
  await waitFor("the days left", async () => /\b10 days to your interview/.test(await session.text(await session.find('[data-testid="days-left"]'))));
  await shot("01c-progress-empty");
  // A sample dashboard, made in memory: shown, said to be sample, left.
  await click("see-sample");
  await session.waitFor('[data-testid="sample-banner"]');
  const sampleScore = await session.text(await session.waitFor('[data-testid="readiness-score"]'));
  assert.match(sampleScore, /^\d+$/, "the sample has a readiness figure");
  await shot("01d-progress-sample");
  await session.click(await session.find('[data-testid="sample-banner"] button'));
  await session.waitFor('[data-testid="dashboard-empty"]');
  await click("nav-home");

  await click("start-loop", '[data-testid="loop-card-microsoft-pm"]');
  const question = await session.waitFor('[data-testid="question-text"]');
  assert.ok((await session.text(question)).length > 20, "a real question is shown");
  assert.equal(await session.text(await session.find('[data-testid="round-title"]')), expectedFirstRound);

  // The clocks run.
  const timer = await session.find('[data-testid="answer-timer"]');
  const first = secondsLeft(await session.text(timer));
  const roundFirst = secondsLeft(await session.text(await session.find('[data-testid="round-timer"]')));
  await shot("02-question");
  await sleep(2_600);
  const second = secondsLeft(await session.text(timer));
  const roundSecond = secondsLeft(await session.text(await session.find('[data-testid="round-timer"]')));
  console.log(`answer countdown: ${first}s then ${second}s; round: ${roundFirst}s then ${roundSecond}s`);
  assert.ok(second < first && first - second <= 4, `answer countdown decreases (${first} -> ${second})`);
  assert.ok(roundSecond < roundFirst, `round countdown decreases (${roundFirst} -> ${roundSecond})`);
  // The warning chosen in Settings fired, was announced, and tints the timer.
  // (The live region is visually hidden, so WebDriver's text is empty: read its content.)
  const announced = () => session.cmd("POST", "/execute/sync", { script: "return document.querySelector('[aria-live=assertive]').textContent;", args: [] });
  await waitFor("the 178 s warning", async () => (await announced()) === "178 seconds left in this answer.", 5_000);
  assert.match(await session.cmd("GET", `/element/${await session.find(".answer-clock")}/attribute/class`), /\bwarn\b/);

  // The smallest window the app supports: nothing needed while answering
  // is cut off, covered or scrolled away sideways.
  await checkSmallWindow("question");

  // Answer aloud, recorded: Space starts it, and the button turns red
  // (says Stop) once audio flows; the window times that.
  await session.cmd("POST", "/actions", {
    actions: [{ type: "key", id: "keyboard", actions: [{ type: "keyDown", value: " " }, { type: "keyUp", value: " " }] }],
  });
  await waitFor("recording to start", async () => (await session.text(await session.find('[data-testid="record-toggle"]'))).startsWith("Stop"));
  const startMs = Number(await session.cmd("GET", `/element/${await session.find('[data-testid="record-toggle"]')}/attribute/data-start-ms`));
  console.log(`record: Space to audio flowing in ${startMs} ms`);
  assert.ok(startMs > 0 && startMs < 1_000, `recording starts at once (${startMs} ms)`);
  const speaking = pulse.play(path.join(work, "answer.wav"));
  // The meter moves while the candidate speaks.
  const meter = await session.find('[data-testid="level-meter"]');
  await waitFor("the level meter to move", async () => Number(await session.cmd("GET", `/element/${meter}/attribute/aria-valuenow`)) > 30, 5_000);
  await shot("03-recording");
  // Recording is unmistakable: a filled red Stop, REC with its time, a
  // waveform that grows, the answer framed.
  assert.match(await session.cmd("GET", `/element/${await session.find('[data-testid="record-toggle"]')}/attribute/class`), /\brecording\b/);
  assert.match(await session.text(await session.find('[data-testid="rec"]')), /^REC \d:\d\d$/);
  assert.match(await session.cmd("GET", `/element/${await session.find('[data-testid="answer-area"]')}/attribute/class`), /\blive\b/);
  const bars = async () => Number(await session.cmd("GET", `/element/${await session.find('[data-testid="live-wave"]')}/attribute/data-bars`));
  const firstBars = await bars();
  await waitFor("the waveform to grow", async () => (await bars()) > firstBars, 3_000);
  await speaking;
  await sleep(300);

  // The follow-up probe, recorded as its own take.
  await click("next");
  const probe = await session.waitFor('[data-testid="probe-text"]');
  assert.ok((await session.text(probe)).length > 10);
  // A few seconds of speech is a very short answer: the probe asking for
  // depth comes first, chosen from the take's analysed speech (not the
  // clock), and the screen says why.
  const reason = await session.text(await session.find('[data-testid="probe-reason"]'));
  console.log(`probe reason: ${reason}`);
  assert.match(reason, /^Asked because your answer was short: 0:0\d of speech, where a full one takes about \d:\d\d\.$/);
  await waitFor("recording to carry on", async () => (await session.text(await session.find('[data-testid="record-toggle"]'))).startsWith("Stop"));
  await pulse.play(path.join(work, "probe.wav"));
  await sleep(300);
  await shot("04-probe");
  await checkSmallWindow("follow-up-recording");
  await click("pause");
  await session.waitFor('[data-testid="paused"]');
  await checkSmallWindow("paused");
  await click("pause");

  // A note typed during the round goes with the self-assessment.
  const notes = await session.find("label.note textarea");
  await session.cmd("POST", `/element/${notes}/value`, { text: "Lead with the trade-off" });

  // End round waits for an undo: Undo keeps the round going, the recording
  // with it; a second End round (End now) ends it at once.
  await click("finish-round");
  assert.match(await session.text(await session.waitFor('[data-testid="ending"]')), /^Ending the round in \d s$/);
  await checkSmallWindow("ending");
  await press("u");
  await waitFor("the end taken back", async () => (await session.findAll('[data-testid="ending"]')).length === 0);
  await sleep(5_500);
  assert.ok((await session.findAll('[data-testid="question-text"]')).length === 1, "the round goes on after Undo");
  assert.ok((await session.text(await session.find('[data-testid="record-toggle"]'))).startsWith("Stop"), "still recording after Undo");
  // End the round: the take closes and the checklist comes up.
  await click("finish-round");
  await click("finish-round");
  await session.waitFor('[data-testid="save-assessment"]');
  const items = await session.findAll('[data-testid="checklist-item"]');
  assert.ok(items.length >= 5, `the round's checklist is shown (${items.length} items)`);
  for (const item of items) {
    const solid = await session.cmd("POST", `/element/${item}/element`, { using: "css selector", value: '[data-testid="rating-3"]' });
    await session.click(Object.values(solid)[0]);
  }
  await click("save-assessment");
  const saved = await session.waitFor('[role="status"].muted');
  assert.equal(await session.text(saved), "Saved.");
  await shot("05-assessment");

  // The takes: two WAV files with speech in them.
  const takesDir = path.join(dataDir, "takes");
  const wavs = readdirSync(takesDir).filter((f) => f.endsWith(".wav"));
  assert.equal(wavs.length, 2, `one take for the answer, one for the probe: ${wavs}`);
  for (const wav of wavs) {
    const [rate, samples, rms] = python(RMS, path.join(takesDir, wav)).split(" ").map(Number);
    console.log(`${wav}: ${rate} Hz, ${(samples / rate).toFixed(2)} s, rms ${rms.toFixed(0)}`);
    assert.equal(rate, 16_000);
    assert.ok(rms > 300, `${wav} holds speech (rms ${rms})`);
  }
  // The ratings are in the database.
  const db = path.join(dataDir, "mockloop.sqlite3");
  assert.ok(existsSync(db) && statSync(db).size > 0);
  const stored = python("import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*), min(rating), max(rating) from ratings').fetchone())", db);
  assert.equal(stored, `(${items.length}, 3, 3)`);
  const note = python("import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select note from round_notes').fetchone()[0])", db);
  assert.equal(note, "Lead with the trade-off");

  // The library lists both takes and plays one, with its waveform.
  await click("nav-library");
  await waitFor("two takes listed", async () => (await session.findAll('[data-testid="take-row"]')).length === 2);
  await session.waitFor('[data-testid="take-row"] [data-testid="waveform"]');
  // Each take's delivery, analysed in the background once it closed, in words.
  await waitFor("both takes' delivery measures", async () => {
    const lines = await Promise.all((await session.findAll('[data-testid="take-row"] [data-testid="delivery"]')).map((id) => session.text(id)));
    return lines.length === 2 && lines.every((line) => line.includes(" spoken · about ") && line.includes("first word after"));
  }, 15_000);
  await shot("06-library");
  await click("play", '[data-testid="take-row"]');
  await waitFor("playback to move", async () => (await session.text(await session.find('[data-testid="take-row"] [data-testid="position"]'))).startsWith("0:01"), 10_000);
  await shot("07-playing");

  // Progress after the rated round: PM readiness has a figure, every
  // rating counted; "Practise now" starts the most urgent questions.
  await click("nav-dashboard");
  const pmScore = await session.waitFor('[data-testid="readiness-microsoft-pm"] [data-testid="readiness-score"]');
  const figure = Number(await session.text(pmScore));
  const report = JSON.parse(execFileSync(app, ["--data-dir", dataDir, "report", "--json"], { encoding: "utf8" }));
  const pmReport = report.loops.find((l) => l.id === "microsoft-pm");
  console.log(`PM readiness after one rated round: ${figure} (report: ${pmReport.readiness.score.toFixed(1)})`);
  assert.equal(figure, Math.round(pmReport.readiness.score), "the window shows the report's figure");
  assert.ok(figure > 0 && figure < 67, `all "solid" on part of the loop: above 0, below 67 (${figure})`);
  assert.equal(report.ratings, items.length);
  assert.equal(report.days_left, 10);
  assert.equal(await session.text(await session.find('[data-testid="readiness-microsoft-pmm"] [data-testid="readiness-score"]')), "–");
  assert.equal((await session.findAll('[data-testid="readiness-microsoft-pm"] [data-testid="weak-competency"]')).length, 3);
  await session.waitFor('[data-testid="readiness-microsoft-pm"] .uplot canvas');
  // This week's delivery, as the report's weekly series says it.
  const thisWeek = report.delivery[report.delivery.length - 1];
  assert.equal(thisWeek.takes, 2, "both takes analysed this week");
  const deliverySummary = await session.text(await session.waitFor('[data-testid="delivery-summary"]'));
  assert.ok(deliverySummary.includes(`about ${Math.round(thisWeek.words_per_minute / 5) * 5} words a minute`), deliverySummary);
  await session.waitFor('[data-testid="delivery-trends"] .uplot canvas');
  await shot("07b-progress");
  const practiceQuestion = pmReport.next[0].question;
  await click("practise-now", '[data-testid="readiness-microsoft-pm"]');
  const asked = await session.waitFor('[data-testid="question-text"]');
  assert.equal(await session.text(asked), practiceQuestion, "practice starts with the most urgent question");
  await shot("07c-practice");
  await click("nav-home");

  // Dark: the same screens with the dark theme.
  await click("nav-settings");
  await shot("08-settings");
  await setValue('[data-testid="theme"]', "dark");
  await waitFor("the dark theme", async () =>
    (await session.cmd("POST", "/execute/sync", { script: "return document.documentElement.dataset.theme;", args: [] })) === "dark");
  await shot("08-settings-dark");
  await click("nav-library");
  await session.waitFor('[data-testid="take-row"]');
  await shot("09-library-dark");
  await click("nav-home");
  await session.waitFor('[data-testid="loop-card-microsoft-pm"]');
  await shot("10-home-dark");
  await click("nav-dashboard");
  await session.waitFor('[data-testid="readiness-microsoft-pm"] .uplot canvas');
  await shot("11-progress-dark");
});

test("progress over weeks of sample history: charts, heat map, reasons", async () => {
  const demo = mkdtempSync(path.join(tmpdir(), "mockloop-e2e-demo-"));
  execFileSync(app, ["--data-dir", demo, "demo-data", "--weeks", "12", "--seed", "5"]);
  await session?.end();
  session = await Session.start(harness.base, app, ["--data-dir", demo]);
  await session.cmd("POST", "/execute/sync", { script: "localStorage.clear(); return true;", args: [] });
  await click("nav-dashboard");
  for (const id of ["microsoft-pm", "microsoft-pmm"]) {
    const card = `[data-testid="readiness-${id}"]`;
    const score = Number(await session.text(await session.waitFor(`${card} [data-testid="readiness-score"]`)));
    assert.ok(score > 0 && score <= 100, `${id} readiness ${score}`);
    assert.ok((await session.findAll(`${card} .reasons li`)).length >= 2, "reasons are given");
    const rows = await session.findAll(`${card} [data-testid="heatmap"] tbody tr`);
    assert.ok(rows.length >= 8, `a heat-map row per competency (${rows.length})`);
    const cells = await session.findAll(`${card} [data-testid="heatmap"] tbody tr:first-child td.heat`);
    assert.equal(cells.length, 12, "twelve weeks");
    assert.ok((await session.findAll(`${card} .uplot canvas`)).length >= 1, "the competency chart is drawn");
    assert.equal((await session.findAll(`${card} [data-testid="next-item"]`)).length, 5);
  }
  await shot("12-progress-sample-history");
  await session.cmd("POST", "/window/rect", { width: 1024, height: 640 });
  await session.cmd("POST", "/execute/sync", { script: "window.scrollTo(0, 420); return true;", args: [] });
  const sideways = await session.cmd("POST", "/execute/sync", { script: "return document.documentElement.scrollWidth > window.innerWidth;", args: [] });
  assert.equal(sideways, false, "no sideways scrolling at 1024x640");
  await shot("13-progress-sample-history-1024x640");
});

/** Presses and releases one key, as a person would. */
async function press(key) {
  await session.cmd("POST", "/actions", {
    actions: [{ type: "key", id: "keyboard", actions: [{ type: "keyDown", value: key }, { type: "keyUp", value: key }] }],
  });
}

/** What the round screen says of whose turn it is ("" when it says nothing). */
async function turnText() {
  return session.cmd("POST", "/execute/sync", {
    script: "const t = document.querySelector('[data-testid=turn]'); return t ? t.textContent.trim() : '';",
    args: [],
  });
}

test("hands-free in the window: asked aloud, recorded by itself, ended by silence, stayed, moved on", async () => {
  const data = mkdtempSync(path.join(tmpdir(), "mockloop-e2e-hands-free-"));
  await session?.end();
  session = await Session.start(harness.base, app, ["--data-dir", data]);
  // The voice on and short silences, as Settings would keep them.
  await reloadWith(
    "localStorage.setItem('mockloop.prefs', JSON.stringify({ voiceOn: true, quietSeconds: 2, afterSpeechSeconds: 2 }))",
    '[data-testid="loop-card-microsoft-pm"] [data-testid="start-loop"]',
  );
  await click("start-loop", '[data-testid="loop-card-microsoft-pm"]');
  const question = await session.text(await session.waitFor('[data-testid="question-text"]'));
  assert.equal(await turnText(), "", "keyboard mode says no turn");

  // H: hands-free. The interviewer asks; recording starts when the voice ends.
  const on = performance.now();
  await press("h");
  await waitFor("the interviewer asking", async () => (await turnText()) === "Interviewer asking", 5_000);
  const asking = performance.now();
  await waitFor("recording by itself", async () =>
    (await turnText()) === "Listening" &&
    (await session.text(await session.find('[data-testid="record-toggle"]'))).startsWith("Stop"), 30_000);
  const answering = performance.now();
  const notices = await session.cmd("POST", "/execute/sync", {
    script: "return [...document.querySelectorAll('[data-testid=voice-notice], .hint')].map((e) => e.textContent.trim());",
    args: [],
  });
  console.log(`hands-free: "Interviewer asking" ${(asking - on).toFixed(0)} ms after H, for ${(answering - asking).toFixed(0)} ms, then recording; notices: ${JSON.stringify(notices)}`);
  assert.deepEqual(notices, [], "the voice and the microphone worked");
  assert.ok(answering - asking > 1_500, "the question took seconds to say before recording began");
  await shot("14-hands-free-recording");
  const timerTop = () => session.cmd("POST", "/execute/sync", {
    script: "return document.querySelector('[data-testid=answer-timer]').getBoundingClientRect().top;", args: [] });
  const listeningTop = await timerTop();
  assert.equal(await session.cmd("POST", "/execute/sync", { script: "return document.querySelector('[data-testid=hands-free]').checked;", args: [] }), true);

  // The answer, then silence: "Moving on in N s", then the follow-up is asked.
  await pulse.play(path.join(work, "answer.wav"));
  await waitFor("the countdown to moving on", async () => /^Moving on in \d s/.test(await turnText()), 8_000);
  await shot("15-hands-free-moving-on");
  assert.equal(await timerTop(), listeningTop, "the banner's change of words moves nothing");
  const probe = await session.waitFor('[data-testid="probe-text"]', 10_000);
  const firstProbe = await session.text(probe);
  assert.equal(await session.text(await session.find('[data-testid="question-text"]')), question);
  await waitFor("the follow-up asked, then recorded", async () => (await turnText()) === "Listening", 30_000);

  // Stay: the countdown stops, and the answer stays the candidate's.
  await pulse.play(path.join(work, "probe.wav"));
  await waitFor("the second countdown", async () => /^Moving on in \d s/.test(await turnText()), 8_000);
  await click("stay");
  await waitFor("back to answering", async () => (await turnText()) === "Listening", 2_000);
  await sleep(4_000);
  assert.equal(await turnText(), "Listening", "staying holds the answer open");
  assert.equal(await session.text(await session.find('[data-testid="probe-text"]')), firstProbe);

  // N still moves on at once; H turns hands-free off and the turn goes.
  await press("n");
  await waitFor("the next follow-up or question", async () => {
    const shown = await session.findAll('[data-testid="probe-text"]');
    return shown.length === 0 || (await session.text(shown[0])) !== firstProbe;
  }, 10_000);
  await waitFor("asked again", async () => ["Interviewer asking", "Listening"].includes(await turnText()), 10_000);
  await checkSmallWindow("hands-free");
  await press("h");
  await waitFor("hands-free off", async () => (await turnText()) === "", 5_000);

  // The two answers are takes with speech in them, and the interviewer's
  // voice (said into the same sink) is not: each take began after it.
  const takesDir = path.join(data, "takes");
  const wavs = readdirSync(takesDir).filter((f) => f.endsWith(".wav")).sort();
  assert.ok(wavs.length >= 2, `the answers were recorded: ${wavs}`);
  const report = JSON.parse(execFileSync(app, ["analyze", "--json", ...wavs.map((w) => path.join(takesDir, w))], { encoding: "utf8" }));
  const spoken = report.filter((r) => r.speaking_seconds > 2);
  console.log(`hands-free takes: ${report.map((r) => `${r.speaking_seconds?.toFixed(1)} s spoken, first word ${r.first_speech_seconds?.toFixed(2)} s`).join("; ")}`);
  assert.ok(spoken.length >= 2, `two answers hold speech: ${JSON.stringify(report)}`);
  // Each holds its answer's speech and no more: none of the question.
  const played = JSON.parse(execFileSync(app, ["analyze", "--json", path.join(work, "answer.wav"), path.join(work, "probe.wav")], { encoding: "utf8" }));
  // Takes are named by the time they began: the first answer's, then the follow-up's.
  assert.ok(spoken[0].path < spoken[1].path, "in the order they were recorded");
  spoken.forEach((r, i) => assert.ok(r.speaking_seconds <= played[i].speaking_seconds + 0.5,
    `only the answer is in the take (${played[i].speaking_seconds} s played): ${JSON.stringify(r)}`));
});

/** Types into a field as a person does, key by key (input events fire). */
async function type(css, text) {
  await session.cmd("POST", `/element/${await session.waitFor(css)}/value`, { text });
}

/** The text of every element matching `css`. */
/** Runs `script` (which may change local storage), reloads the page and
 * waits for the new one to show `ready`: the reload happens after the
 * script returns, and an element of the old page would be stale. */
async function reloadWith(script, ready) {
  await session.cmd("POST", "/execute/sync", { script: `${script}; window.__old = true; location.reload(); return true;`, args: [] });
  await waitFor("the page to reload", async () =>
    (await session.cmd("POST", "/execute/sync", { script: "return window.__old === undefined && document.querySelector(arguments[0]) !== null;", args: [ready] })) === true);
}

async function texts(css) {
  return Promise.all((await session.findAll(css)).map((id) => session.text(id)));
}

test("story bank: after a round its strong answers and not-asked items; a story written, tagged, its gap closed, a take linked, in the run report; deleted and undone; practised", async () => {
  const data = mkdtempSync(path.join(tmpdir(), "mockloop-e2e-stories-"));
  await session?.end();
  session = await Session.start(harness.base, app, ["--data-dir", data]);
  const behavioural = 'button[aria-label="Rehearse only: Behavioural: leadership & culture"]';
  await reloadWith("localStorage.clear()", behavioural);

  // One behavioural round, its answer recorded.
  await session.click(await session.waitFor(behavioural));
  const question = await session.text(await session.waitFor('[data-testid="question-text"]'));
  assert.equal((await session.findAll('[data-testid="strong-answer"]')).length, 0, "no strong answer before answering");
  await press(" ");
  await waitFor("recording to start", async () => (await session.text(await session.find('[data-testid="record-toggle"]'))).startsWith("Stop"));
  await pulse.play(path.join(work, "answer.wav"));
  await sleep(2_000); // past the seconds that make a question answered, not skipped
  // End round, then its grace runs out by itself.
  await click("finish-round");

  // After the answer: what a strong answer covers, the items the question
  // asked for first, the others markable "not asked".
  await session.waitFor('[data-testid="save-assessment"]');
  const strong = await session.waitFor('[data-testid="strong-answer"]');
  const strongText = await session.text(strong);
  assert.ok(strongText.includes(question), "the question asked is named");
  const points = await session.findAll('[data-testid="strong-answer"] li');
  assert.ok(points.length >= 3 && points.length <= 5, `3-5 points (${points.length})`);
  const asked = await session.findAll('[data-testid="asked-items"] [data-testid="checklist-item"]');
  const others = await session.findAll('[data-testid="other-items"] [data-testid="checklist-item"]');
  assert.ok(asked.length >= 1 && others.length >= 1, `asked ${asked.length}, others ${others.length}`);
  assert.equal((await session.findAll('[data-testid="asked-items"] [data-testid="not-asked"]')).length, 0, "what was asked is rated");
  for (let i = 0; i < asked.length; i++) await press("3");
  await click("rest-not-asked");
  const label = await session.text(await session.find('[data-testid="save-assessment"]'));
  assert.equal(label, `Save (${asked.length} of ${asked.length + others.length} rated, ${others.length} not asked)`);
  await click("save-assessment");
  await waitFor("saved", async () => (await texts('[role="status"].muted')).includes("Saved."));
  await session.cmd("POST", "/execute/sync", { script: "window.scrollTo(0, 0); return true;", args: [] });
  await session.settle();
  await shot("16-assessment-strong-answer");
  const db = path.join(data, "mockloop.sqlite3");
  const counts = python("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from ratings').fetchone()[0], c.execute('select count(*) from not_asked').fetchone()[0])", db);
  assert.equal(counts, `${asked.length} ${others.length}`, "ratings and not-asked marks stored apart");
  const runId = python("import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select max(id) from runs').fetchone()[0])", db);

  // A story, written and tagged; the grid's gap closes.
  await click("nav-stories");
  await setValue('[data-testid="coverage-loop"]', "microsoft-pm");
  await waitFor("the gaps of an empty bank", async () => (await texts('[data-testid="coverage-gap"]')).includes("No story shows Stakeholder management."));
  await click("new-story");
  await type('[data-testid="story-title"]', "Hospital reports in a second");
  await type('[data-testid="story-situation"]', "Hospital IT admins bought our analytics; ward managers used it, and the weekly report took 8 s to open.");
  await type('[data-testid="story-decision"]', "Precompute the ten heaviest queries every night");
  await type('[data-testid="story-constraint"]', "a cloud budget fixed for the year");
  await type('[data-testid="story-result"]', "Opened in 1.2 s; weekly active managers up 30%");
  await waitFor("the new story saved", async () => (await texts('[data-testid="story-item"]')).includes("Hospital reports in a second"), 10_000);
  await click("tag-customer-obsession");
  await click("tag-stakeholder-management");
  await waitFor("the gap to close", async () => {
    const gaps = await texts('[data-testid="coverage-gap"]');
    return !gaps.includes("No story shows Stakeholder management.") && !gaps.includes("No story shows Customer obsession.");
  }, 10_000);
  const row = await session.find('[data-testid="coverage-row-stakeholder-management"]');
  assert.equal((await session.text(row)).replace(/\s+/g, ""), "Stakeholdermanagement●", "one story shows it");
  // The story check: two answered from what is written.
  await waitFor("the check", async () => (await texts('[data-testid="check-result-number"]'))[0] === "Yes");
  assert.equal(await session.text(await session.find('[data-testid="check-decision-and-constraint"]')), "Yes");
  await click("check-buyer-and-user-yes");
  await session.cmd("POST", "/execute/sync", { script: "window.scrollTo(0, 0); return true;", args: [] });
  await session.settle();
  await shot("17-stories");

  // The round's take, linked to the story it told (in the library).
  await click("nav-library");
  await session.waitFor('[data-testid="take-row"] [data-testid="story-link"]');
  const storyId = python("import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select id from stories').fetchone()[0])", db);
  await setValue('[data-testid="take-row"] [data-testid="story-link"]', storyId);
  await waitFor("the link stored", async () =>
    python("import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from take_stories').fetchone()[0])", db) === "1");
  await shot("18-library-story-link");

  // The story's page lists the take; the run report for a mentor names it.
  await click("nav-stories");
  await click("story-item");
  await waitFor("the take on the story's page", async () => (await session.findAll('[data-testid="story-take"]')).length === 1);
  assert.ok((await session.text(await session.find('[data-testid="story-take"]'))).includes(question));
  const report = execFileSync(app, ["--data-dir", data, "report", "--run", runId], { encoding: "utf8" });
  assert.ok(report.includes('told the story "Hospital reports in a second"'), report);
  assert.ok(report.includes("## Stories told") && report.includes("Result: Opened in 1.2 s"), report);
  const listed = JSON.parse(execFileSync(app, ["--data-dir", data, "stories", "--json"], { encoding: "utf8" }));
  assert.equal(listed.stories[0].takes, 1);
  assert.deepEqual(listed.stories[0].competencies, ["customer-obsession", "stakeholder-management"]);
  assert.equal(listed.stories[0].checks.find((c) => c.id === "buyer-and-user").passed, true);

  // Delete, then Undo: nothing lost, the link included.
  await click("delete-story");
  await session.waitFor('[data-testid="story-deleted"]');
  assert.equal((await session.findAll('[data-testid="story-item"]')).length, 0);
  await waitFor("the story offered back", async () =>
    (await texts('[data-testid="deleted-stories"] li')).some((t) => t.includes("Hospital reports in a second")));
  await click("undo-delete");
  await waitFor("the story back", async () => (await texts('[data-testid="story-item"]')).includes("Hospital reports in a second"));
  await waitFor("with its take", async () => (await session.findAll('[data-testid="story-take"]')).length === 1);

  // Practise this story: questions it fits, each answer linked to it.
  await click("practise-story");
  const telling = await session.waitFor('[data-testid="telling-story"]');
  assert.ok((await session.text(telling)).includes("Hospital reports in a second"));
  await shot("19-practise-story");
  await click("nav-home");
});
