import { describe, expect, it } from "vitest";
import { announce, formatMinutes, sentence, timerTone, totalMinutes } from "./format";
import type { Round } from "./bindings";

describe("formatMinutes", () => {
  it("keeps short lengths in minutes", () => {
    expect(formatMinutes(45)).toBe("45 min");
  });
  it("uses hours for long loops", () => {
    expect(formatMinutes(60)).toBe("1 h");
    expect(formatMinutes(270)).toBe("4 h 30 min");
  });
});

describe("totalMinutes", () => {
  it("adds every round", () => {
    const round = (minutes: number) => ({ minutes }) as Round;
    expect(totalMinutes([round(30), round(45), round(60)])).toBe(135);
    expect(totalMinutes([])).toBe(0);
  });
});

describe("timerTone", () => {
  it("is calm, then warns, then shows overtime", () => {
    expect(timerTone(31_000, 30_000)).toBe("calm");
    expect(timerTone(30_000, 30_000)).toBe("warn");
    expect(timerTone(0, 30_000)).toBe("warn");
    expect(timerTone(-1, 30_000)).toBe("over");
  });
});

describe("announce", () => {
  it("words warnings for a screen reader", () => {
    expect(announce({ type: "warning", timer: "answer", seconds_left: 30 })).toBe("30 seconds left in this answer.");
    expect(announce({ type: "warning", timer: "round", seconds_left: 300 })).toBe("5 minutes left in this round.");
    expect(announce({ type: "warning", timer: "round", seconds_left: 60 })).toBe("1 minute left in this round.");
    expect(announce({ type: "warning", timer: "answer", seconds_left: 0 })).toBe(
      "Time is up for this answer: you are now in overtime.",
    );
  });
  it("ignores other events", () => {
    expect(announce({ type: "run_finished" })).toBeNull();
  });
});

import { clock, formatBytes, meterFraction } from "./format";

describe("clock", () => {
  it("shows m:ss and never negative", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(61.9)).toBe("1:01");
    expect(clock(-3)).toBe("0:00");
  });
});

describe("meterFraction", () => {
  it("maps -60..0 dBFS onto 0..1", () => {
    expect(meterFraction(0)).toBe(0);
    expect(meterFraction(1)).toBe(1);
    expect(meterFraction(0.001)).toBeCloseTo(0, 5);
    expect(meterFraction(0.1)).toBeCloseTo(2 / 3, 5);
  });
});

describe("formatBytes", () => {
  it("uses decimal units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(12_345_678)).toBe("12 MB");
    expect(formatBytes(1_500)).toBe("1.5 kB");
  });
});

import { comfortableBand, deliveryWeekWords, deliveryWords, fixed1, mondayOf, paceWord, roundedPace } from "./format";
import type { Delivery, DeliveryWeek } from "./bindings";

function delivery(over: Partial<Delivery> = {}): Delivery {
  return {
    version: 1,
    seconds: 165,
    speaking_seconds: 161,
    first_speech_seconds: 1.9,
    pauses: [],
    long_pauses: 4,
    longest_pause_seconds: 2.8,
    syllables: 580,
    syllables_per_second: 3.6,
    words_per_minute_estimate: 148.7,
    speech_dbfs: -22,
    clipped_samples: 0,
    too_quiet: false,
    ...over,
  };
}

describe("clock, rounded", () => {
  it("rounds to the nearest second as the core does", () => {
    expect(clock(160.5, true)).toBe("2:41");
    expect(clock(160.4, true)).toBe("2:40");
    expect(clock(59.6, true)).toBe("1:00");
    expect(clock(Number.NaN, true)).toBe("0:00");
    expect(clock(-2, true)).toBe("0:00");
  });
});

describe("fixed1", () => {
  it("prints one decimal as Rust does, ties to even", () => {
    expect(fixed1(2.84)).toBe("2.8");
    expect(fixed1(2.86)).toBe("2.9");
    expect(fixed1(0.25)).toBe("0.2");
    expect(fixed1(0.75)).toBe("0.8");
    expect(fixed1(1.25)).toBe("1.2");
    expect(fixed1(3)).toBe("3.0");
    expect(fixed1(null)).toBe("0.0");
  });
});

describe("roundedPace", () => {
  it("rounds to the nearest 5 and reads a missing figure as 0", () => {
    expect(roundedPace(148.7)).toBe(150);
    expect(roundedPace(152.4)).toBe(150);
    expect(roundedPace(152.5)).toBe(155);
    expect(roundedPace(null)).toBe(0);
  });
});

