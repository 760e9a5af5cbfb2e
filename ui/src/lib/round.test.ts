import { describe, expect, it } from "vitest";
import { answerKey, carriesOn, endedMessage, endingWords, handsFreeWanted, movesOn, noteKey, pushLevel, roundCommand, typing } from "./round";

const at = { run_id: 3, round_number: 2, question_number: 1, probe_number: null, phase: "answering" as const };

describe("which answer is up", () => {
  it("changes with the question, the follow-up, the round and the phase", () => {
    const keys = new Set([
      answerKey(at),
      answerKey({ ...at, probe_number: 1 }),
      answerKey({ ...at, question_number: 2 }),
      answerKey({ ...at, round_number: 3 }),
      answerKey({ ...at, phase: "assessing" }),
      answerKey({ ...at, run_id: 4 }),
    ]);
    expect(keys.size).toBe(6);
    expect(answerKey({ ...at })).toBe(answerKey(at));
  });
  it("keeps notes per run and round", () => {
    expect(noteKey(at)).toBe("3:2");
    const later = { ...at, question_number: 5 };
    expect(noteKey(later)).toBe("3:2");
  });
});

describe("moving on", () => {
  it("is next or ending the round, not pausing", () => {
    expect(movesOn("next")).toBe(true);
    expect(movesOn("finish_round")).toBe(true);
    expect(movesOn("pause")).toBe(false);
    expect(movesOn("resume")).toBe(false);
  });
  it("carries a recording on into the next answer in keyboard mode only", () => {
    expect(carriesOn("next", true, false)).toBe(true);
    expect(carriesOn("finish_round", true, false)).toBe(true);
    expect(carriesOn("next", false, false)).toBe(false);
    expect(carriesOn("next", true, true)).toBe(false);
    expect(carriesOn("pause", true, false)).toBe(false);
  });
});

describe("hands-free", () => {
  it("runs on the round screen for an unfinished run the candidate turned it on for", () => {
    expect(handsFreeWanted(true, true, { phase: "answering" })).toBe(true);
    expect(handsFreeWanted(true, true, { phase: "assessing" })).toBe(true);
    expect(handsFreeWanted(true, true, { phase: "finished" })).toBe(false);
    expect(handsFreeWanted(false, true, { phase: "answering" })).toBe(false);
    expect(handsFreeWanted(true, false, { phase: "answering" })).toBe(false);
    expect(handsFreeWanted(true, true, null)).toBe(false);
  });
});

describe("a take that ended by itself", () => {
  it("says why and that nothing recorded is lost, or nothing when it ended well", () => {
    expect(endedMessage({ error: "the file reached the size limit" })).toBe(
      "the file reached the size limit. Everything recorded up to then is kept; the rehearsal goes on.",
    );
    expect(endedMessage({ error: null })).toBeNull();
  });
});

describe("the round screen's keys", () => {
  const answering = { phase: "answering" as const, paused: false };
  it("move on, pause and resume, in either case", () => {
    expect(roundCommand("n", answering, null)).toEqual({ act: "next" });
    expect(roundCommand("N", { phase: "assessing", paused: false }, null)).toEqual({ act: "next" });
    expect(roundCommand("p", answering, null)).toEqual({ act: "pause" });
    expect(roundCommand("P", { ...answering, paused: true }, null)).toEqual({ act: "resume" });
  });
  it("turn hands-free on and off, and stay only while moving on", () => {
    expect(roundCommand("h", answering, null)).toEqual({ do: "hands-free" });
    expect(roundCommand("s", answering, { turn: "moving_on", left_ms: 2000 })).toEqual({ do: "stay" });
    expect(roundCommand("S", answering, { turn: "answering" })).toBeNull();
    expect(roundCommand("s", answering, null)).toBeNull();
  });
  it("record with Space only while answering; others do nothing", () => {
    expect(roundCommand(" ", answering, null)).toEqual({ do: "record" });
    expect(roundCommand(" ", { phase: "assessing", paused: false }, null)).toBeNull();
    expect(roundCommand("x", answering, null)).toBeNull();
    expect(roundCommand("Escape", answering, null)).toBeNull();
    expect(roundCommand("?", answering, null)).toBeNull();
  });
  it("are typing in a field, not shortcuts", () => {
    expect(typing({ tagName: "TEXTAREA" } as unknown as EventTarget)).toBe(true);
    expect(typing({ tagName: "SELECT" } as unknown as EventTarget)).toBe(true);
    expect(typing({ tagName: "BUTTON" } as unknown as EventTarget)).toBe(false);
    expect(typing(null)).toBe(false);
    expect(typing({ tagName: "SELECT" } as unknown as EventTarget, ["INPUT", "TEXTAREA"])).toBe(false);
  });
});

describe("the live waveform", () => {
  it("keeps the newest readings, the oldest dropped", () => {
    expect(pushLevel([], 0.5, 3)).toEqual([0.5]);
    expect(pushLevel([0.1, 0.2, 0.3], 0.4, 3)).toEqual([0.2, 0.3, 0.4]);
    const before = [0.1];
    pushLevel(before, 0.2, 3);
    expect(before).toEqual([0.1]);
  });
});

describe("End round's grace", () => {
  it("counts down in whole seconds, never to zero", () => {
    expect(endingWords(5000)).toBe("Ending the round in 5 s");
    expect(endingWords(4001)).toBe("Ending the round in 5 s");
    expect(endingWords(10)).toBe("Ending the round in 1 s");
    expect(endingWords(-300)).toBe("Ending the round in 1 s");
  });
});
