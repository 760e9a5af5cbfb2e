// End-to-end, on a bad day: the real window under Xvfb over WebDriver, a
// real-time PulseAudio microphone, a real SQLite file. A second launch, a
// damaged database, hostile IPC arguments, and a seeded campaign of kill -9
// at random moments of a run. Uses its own display and driver port, so it
// can run beside window.test.mjs.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Session, sleep, startHarness, startPulse, waitFor } from "./webdriver.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const app = process.env.MOCKLOOP_BIN ?? path.join(root, "target/debug/mockloop");
const work = mkdtempSync(path.join(tmpdir(), "mockloop-safety-work-"));
const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const SEED = Number(process.env.CRASH_SEED ?? 7);
const DISPLAY = process.env.E2E_SAFETY_DISPLAY ?? ":97";

let harness;
let pulse;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app} is missing`);
  pulse = await startPulse(mkdtempSync(path.join(tmpdir(), "mockloop-safety-pulse-")));
  // Where "Back up now" writes, for the window started by the driver.
  process.env.MOCKLOOP_BACKUP_DIR = mkdtempSync(path.join(tmpdir(), "mockloop-safety-backups-"));
  harness = await startHarness({ display: DISPLAY, port: 4644, env: pulse.env });
  // A long, steady sound for the microphone: every take has audio from its first frame.
  execFileSync("sox", ["-n", "-r", "48000", "-c", "1", "-b", "16", path.join(work, "tone.wav"), "synth", "600", "sine", "440", "vol", "0.3"]);
});

after(() => {
  harness?.stop();
  pulse?.stop();
});

/** Asks Python's sqlite3 (stdlib) about a data folder's database. */
function sql(dataDir, query) {
  const script = "import sqlite3, sys, json; c = sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall()))";
  return JSON.parse(execFileSync("python3", ["-c", script, path.join(dataDir, "mockloop.sqlite3"), query], { encoding: "utf8" }));
}

async function open(dataDir) {
  const session = await Session.start(harness.base, app, ["--data-dir", dataDir]);
  await session.waitFor('[data-testid="loop-card-microsoft-pm"]', 30_000);
  return session;
}

async function click(session, testid) {
  await session.click(await session.waitFor(`[data-testid="${testid}"]`));
}

const recordLabel = async (session) => session.text(await session.find('[data-testid="record-toggle"]'));

/** The pids of mockloop windows on `dataDir`. */
function windows(dataDir) {
  const found = spawnSync("pgrep", ["-f", `mockloop-window --data-dir ${dataDir}$`], { encoding: "utf8" });
  return found.stdout.split("\n").filter(Boolean).map(Number);
}

test("a second launch while the first records brings the first forward; the recording goes on intact", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "mockloop-second-"));
  const session = await open(dataDir);
  try {
    await click(session, "start-loop");
    await click(session, "record-toggle");
    await waitFor("recording", async () => (await recordLabel(session)).startsWith("Stop"));
    const tone = pulse.play(path.join(work, "tone.wav")).catch(() => {});
    const second = spawnSync(app, ["--data-dir", dataDir], { env: { ...process.env, ...pulse.env, DISPLAY }, encoding: "utf8", timeout: 20_000 });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /already open on .*brought to the front/);
    assert.equal(windows(dataDir).length, 1, "one window");
    await sleep(1500);
    assert.ok((await recordLabel(session)).startsWith("Stop"), "still recording");
    await click(session, "record-toggle");
    await waitFor("the take to close", async () => (await recordLabel(session)).startsWith("Record"));
    void tone;
    const [[status, ms]] = sql(dataDir, "SELECT status, duration_ms FROM takes");
    assert.equal(status, "complete");
    assert.ok(ms > 1400, `the take holds the whole recording (${ms} ms)`);
  } finally {
    await session.end();
  }
});

test("hostile IPC arguments are errors, never a dead app", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "mockloop-hostile-"));
  const session = await open(dataDir);
  try {
    const huge = "x".repeat(1 << 20);
    const calls = [
      ["start_run", { loopId: huge, roundId: null, thresholds: null }],
      ["start_run", { loopId: "microsoft-pm", roundId: "nope", thresholds: { answer_s: [-5], round_s: [1e12] } }],
      ["resume_run", { runId: Number.MAX_SAFE_INTEGER }],
      ["resume_run", { runId: -1 }],
      ["run_summary", { runId: -9007199254740991 }],
      ["run_action", { action: "explode" }],
      ["save_assessment", { ratings: [{ item_id: huge, rating: 255 }], notAsked: [], note: huge, runId: 1, position: Number.MAX_SAFE_INTEGER }, "reach"],
      ["save_assessment", { ratings: [], notAsked: [], note: "", runId: 1, position: -1 }],
      ["save_assessment", { ratings: [], notAsked: Array(1001).fill("a"), note: "", runId: null, position: null }, "reach"],
      ["save_draft", { ratings: [{ item_id: "a", rating: 9 }], notAsked: [], note: "", runId: Number.MAX_SAFE_INTEGER, position: 0 }, "reach"],
      ["save_draft", { ratings: [], notAsked: [huge], note: "", runId: null, position: null }, "reach"],
      ["save_story", { id: null, story: { title: huge, situation: "", action: "", decision: "", constraint: "", result: "", competencies: [], answers: [] } }, "reach"],
      ["save_story", { id: null, story: { title: "t", situation: "", action: "", decision: "", constraint: "", result: "", competencies: Array(101).fill("x"), answers: [] } }, "reach"],
      ["save_story", { id: Number.MAX_SAFE_INTEGER, story: { title: "t", situation: "", action: "", decision: "", constraint: "", result: "", competencies: [], answers: [] } }, "reach"],
      ["save_story", { id: null, story: { title: "t", situation: "", action: "", decision: "", constraint: "", result: "", competencies: [], answers: [{ id: huge, yes: true }] } }, "reach"],
      ["delete_story", { id: -1 }, "reach"],
      ["restore_story", { id: Number.MAX_SAFE_INTEGER }, "reach"],
      ["story_detail", { id: -1 }, "reach"],
      ["story_coverage", { loopId: huge }, "reach"],
      ["link_take", { takeId: Number.MAX_SAFE_INTEGER, storyId: -1 }, "reach"],
      ["practise_story", { storyId: -1, loopId: "microsoft-pm", thresholds: null }, "reach"],
      ["draft", { runId: 1, position: null }],
      ["set_target_date", { date: huge }],
      ["set_target_date", { date: "2027-02-30" }],
      ["practise", { loopId: "microsoft-pm", questionIds: [huge], thresholds: null }],
      ["take_peaks", { takeId: -1, buckets: Number.MAX_SAFE_INTEGER }],
      ["playback", { takeId: 12345, action: "seek", seconds: -1e308 }],
      ["playback", { takeId: 1, action: huge, seconds: null }],
      ["mic_test", { action: huge, device: null }],
      ["delete_take", { takeId: Number.MAX_SAFE_INTEGER }],
      ["record_start", { quality: "lossless", device: null }],
      ["record_start", { quality: null, device: huge }],
      ["start_fresh", {}],
    ];
    const results = await session.cmd("POST", "/execute/async", {
      script: `const done = arguments[arguments.length - 1];
        const invoke = window.__TAURI_INTERNALS__.invoke;
        Promise.all(arguments[0].map(([cmd, args]) =>
          invoke(cmd, args).then(() => [cmd, "ok"],
            (e) => [cmd, "error", (typeof e === "string" ? e : JSON.stringify(e)).slice(0, 160), e && e.kind]))).then(done);`,
      args: [calls],
    });
    for (const [i, [cmd, outcome, message, kind]] of results.entries()) {
      assert.equal(outcome, "error", `${cmd} refused`);
      assert.ok(!/panick|poison/i.test(message ?? ""), `${cmd}: ${message}`);
      // Those marked "reach" are well-formed: each must reach its command and
      // be refused there, with a kind the window can act on and words, not
      // be turned away by argument decoding.
      if (calls[i][2] === "reach") {
        assert.ok(!/invalid args/i.test(message ?? ""), `${cmd} reached the command: ${message}`);
        assert.ok(typeof kind === "string" && kind !== "internal", `${cmd} failed with a kind: ${message}`);
      }
    }
    // Each failure is in the data folder's log, by command, kind and words.
    const log = readFileSync(path.join(dataDir, "logs", "window_rCURRENT.log"), "utf8");
    assert.ok(log.includes("mockloop-window") && log.split("\n").every((line) => line.length < 3000), "one log, lines bounded");
    assert.match(log, /command story_detail failed \(NotFound\)/, log.slice(-2000));
    assert.match(log, /refused at src-tauri\/src\/commands\/run\.rs:\d+: "2027-02-30" is not a date/, log.slice(-2000));
    // The app still works: a run starts and moves on.
    await click(session, "start-loop");
    await session.waitFor('[data-testid="question-text"]');
    await click(session, "next");
    await session.waitFor('[data-testid="probe-text"]');
    assert.equal(windows(dataDir).length, 1);
    // And backs up: one archive, restorable by the CLI into an empty folder.
    await click(session, "nav-settings");
    await click(session, "backup-now");
    const message = await session.waitFor('[data-testid="backup-message"]');
    await waitFor("the backup to be written", async () => /^Saved to /.test(await session.text(message)));
    const archive = (await session.text(message)).replace(/^Saved to /, "");
    assert.ok(archive.startsWith(process.env.MOCKLOOP_BACKUP_DIR) && existsSync(archive), archive);
    const restored = mkdtempSync(path.join(tmpdir(), "mockloop-restored-"));
    execFileSync(app, ["--data-dir", restored, "restore", archive], { stdio: "pipe" });
    assert.equal(sql(restored, "SELECT COUNT(*) FROM runs")[0][0], sql(dataDir, "SELECT COUNT(*) FROM runs")[0][0]);
  } finally {
    await session.end();
  }
});

test("beside an open window, report, stories and backup read and change nothing; a newer database is refused", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "mockloop-readers-"));
  execFileSync(app, ["--data-dir", dataDir, "demo-data", "--weeks", "4", "--seed", "3"], { stdio: "pipe" });
  const session = await open(dataDir);
  try {
    const db = path.join(dataDir, "mockloop.sqlite3");
    const files = () => ["", "-wal"].map((suffix) => (existsSync(db + suffix) ? readFileSync(db + suffix).toString("base64") : ""));
    const before = files();
    const cli = (...args) => spawnSync(app, ["--data-dir", dataDir, ...args], { encoding: "utf8" });
    const report = cli("report", "--json");
    assert.equal(report.status, 0, report.stderr);
    assert.ok(JSON.parse(report.stdout).loops.length >= 2);
    const stories = cli("stories", "--json");
    assert.equal(stories.status, 0, stories.stderr);
    const archive = path.join(mkdtempSync(path.join(tmpdir(), "mockloop-backup-")), "b.tar");
    const backup = cli("backup", archive);
    assert.equal(backup.status, 0, backup.stderr);
    assert.deepEqual(files(), before, "the database and its journal are byte for byte as they were");
    // A writer is refused while the window holds the folder.
    const writer = cli("demo-data", "--weeks", "1", "--into-existing");
    assert.equal(writer.status, 1);
    assert.match(writer.stderr, /is in use by the mockloop window/);
  } finally {
    await session.end();
  }
  // Once a newer mockloop has written the folder, every command says so and
  // leaves it alone.
  execFileSync("python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('pragma user_version=99'); c.commit()", path.join(dataDir, "mockloop.sqlite3")]);
  const newer = readFileSync(path.join(dataDir, "mockloop.sqlite3"));
  for (const args of [["report", "--json"], ["stories"], ["backup", path.join(dataDir, "..", `b-${Date.now()}.tar`)], ["demo-data", "--into-existing"], ["recover"], ["rehearse", "microsoft-pm", "--silent"]]) {
    const out = spawnSync(app, ["--data-dir", dataDir, ...args], { encoding: "utf8" });
    assert.equal(out.status, 1, `${args[0]}: ${out.stderr}`);
    assert.match(out.stderr, /written by a newer version of mockloop/, `${args[0]}: ${out.stderr}`);
  }
  assert.deepEqual(readFileSync(path.join(dataDir, "mockloop.sqlite3")), newer, "unchanged by every command");
});

test("a damaged database: a clear message, the file untouched, and a way on", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "mockloop-damaged-"));
  const db = path.join(dataDir, "mockloop.sqlite3");
  const garbage = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 31) % 251));
  writeFileSync(db, garbage);
  const session = await Session.start(harness.base, app, ["--data-dir", dataDir]);
  try {
    const error = await session.waitFor('[data-testid="error"]', 30_000);
    assert.match(await session.text(error), /is damaged .* left untouched/);
    assert.ok(readFileSync(db).equals(garbage), "byte for byte");
    await click(session, "start-fresh");
    await session.waitFor('[data-testid="loop-card-microsoft-pm"]');
    const aside = readdirSync(dataDir).find((f) => f.startsWith("mockloop.sqlite3.damaged-"));
    assert.ok(aside, "set aside, not deleted");
    assert.ok(readFileSync(path.join(dataDir, aside)).equals(garbage));
  } finally {
    await session.end();
  }
});

test("a take that hits a write limit is salvaged: the window says so and leaves the recording state", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "mockloop-full-"));
  // The window under a file-size limit of 320 KiB: about 10 s of a
  // speech-quality take, far more than the database needs meanwhile.
  const limited = path.join(work, "limited.sh");
  writeFileSync(limited, `#!/bin/bash\nulimit -f 320\nexec ${JSON.stringify(app)} "$@"\n`, { mode: 0o755 });
  const session = await Session.start(harness.base, limited, ["--data-dir", dataDir]);
  try {
    await click(session, "start-loop");
    await click(session, "record-toggle");
    await waitFor("recording", async () => (await recordLabel(session)).startsWith("Stop"));
    const tone = pulse.play(path.join(work, "tone.wav")).catch(() => {});
    await waitFor("the take to end at the limit", async () => (await recordLabel(session)).startsWith("Record"), 30_000);
    const alert = await session.waitFor(".record + p.hint[role=alert], p.hint[role=alert]");
    assert.match(await session.text(alert), /size limit.*Everything recorded up to then is kept/);
    void tone;
    const [[status, ms, name]] = sql(dataDir, "SELECT status, duration_ms, path FROM takes");
    assert.equal(status, "write_failed");
    assert.ok(ms > 8000, `what reached the disk is kept (${ms} ms)`);
    const frames = execFileSync("python3", ["-c", "import wave, sys; print(wave.open(sys.argv[1]).getnframes())", path.join(dataDir, "takes", name)], { encoding: "utf8" });
    assert.equal(Math.floor(Number(frames) / 16), ms, "the file plays to its recorded length");
    // The rehearsal goes on.
    await click(session, "next");
    await session.waitFor('[data-testid="probe-text"]');
  } finally {
    await session.end();
  }
});

