import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { errorText, hasKind, logged, problemOf, report, setReporter, type Reporter } from "./errors";

describe("problemOf", () => {
  it("keeps a command's kind and message", () => {
    const e = { kind: "damaged_database", message: "mockloop.sqlite3 is damaged; it was left untouched" };
    expect(problemOf(e)).toEqual(e);
    expect(hasKind(e, "damaged_database")).toBe(true);
    expect(hasKind(e, "storage")).toBe(false);
  });
  it("turns an Error or a string into an internal problem in its own words", () => {
    expect(problemOf(new TypeError("x is undefined"))).toEqual({ kind: "internal", message: "x is undefined" });
    expect(problemOf("invalid args `runId` for command `resume_run`")).toEqual({
      kind: "internal",
      message: "invalid args `runId` for command `resume_run`",
    });
  });
  it("shows a kind it does not know as internal, with the words", () => {
    expect(problemOf({ kind: "from_the_future", message: "later" })).toEqual({ kind: "internal", message: "later" });
  });
  it("never says [object Object] or nothing", () => {
    for (const odd of [undefined, null, "", "   ", {}, { message: "" }, new Error("")]) {
      const text = errorText(odd);
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toContain("[object");
    }
    expect(errorText({ code: 7 })).toBe('{"code":7}');
    expect(errorText(42)).toBe("42");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorText(cyclic)).not.toContain("[object");
  });
});

describe("logged", () => {
  let calls: [string, string][];
  let before: Reporter;
  beforeEach(() => {
    calls = [];
    before = setReporter(async (place, message) => void calls.push([place, message]));
  });
  afterEach(() => {
    setReporter(before);
    vi.restoreAllMocks();
  });

  it("passes a result through and reports nothing", async () => {
    expect(await logged(Promise.resolve(5), "counting")).toBe(5);
    expect(calls).toEqual([]);
  });
  it("reports a failure with its place, and goes on", async () => {
    const failing = Promise.reject({ kind: "voice", message: "no speech engine" });
    expect(await logged(failing, "hushing the voice")).toBeUndefined();
    expect(calls).toEqual([["hushing the voice", "no speech engine"]]);
  });
  it("sends a failure to report it to the console, once, without looping", async () => {
    const console = vi.spyOn(globalThis.console, "error").mockImplementation(() => {});
    let reports = 0;
    setReporter(async () => {
      reports += 1;
      throw { kind: "storage", message: "log is full" };
    });
    await logged(Promise.reject(new Error("boom")), "somewhere");
    await vi.waitFor(() => expect(console).toHaveBeenCalledTimes(1));
    expect(reports).toBe(1);
    expect(String(console.mock.calls[0][0])).toContain("somewhere: boom");
  });
  it("survives a reporter that throws at once", () => {
    const console = vi.spyOn(globalThis.console, "error").mockImplementation(() => {});
    setReporter(() => {
      throw new Error("no IPC");
    });
    expect(() => report("place", "what")).not.toThrow();
    expect(console).toHaveBeenCalledTimes(1);
  });
  it("keeps a report short enough for the core", () => {
    report("long", "x".repeat(100_000));
    expect(calls[0][1].length).toBeLessThanOrEqual(4001);
  });
});
