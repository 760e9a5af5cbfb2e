// The rehearsal store against a pretend core: what it asks the core, in
// which order, for each thing the candidate does.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { RunView, Update } from "./bindings";

const core = vi.hoisted(() => {
  const calls: string[] = [];
  const failing = new Map<string, unknown>();
  const results = new Map<string, unknown>();
  const command =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push(name === "say" ? `say ${args[0]}` : name);
      if (failing.has(name)) throw failing.get(name);
      return results.get(name) ?? null;
    };
  return { calls, failing, results, command };
});

vi.mock("./bindings", () => ({
  commands: new Proxy({}, { get: (_, name: string) => core.command(name) }),
  events: new Proxy({}, { get: () => ({ listen: async () => () => {} }) }),
  LIMITS: {
    after_speech_seconds: { default: 20, max: 600, min: 0 },
    answer_warning_seconds: { default: 30, max: 600, min: 0 },
    quiet_seconds: { default: 5, max: 60, min: 1 },
    round_warning_minutes: { default: 5, max: 60, min: 0 },
    voice_rate: { default: 0, max: 100, min: -100 },
    voice_volume: { default: 0, max: 100, min: -100 },
  },
}));

const { PrefsStore } = await import("./prefs.svelte");
const { Rehearsal } = await import("./rehearsal.svelte");
const { Router } = await import("./router.svelte");
const { DEFAULTS } = await import("./settings");

function view(change: Partial<RunView> = {}): RunView {
  return {
    run_id: 1,
    loop_id: "microsoft-pm",
    loop_title: "PM",
    phase: "answering",
    paused: false,
    round_number: 1,
    round_count: 3,
    round_id: "screen",
    round_kind: "screen",
    round_title: "Screen",
    competencies: [],
    checklist: [],
    question_number: 1,
    question_count: 2,
    question_id: "q1",
    question: "Q1?",
    probe: null,
    probe_index: null,
    probe_reason: null,
    probe_number: null,
    probe_count: 2,
    answer_timer: { remaining_ms: 1000, budget_ms: 1000, label: "0:01", overtime: false },
    round_timer: { remaining_ms: 1000, budget_ms: 1000, label: "0:01", overtime: false },
    answer_warn_ms: 0,
    round_warn_ms: 0,
    story: null,
    ...change,
  };
}
const update = (change: Partial<RunView> = {}): Update => ({ view: view(change), events: [] });

function setUp(prefs: Partial<typeof DEFAULTS> = {}) {
  const shown: { problem: unknown; live: string[] } = { problem: null, live: [] };
  const store = new PrefsStore({ ...DEFAULTS, chime: false, ...prefs }, () => {});
  let rehearsal: InstanceType<typeof Rehearsal>;
  const router = new Router({ leaving: () => rehearsal.leaveRound(), shown: () => rehearsal.shown() });
  rehearsal = new Rehearsal(store, router, {
    problem: (p) => (shown.problem = p),
    announce: (words) => shown.live.push(words),
  });
  return { rehearsal, router, prefs: store, shown };
}

