import { describe, expect, it } from "vitest";
import { announce, formatMinutes, timerTone, totalMinutes } from "./format";
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