/** A small seeded generator (mulberry32), so a failing campaign can be replayed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test(`crash campaign: ${KILLS} kill -9 at random moments of a run`, async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "mockloop-crash-"));
  const random = rng(SEED);
  const tone = pulse.play(path.join(work, "tone.wav")).catch(() => {});
  const killedTakes = []; // { seconds alive when killed, round, note }
  const notes = new Map(); // "run:position" -> what was typed and flushed
  let lostMax = 0;
  let takesChecked = 0;
  for (let kill = 0; kill < KILLS; kill += 1) {
    const session = await open(dataDir);
    const resume = (await session.findAll('[data-testid="resume-run"]'))[0];
    let where = null;
    if (resume) {
      await session.click(resume);
    } else {
      await click(session, "start-loop");
    }
    await session.waitFor('[data-testid="round-title"]');
    // Where the run stands, as the window shows it, must be where it resumed.
    const view = async () =>
      session.cmd("POST", "/execute/sync", {
        script: "const q = document.querySelector('[data-testid=question-text]'); const p = document.querySelector('[data-testid=probe-text]'); return [document.querySelector('[data-testid=round-title]')?.textContent, q?.textContent ?? null, p?.textContent ?? null];",
        args: [],
      });
    if (kill > 0 && killedTakes.at(-1)?.view) {
      assert.deepEqual(await view(), killedTakes.at(-1).view, `kill ${kill}: resumed where it was`);
    }
    const answering = await session.findAll('[data-testid="question-text"]');
    let recordingSince = null;
    if (answering.length > 0) {
      // Type a note (kept as a draft), then maybe move on, then record.
      if (random() < 0.6) {
        const text = `note ${kill} `;
        const box = await session.find('[data-testid="round-notes"]');
        await session.cmd("POST", `/element/${box}/value`, { text });
        await sleep(700); // typed a moment before the kill: saved as a draft
        const run = sql(dataDir, "SELECT MAX(id) FROM runs")[0][0];
        const position = Number((await session.text(await session.find(".round .muted.small"))).match(/round (\d+) of/)[1]) - 1;
        notes.set(`${run}:${position}`, (notes.get(`${run}:${position}`) ?? "") + text);
      }
      if (random() < 0.4) {
        await click(session, "next");
        await sleep(300);
      }
      if ((await session.findAll('[data-testid="question-text"]')).length > 0 && random() < 0.8) {
        await click(session, "record-toggle");
        await waitFor("recording", async () => (await recordLabel(session)).startsWith("Stop"), 10_000);
        recordingSince = performance.now();
      }
    } else {
      // Assessing: rate the first two items (a draft), sometimes move on.
      const items = await session.findAll('[data-testid="checklist-item"]');
      for (const item of items.slice(0, 2)) {
        const button = await session.cmd("POST", `/element/${item}/element`, { using: "css selector", value: '[data-testid="rating-2"]' });
        await session.click(Object.values(button)[0]);
      }
      await sleep(700);
      if (random() < 0.5) {
        await click(session, "next");
        await sleep(300);
      }
    }
    // The kill comes at a random moment (sometimes right at an autosave).
    await sleep(300 + random() * 2500);
    where = (await session.findAll('[data-testid="question-text"]')).length > 0 ? await view() : null;
    const pids = windows(dataDir);
    assert.equal(pids.length, 1, `kill ${kill}: one window`);
    const killedAt = performance.now();
    process.kill(pids[0], "SIGKILL");
    await session.end();
    killedTakes.push({ aliveFor: recordingSince === null ? null : (killedAt - recordingSince) / 1000, view: where });
    await waitFor("the window to be gone", () => windows(dataDir).length === 0);
  }
  // One more start: recovery of the last kill's take.
  const last = await open(dataDir);
  await last.end();
  for (const pid of windows(dataDir)) process.kill(pid, "SIGKILL");
  void tone;

  assert.deepEqual(sql(dataDir, "PRAGMA integrity_check"), [["ok"]]);
  const duplicates = sql(dataDir, "SELECT run_round_id, question_id, probe_index, COUNT(*) FROM answers GROUP BY 1, 2, 3 HAVING COUNT(*) > 1");
  assert.deepEqual(duplicates, [], "no answer stored twice");
  const takes = sql(dataDir, "SELECT id, status, duration_ms FROM takes ORDER BY id");
  assert.equal(sql(dataDir, "SELECT COUNT(*) FROM takes WHERE status = 'recording'")[0][0], 0, "no take left recording");
  const killedWhileRecording = killedTakes.filter((k) => k.aliveFor !== null);
  assert.equal(takes.length, killedWhileRecording.length, "one take per recording started");
  killedWhileRecording.forEach((k, i) => {
    const [, status, ms] = takes[i];
    const lost = k.aliveFor - ms / 1000;
    lostMax = Math.max(lostMax, lost);
    takesChecked += 1;
    assert.equal(status, "interrupted");
    assert.ok(lost <= 0.3, `take ${i + 1}: ${ms} ms kept of ${k.aliveFor.toFixed(3)} s recorded: ${lost.toFixed(3)} s lost`);
  });
  for (const [key, typed] of notes) {
    const [run, position] = key.split(":").map(Number);
    const kept = sql(dataDir, `SELECT COALESCE((SELECT d.note FROM drafts d JOIN run_rounds rr ON rr.id = d.run_round_id WHERE rr.run_id = ${run} AND rr.position = ${position}),
      (SELECT n.note FROM round_notes n JOIN run_rounds rr ON rr.id = n.run_round_id WHERE rr.run_id = ${run} AND rr.position = ${position}))`)[0][0];
    assert.ok((kept ?? "").includes(typed.trim()), `notes of run ${run} round ${position + 1}: typed ${JSON.stringify(typed)}, kept ${JSON.stringify(kept)}`);
  }
  for (const file of readdirSync(path.join(dataDir, "takes"))) {
    assert.ok(!file.endsWith(".part"), `${file} was recovered`);
  }
  console.log(
    `crash campaign (seed ${SEED}): ${KILLS} kills, ${takesChecked} takes checked, at most ${lostMax.toFixed(3)} s lost, ` +
      `${duplicates.length} duplicate answers, ${notes.size} rounds of typed notes kept, integrity ok`,
  );
});
