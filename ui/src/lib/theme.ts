// The theme's colours read from app.css, and WCAG contrast between them:
// what theme.test.ts holds every text and control pair to.

/** Custom properties (`--name: value`) declared in the first block after `selector`. */
export function themeBlock(css: string, selector: string): Record<string, string> {
  const at = css.indexOf(`${selector} {`);
  if (at < 0) throw new Error(`app.css has no block for ${selector}`);
  const body = css.slice(css.indexOf("{", at) + 1, css.indexOf("}", at));
  const vars: Record<string, string> = {};
  for (const m of body.matchAll(/--([a-z0-9-]+)\s*:\s*([^;]+);/g)) vars[m[1]] = m[2].trim();
  return vars;
}

/** Relative luminance of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = m.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** A pair the theme must keep apart: `fg` drawn on `bg`, at least `min`:1. */
export interface Pair {
  fg: string;
  bg: string;
  min: number;
  what: string;
}

const TEXT = 4.5;
const NON_TEXT = 3;

/** Every pair of the theme that carries meaning, with the ratio it needs. */
export const PAIRS: Pair[] = [
  ...(["bg", "card"] as const).flatMap((bg) => [
    { fg: "fg", bg, min: TEXT, what: "text" },
    { fg: "muted", bg, min: TEXT, what: "secondary text" },
    { fg: "accent", bg, min: TEXT, what: "links and the played part of a take" },
    { fg: "warn", bg, min: TEXT, what: "warning text (a clock near its end, a hint)" },
    { fg: "over", bg, min: TEXT, what: "overtime, REC and errors" },
    { fg: "first-word", bg, min: TEXT, what: "a check passed" },
    { fg: "edge", bg, min: NON_TEXT, what: "borders of buttons, fields and selects" },
    { fg: "accent", bg, min: NON_TEXT, what: "focus rings" },
    { fg: "probe", bg, min: NON_TEXT, what: "a follow-up's bar" },
    { fg: "primary", bg, min: NON_TEXT, what: "the primary button's shape" },
  ]),
  { fg: "primary-fg", bg: "primary", min: TEXT, what: "the primary button's label" },
  { fg: "over-fg", bg: "over", min: TEXT, what: "Stop, End now and other red buttons" },
];
