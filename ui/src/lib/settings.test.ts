import { describe, expect, it } from "vitest";
import { DEFAULTS, daysUntil, loadPrefs, savePrefs } from "./settings";

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