describe("deliveryWords", () => {
  it("says the measures as the core does", () => {
    expect(deliveryWords(delivery())).toBe(
      "2:41 spoken · about 150 words a minute · 4 pauses over 1 s, longest 2.8 s · first word after 1.9 s",
    );
  });
  it("says when nothing was heard", () => {
    expect(deliveryWords(delivery({ first_speech_seconds: null }))).toBe("no speech heard");
  });
  it("words no long pause and a single one", () => {
    expect(deliveryWords(delivery({ long_pauses: 0, longest_pause_seconds: 0.7 }))).toBe(
      "2:41 spoken · about 150 words a minute · no pauses over 1 s · first word after 1.9 s",
    );
    expect(deliveryWords(delivery({ long_pauses: 1, longest_pause_seconds: 2.8 }))).toBe(
      "2:41 spoken · about 150 words a minute · 1 pause over 1 s (2.8 s) · first word after 1.9 s",
    );
  });
  it("adds a quiet recording and clipping", () => {
    expect(deliveryWords(delivery({ too_quiet: true }))).toBe(
      "2:41 spoken · about 150 words a minute · 4 pauses over 1 s, longest 2.8 s · first word after 1.9 s · too quiet",
    );
    expect(deliveryWords(delivery({ clipped_samples: 12 }))).toBe(
      "2:41 spoken · about 150 words a minute · 4 pauses over 1 s, longest 2.8 s · first word after 1.9 s · 12 clipped samples",
    );
    expect(deliveryWords(delivery({ too_quiet: true, clipped_samples: 3 }))).toMatch(/ · too quiet · 3 clipped samples$/);
  });
  it("reads missing figures (NaN arrives as null) as 0", () => {
    expect(
      deliveryWords(
        delivery({ speaking_seconds: null, words_per_minute_estimate: null, long_pauses: 0, first_speech_seconds: 0 }),
      ),
    ).toBe("0:00 spoken · about 0 words a minute · no pauses over 1 s · first word after 0.0 s");
  });
  it("sets the take's length against the answer time", () => {
    expect(deliveryWords(delivery({ seconds: 161 }), 180)).toMatch(/ · first word after 1\.9 s · 2:41 of 3:00$/);
    expect(deliveryWords(delivery({ seconds: 200 }), 180)).toMatch(/ · 3:20 of 3:00, over time$/);
    expect(deliveryWords(delivery({ seconds: 180.9 }), 180)).toMatch(/ · 3:00 of 3:00$/);
    expect(deliveryWords(delivery({ seconds: 161.7 }), 180)).toMatch(/ · 2:41 of 3:00$/);
    expect(deliveryWords(delivery({ first_speech_seconds: null, seconds: 5 }), 90)).toBe("no speech heard · 0:05 of 1:30");
    expect(deliveryWords(delivery(), null)).not.toContain(" of ");
  });
});

describe("paceWord and comfortableBand", () => {
  it("places a pace against the band", () => {
    expect(paceWord(120, [130, 170])).toBe("slow");
    expect(paceWord(130, [130, 170])).toBe("comfortable");
    expect(paceWord(170, [130, 170])).toBe("comfortable");
    expect(paceWord(185, [130, 170])).toBe("fast");
  });
  it("fills a missing end from the default", () => {
    expect(comfortableBand([null, 175])).toEqual([130, 175]);
    expect(comfortableBand(undefined)).toEqual([130, 170]);
  });
});

describe("deliveryWeekWords", () => {
  const week = (day: string, over: Partial<DeliveryWeek> = {}): DeliveryWeek => ({
    week: day,
    takes: 0,
    words_per_minute: null,
    long_pauses_per_take: null,
    first_speech_seconds: null,
    transcribed: 0,
    fillers_per_minute: null,
    words_per_minute_counted: null,
    ...over,
  });
  const filled = { takes: 4, words_per_minute: 151, long_pauses_per_take: 1.2, first_speech_seconds: 2.1 };

  it("finds the Monday of a day's week", () => {
    expect(mondayOf("2025-03-12")).toBe("2025-03-10");
    expect(mondayOf("2025-03-10")).toBe("2025-03-10");
    expect(mondayOf("2025-03-16")).toBe("2025-03-10");
  });
  it("is null without answers", () => {
    expect(deliveryWeekWords([week("2025-03-03"), week("2025-03-10")], [130, 170], "2025-03-12")).toBeNull();
    expect(deliveryWeekWords([], [130, 170], "2025-03-12")).toBeNull();
  });
  it("words last week when this week has no answers yet", () => {
    expect(deliveryWeekWords([week("2025-03-03", filled), week("2025-03-10")], [130, 170], "2025-03-12")).toBe(
      "Last week (4 answers): about 150 words a minute (comfortable is about 130–170), 1.2 pauses over 1 s per answer, first word after 2.1 s.",
    );
  });
  it("words this week, with no long pause", () => {
    expect(
      deliveryWeekWords([week("2025-03-10", { ...filled, takes: 1, long_pauses_per_take: 0 })], [130, 170], "2025-03-12"),
    ).toBe("This week (1 answer): about 150 words a minute (comfortable is about 130–170), no pauses over 1 s, first word after 2.1 s.");
  });
  it("names an older week by its date", () => {
    expect(deliveryWeekWords([week("2025-02-17", filled), week("2025-02-24")], [130, 170], "2025-03-12")).toMatch(
      /^In the week of .+ \(4 answers\): about 150 words a minute/,
    );
  });
  it("leaves out figures that are missing", () => {
    expect(deliveryWeekWords([week("2025-03-10", { takes: 2 })], [130, 170], "2025-03-12")).toBe("This week: 2 answers.");
  });
});

describe("sentence", () => {
  it("capitalises and ends a probe's reason", () => {
    expect(sentence("asked because your answer ran 0:15 past its time")).toBe("Asked because your answer ran 0:15 past its time.");
    expect(sentence("  in the loop's order. ")).toBe("In the loop's order.");
    expect(sentence("")).toBe("");
  });
});

describe("counts and the When filter", () => {
  it("say one take, two takes", async () => {
    const { counted } = await import("./format");
    expect(counted(1, "take")).toBe("1 take");
    expect(counted(0, "take")).toBe("0 takes");
    expect(counted(2, "story", "stories")).toBe("2 stories");
  });
  it("keep from the right day", async () => {
    const { sinceDay } = await import("./format");
    const now = new Date(2026, 11, 3, 23, 30);
    expect(sinceDay("", now)).toBe("");
    expect(sinceDay("today", now)).toBe("2026-12-03");
    expect(sinceDay("week", now)).toBe("2026-11-27");
    expect(sinceDay("month", now)).toBe("2026-11-04");
  });
});
