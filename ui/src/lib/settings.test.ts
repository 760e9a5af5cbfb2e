import { describe, expect, it } from "vitest";
import { DEFAULTS, daysUntil, handsFreeOf, loadPrefs, savePrefs, spokenText, thresholdsOf, turnWords, voiceOf } from "./settings";

function memory() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

describe("prefs", () => {
  it("round-trip and fill in defaults", () => {
    const store = memory();
    expect(loadPrefs(store)).toEqual(DEFAULTS);
    savePrefs({ ...DEFAULTS, theme: "dark", quality: "studio" }, store);
    expect(loadPrefs(store)).toEqual({ ...DEFAULTS, theme: "dark", quality: "studio" });
  });
  it("survive damaged storage", () => {
    expect(loadPrefs({ getItem: () => "{not json" })).toEqual(DEFAULTS);
  });
});

describe("daysUntil", () => {
  it("counts whole days, negative once past", () => {
    const today = new Date(2026, 10, 22, 23, 59);
    expect(daysUntil("2026-12-01", today)).toBe(9);
    expect(daysUntil("2026-11-22", today)).toBe(0);
    expect(daysUntil("2026-11-20", today)).toBe(-2);
    expect(daysUntil("", today)).toBeNull();
  });
});

describe("thresholdsOf", () => {
  it("turns the settings into the core's marks, time up always included", () => {
    expect(thresholdsOf(DEFAULTS)).toEqual({ answer_s: [30, 0], round_s: [300, 0] });
    expect(thresholdsOf({ ...DEFAULTS, answerWarnS: 45, roundWarnMin: 10 })).toEqual({ answer_s: [45, 0], round_s: [600, 0] });
  });
  it("0 means a warning only when time is up", () => {
    expect(thresholdsOf({ ...DEFAULTS, answerWarnS: 0, roundWarnMin: 0 })).toEqual({ answer_s: [0], round_s: [0] });
  });
  it("clamps and rounds what an input field may hold", () => {
    const odd = { ...DEFAULTS, answerWarnS: -3, roundWarnMin: 99.6 };
    expect(thresholdsOf(odd)).toEqual({ answer_s: [0], round_s: [3600, 0] });
    const junk = { ...DEFAULTS, answerWarnS: Number.NaN, roundWarnMin: "x" as unknown as number };
    expect(thresholdsOf(junk)).toEqual(thresholdsOf(DEFAULTS));
  });
});

describe("voice preferences", () => {
  it("turn into the core's settings, numbers kept in range", () => {
    expect(voiceOf({ ...DEFAULTS })).toEqual({ voice: null, rate: 0, volume: 0 });
    expect(voiceOf({ ...DEFAULTS, voiceName: "English (America)", voiceRate: 250, voiceVolume: -7.4 })).toEqual({
      voice: "English (America)",
      rate: 100,
      volume: -7,
    });
  });
  it("say the follow-up when there is one, else the question, and nothing while assessing", () => {
    expect(spokenText({ phase: "answering", question: "Q?", probe: null })).toBe("Q?");
    expect(spokenText({ phase: "answering", question: "Q?", probe: "P?" })).toBe("P?");
    expect(spokenText({ phase: "assessing", question: "Q?", probe: null })).toBeNull();
  });
});

describe("hands-free", () => {
  it("sends the voice only when it is on, and keeps the rule in range", () => {
    expect(handsFreeOf(DEFAULTS)).toEqual({
      voice: null,
      rule: { quiet_seconds: 5, after_speech_seconds: 20 },
      quality: "speech",
      device: null,
    });
    const on = handsFreeOf({ ...DEFAULTS, voiceOn: true, quietSeconds: 0, afterSpeechSeconds: 9000, device: "mic" });
    expect(on.voice).toEqual({ voice: null, rate: 0, volume: 0 });
    expect(on.rule).toEqual({ quiet_seconds: 1, after_speech_seconds: 600 });
    expect(on.device).toBe("mic");
  });
  it("says whose turn it is, counting down in whole seconds", () => {
    expect(turnWords({ turn: "asking" })).toBe("Interviewer asking");
    expect(turnWords({ turn: "answering" })).toBe("Your answer, recording");
    expect(turnWords({ turn: "moving_on", left_ms: 2001 })).toBe("Moving on in 3 s");
    expect(turnWords({ turn: "moving_on", left_ms: 1 })).toBe("Moving on in 1 s");
    expect(turnWords({ turn: "ended", by: "time_up" })).toBe("Time is up: moving on");
    expect(turnWords({ turn: "waiting" })).toBeNull();
    expect(turnWords(null)).toBeNull();
  });
});