/** Lets every pending promise settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  core.calls.length = 0;
  core.failing.clear();
  core.results.clear();
  core.results.set("startRun", view());
  core.results.set("resumeRun", view());
});

describe("entering a run", () => {
  it("shows the round and says its question once, with the voice on", async () => {
    const { rehearsal, router, shown } = setUp({ voiceOn: true });
    shown.problem = { kind: "internal", message: "before" };
    expect(await rehearsal.start("microsoft-pm")).toBe(true);
    expect(router.screen).toBe("round");
    expect(shown.problem).toBeNull();
    expect(core.calls).toEqual(["startRun", "draft", "say Q1?"]);
    rehearsal.ticked(update());
    rehearsal.ticked(update());
    expect(core.calls.filter((c) => c.startsWith("say"))).toHaveLength(1);
  });

  it("says nothing with the voice off, and stays home when the core refuses", async () => {
    const { rehearsal, router, shown } = setUp();
    await rehearsal.start("microsoft-pm");
    expect(core.calls).toEqual(["startRun", "draft"]);
    router.show("home");
    core.failing.set("resumeRun", { kind: "not_found", message: "no run 9" });
    expect(await rehearsal.resume(9)).toBe(false);
    expect(router.screen).toBe("home");
    expect(shown.problem).toEqual({ kind: "not_found", message: "no run 9" });
  });

  it("brings back the notes typed before the window closed, unless some were typed since", async () => {
    const { rehearsal } = setUp();
    core.results.set("draft", { ratings: [], not_asked: [], note: "lead with the trade-off", updated_at: "" });
    await rehearsal.resume(1);
    expect(rehearsal.note).toBe("lead with the trade-off");
    rehearsal.note = "typed now";
    await rehearsal.resume(1);
    expect(rehearsal.note).toBe("typed now");
  });

  it("says when the notes could not be brought back, and goes on", async () => {
    const { rehearsal, router } = setUp();
    core.failing.set("draft", { kind: "storage", message: "disk error" });
    expect(await rehearsal.resume(1)).toBe(true);
    expect(router.screen).toBe("round");
    expect(rehearsal.notesProblem).toContain("disk error");
  });
});

describe("moving on in keyboard mode", () => {
  it("closes the take and records the next answer: silence asked for before the voice, the microphone after", async () => {
    const { rehearsal } = setUp({ voiceOn: true });
    await rehearsal.start("microsoft-pm");
    await rehearsal.toggleRecording();
    expect(rehearsal.recorder.recording).toBe(true);
    core.calls.length = 0;
    core.results.set("runAction", update({ probe: "P1?", probe_number: 1, probe_index: 0 }));
    await rehearsal.act("next");
    // The core's voice and recording commands, as the window used to send them.
    expect(core.calls).toEqual(["recordStop", "hush", "runAction", "hush", "say P1?", "recordStart"]);
    expect(rehearsal.recorder.recording).toBe(true);
  });

  it("does not carry on into an assessment, nor when nothing was recording", async () => {
    const { rehearsal } = setUp();
    await rehearsal.start("microsoft-pm");
    await rehearsal.toggleRecording();
    core.calls.length = 0;
    core.results.set("runAction", update({ phase: "assessing" }));
    await rehearsal.act("finish_round");
    expect(core.calls).toEqual(["recordStop", "runAction"]);
    expect(rehearsal.recorder.recording).toBe(false);
    core.calls.length = 0;
    core.results.set("runAction", update({ question_number: 2 }));
    await rehearsal.act("next");
    expect(core.calls).toEqual(["runAction"]);
  });

  it("keeps what was typed before the run moves on, and stops if it cannot", async () => {
    const { rehearsal, shown } = setUp();
    await rehearsal.start("microsoft-pm");
    rehearsal.note = "a thought";
    core.calls.length = 0;
    core.results.set("runAction", update({ question_number: 2 }));
    await rehearsal.act("next");
    expect(core.calls).toEqual(["saveDraft", "runAction"]);
    rehearsal.note = "another";
    core.calls.length = 0;
    core.failing.set("saveDraft", { kind: "storage", message: "disk full" });
    await rehearsal.act("next");
    expect(core.calls).toEqual(["saveDraft"]);
    expect(shown.problem).toEqual({ kind: "storage", message: "disk full" });
    expect(rehearsal.notesProblem).toContain("disk full");
  });

  it("says a refused move at the top, and a failed recording under the button", async () => {
    const { rehearsal, shown } = setUp();
    await rehearsal.start("microsoft-pm");
    core.failing.set("recordStart", { kind: "device", message: "no microphone" });
    await rehearsal.toggleRecording();
    expect(rehearsal.recorder).toMatchObject({ recording: false, starting: false, message: "no microphone" });
    core.failing.set("runAction", { kind: "no_active_run", message: "no rehearsal is running" });
    await rehearsal.act("pause");
    expect(shown.problem).toEqual({ kind: "no_active_run", message: "no rehearsal is running" });
  });

  it("does not say a question while a take is recording, nor after the voice failed", async () => {
    const { rehearsal } = setUp({ voiceOn: true });
    core.failing.set("say", { kind: "voice", message: "no speech engine" });
    await rehearsal.start("microsoft-pm");
    await settle();
    expect(rehearsal.voiceNotice).toBe("no speech engine");
    core.calls.length = 0;
    rehearsal.ticked(update({ question_number: 2 }));
    expect(core.calls).toEqual([]);
    rehearsal.dismissVoiceNotice();
    expect(rehearsal.voiceNotice).toBeNull();
  });
});

describe("hands-free", () => {
  it("starts on the round screen, stops the take before moving on and leaves the next to the interviewer", async () => {
    const { rehearsal } = setUp({ voiceOn: true });
    await rehearsal.start("microsoft-pm");
    core.calls.length = 0;
    rehearsal.setHandsFree(true);
    expect(core.calls).toEqual(["handsFreeStart"]);
    rehearsal.turned({ turn: { turn: "answering" }, recording: true });
    expect(rehearsal.recorder.recording).toBe(true);
    expect(rehearsal.turn).toEqual({ turn: "answering" });
    core.calls.length = 0;
    core.results.set("runAction", update({ probe: "P1?", probe_number: 1 }));
    await rehearsal.act("next");
    expect(core.calls).toEqual(["recordStop", "hush", "runAction"]);
    rehearsal.setHandsFree(false);
    expect(core.calls.at(-1)).toBe("handsFreeStop");
    expect(rehearsal.turn).toBeNull();
  });

  it("stops when the run finishes, and when the round screen is left", async () => {
    const { rehearsal, router } = setUp({ handsFree: true });
    await rehearsal.start("microsoft-pm");
    expect(core.calls).toEqual(["startRun", "draft", "handsFreeStart"]);
    core.calls.length = 0;
    rehearsal.ticked(update({ phase: "finished" }));
    expect(core.calls).toEqual(["handsFreeStop"]);
    rehearsal.ticked(update({ phase: "assessing" }));
    core.calls.length = 0;
    rehearsal.turned({ turn: { turn: "answering" }, recording: true });
    await router.go("library");
    expect(core.calls).toEqual(["handsFreeStop", "recordStop"]);
    expect(router.screen).toBe("library");
    // A late word from hands-free, off the round screen, changes nothing.
    rehearsal.turned({ turn: { turn: "asking" }, recording: true });
    expect(rehearsal.turn).toBeNull();
    expect(rehearsal.recorder.recording).toBe(false);
    core.calls.length = 0;
    await router.go("round");
    expect(core.calls).toEqual(["handsFreeStart"]);
  });

  it("shows why hands-free could not start or stay, and drops a voice that failed", async () => {
    const { rehearsal } = setUp({ voiceOn: true });
    await rehearsal.start("microsoft-pm");
    core.failing.set("handsFreeStart", { kind: "device", message: "no microphone" });
    rehearsal.setHandsFree(true);
    await settle();
    expect(rehearsal.recorder.message).toBe("no microphone");
    core.failing.set("handsFreeStay", { kind: "internal", message: "not running" });
    await rehearsal.stay();
    expect(rehearsal.recorder.message).toBe("not running");
    rehearsal.noticed({ voice: true, message: "no speech engine" });
    expect(rehearsal.voiceNotice).toBe("no speech engine");
    rehearsal.noticed({ voice: false, message: "the microphone went away" });
    expect(rehearsal.recorder.message).toBe("the microphone went away");
  });
});

describe("events", () => {
  it("follow the run up now, never another one, and announce warnings", async () => {
    const { rehearsal, shown } = setUp();
    rehearsal.ticked(update({ run_id: 5 }));
    expect(rehearsal.run?.run_id).toBe(5);
    rehearsal.ticked(update({ run_id: 6 }));
    expect(rehearsal.run?.run_id).toBe(5);
    rehearsal.ticked({ view: view({ run_id: 5 }), events: [{ type: "warning", timer: "answer", seconds_left: 30 }] });
    expect(shown.live).toEqual(["30 seconds left in this answer."]);
  });

  it("leave the recording state when a take ends by itself, saying why", () => {
    const { rehearsal } = setUp();
    rehearsal.recorder.recording = true;
    rehearsal.recordEnded({ error: "the disk is full" } as Parameters<typeof rehearsal.recordEnded>[0]);
    expect(rehearsal.recorder.recording).toBe(false);
    expect(rehearsal.recorder.message).toBe("the disk is full. Everything recorded up to then is kept; the rehearsal goes on.");
  });

  it("adopt the run the core has going only when the window has none", () => {
    const { rehearsal } = setUp();
    rehearsal.adopt(null);
    expect(rehearsal.run).toBeNull();
    rehearsal.adopt(view({ run_id: 7 }));
    rehearsal.adopt(view({ run_id: 8 }));
    expect(rehearsal.run?.run_id).toBe(7);
  });
});
