import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { draftSaver, flushDrafts } from "./drafts";

describe("draft savers", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("save once, a little after the last change", async () => {
    const save = vi.fn(async () => {});
    const saver = draftSaver(save, 400);
    saver.touch();
    await vi.advanceTimersByTimeAsync(300);
    saver.touch();
    await vi.advanceTimersByTimeAsync(300);
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(save).toHaveBeenCalledTimes(1);
    await saver.dispose();
    expect(save).toHaveBeenCalledTimes(1);
  });

  it("flushDrafts writes what is pending before anything moves on, and nothing twice", async () => {
    const saved: string[] = [];
    const a = draftSaver(async () => void saved.push("a"));
    const b = draftSaver(async () => void saved.push("b"));
    a.touch();
    await flushDrafts();
    expect(saved).toEqual(["a"]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(saved).toEqual(["a"]);
    b.touch();
    await b.dispose();
    expect(saved).toEqual(["a", "b"]);
    await a.dispose();
  });
});
