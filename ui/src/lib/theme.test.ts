import { describe, expect, it } from "vitest";
import { PAIRS, contrast, themeBlock } from "./theme";
import css from "../app.css?raw";

const light = themeBlock(css, ":root");
const systemDark = themeBlock(css, ':root:not([data-theme="light"])');
const chosenDark = themeBlock(css, ':root[data-theme="dark"]');

describe("contrast", () => {
  it("is measured the WCAG way", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(contrast("#ffffff", "#777777")).toBeCloseTo(4.48, 2);
  });
});

describe("the theme", () => {
  it("writes dark mode the same both times (the system's and the chosen)", () => {
    expect(Object.keys(systemDark).length).toBeGreaterThan(10);
    expect(chosenDark).toEqual(systemDark);
  });
  it("gives dark mode every colour light mode has", () => {
    expect(Object.keys(systemDark).sort()).toEqual(Object.keys(light).sort());
  });

  for (const [name, theme] of [["light", light], ["dark", systemDark]] as const) {
    it(`keeps every text and control pair apart in ${name} mode`, () => {
      const rows = PAIRS.map((p) => ({ ...p, ratio: contrast(theme[p.fg], theme[p.bg]) }));
      // The table the closing notes quote: npx vitest run src/lib/theme.test.ts
      console.log(
        `${name}:\n` +
          rows.map((r) => `  --${r.fg} on --${r.bg}: ${r.ratio.toFixed(2)}:1 (needs ${r.min}:1, ${r.what})`).join("\n"),
      );
      const failing = rows.filter((r) => r.ratio < r.min).map((r) => `--${r.fg} on --${r.bg}: ${r.ratio.toFixed(2)}`);
      expect(failing).toEqual([]);
    });
  }
});
