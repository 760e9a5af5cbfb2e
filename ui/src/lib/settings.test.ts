import { describe, expect, it } from "vitest";
import { LIMITS } from "./bindings";
import { DEFAULTS, daysUntil, handsFreeOf, loadPrefs, savePrefs, spokenText, thresholdsOf, turnWords, voiceOf, wholeIn } from "./settings";

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

describe("the core's limits", () => {
  it("give every number its default", () => {
    expect(DEFAULTS.answerWarnS).toBe(LIMITS.answer_warning_seconds.default);
    expect(DEFAULTS.roundWarnMin).toBe(LIMITS.round_warning_minutes.default);
    expect(DEFAULTS.voiceRate).toBe(LIMITS.voice_rate.default);
    expect(DEFAULTS.voiceVolume).toBe(LIMITS.voice_volume.default);
    expect(DEFAULTS.quietSeconds).toBe(LIMITS.quiet_seconds.default);
    expect(DEFAULTS.afterSpeechSeconds).toBe(LIMITS.after_speech_seconds.default);
  });
  it("hold a number to its range, whole, and anything else to the default", () => {
    const limit = { min: 1, max: 60, default: 5 };
    expect(wholeIn(0, limit)).toBe(1);
    expect(wholeIn(61, limit)).toBe(60);
    expect(wholeIn(7.6, limit)).toBe(8);
    expect(wholeIn("12", limit)).toBe(12);
    expect(wholeIn(Number.NaN, limit)).toBe(5);
    expect(wholeIn("x", limit)).toBe(5);
    expect(wholeIn(Number.POSITIVE_INFINITY, limit)).toBe(5);
  });
});

describe("thresholdsOf", () => {
  it("turns the settings into the core's marks, time up always included", () => {
    const answer = LIMITS.answer_warning_seconds.default;
    const round = LIMITS.round_warning_minutes.default * 60;
    expect(thresholdsOf(DEFAULTS)).toEqual({ answer_s: [answer, 0], round_s: [round, 0] });
    expect(thresholdsOf({ ...DEFAULTS, answerWarnS: 45, roundWarnMin: 10 })).toEqual({ answer_s: [45, 0], round_s: [600, 0] });
  });
  it("0 means a warning only when time is up", () => {
    expect(thresholdsOf({ ...DEFAULTS, answerWarnS: 0, roundWarnMin: 0 })).toEqual({ answer_s: [0], round_s: [0] });
  });
  it("clamps and rounds what an input field may hold", () => {
    expect(LIMITS.answer_warning_seconds.min).toBe(0);
    const odd = { ...DEFAULTS, answerWarnS: -3, roundWarnMin: LIMITS.round_warning_minutes.max + 0.6 };
    expect(thresholdsOf(odd)).toEqual({ answer_s: [0], round_s: [LIMITS.round_warning_minutes.max * 60, 0] });
    const rounded = thresholdsOf({ ...DEFAULTS, answerWarnS: 44.5, roundWarnMin: 9.4 });
    expect(rounded).toEqual({ answer_s: [45, 0], round_s: [540, 0] });
    const junk = { ...DEFAULTS, answerWarnS: Number.NaN, roundWarnMin: "x" as unknown as number };
    expect(thresholdsOf(junk)).toEqual(thresholdsOf(DEFAULTS));
  });
});

describe("voice preferences", () => {
  it("turn into the core's settings, numbers kept in range", () => {
    expect(voiceOf({ ...DEFAULTS })).toEqual({ voice: null, rate: 0, volume: 0 });
    expect(voiceOf({ ...DEFAULTS, voiceName: "English (America)", voiceRate: 250, voiceVolume: -7.4 })).toEqual({
      voice: "English (America)",
      rate: LIMITS.voice_rate.max,
      volume: -7,
    });
    expect(voiceOf({ ...DEFAULTS, voiceRate: -250, voiceVolume: Number.NaN })).toEqual({
      voice: null,
      rate: LIMITS.voice_rate.min,
      volume: LIMITS.voice_volume.default,
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
      rule: { quiet_seconds: LIMITS.quiet_seconds.default, after_speech_seconds: LIMITS.after_speech_seconds.default },
      quality: "speech",
      device: null,
    });
    const on = handsFreeOf({ ...DEFAULTS, voiceOn: true, quietSeconds: 0, afterSpeechSeconds: 9000, device: "mic" });
    expect(on.voice).toEqual({ voice: null, rate: 0, volume: 0 });
    expect(on.rule).toEqual({ quiet_seconds: LIMITS.quiet_seconds.min, after_speech_seconds: LIMITS.after_speech_seconds.max });
    expect(on.device).toBe("mic");
  });
  it("says whose turn it is, counting down in whole seconds", () => {
    expect(turnWords({ turn: "asking" })).toBe("Interviewer asking");
    expect(turnWords({ turn: "answering" })).toBe("Listening");
    expect(turnWords({ turn: "moving_on", left_ms: 2001 })).toBe("Moving on in 3 s");
    expect(turnWords({ turn: "moving_on", left_ms: 1 })).toBe("Moving on in 1 s");
    expect(turnWords({ turn: "ended", by: "time_up" })).toBe("Time is up: moving on");
    expect(turnWords({ turn: "waiting" })).toBeNull();
    expect(turnWords(null)).toBeNull();
  });
});
