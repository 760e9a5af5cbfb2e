// Window preferences, kept in the webview's local storage (per user, on this
// machine). Rehearsal data lives in SQLite; these are only how the window
// behaves.

export type Theme = "system" | "light" | "dark";
export type Quality = "speech" | "studio";

export interface Prefs {
  theme: Theme;
  quality: Quality;
  device: string;
  chime: boolean;
  targetDate: string;
}

const KEY = "mockloop.prefs";
export const DEFAULTS: Prefs = { theme: "system", quality: "speech", device: "", chime: true, targetDate: "" };

export function loadPrefs(storage: Pick<Storage, "getItem"> = localStorage): Prefs {
  try {
    const saved = JSON.parse(storage.getItem(KEY) ?? "{}");
    return { ...DEFAULTS, ...(typeof saved === "object" && saved ? saved : {}) };
  } catch {
    return { ...DEFAULTS };
  }
}

export function savePrefs(prefs: Prefs, storage: Pick<Storage, "setItem"> = localStorage): void {
  storage.setItem(KEY, JSON.stringify(prefs));
}

/** Whole days from `today` to the ISO date `target`, or null without a date. */
export function daysUntil(target: string, today: Date = new Date()): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(target)) return null;
  const [y, m, d] = target.split("-").map(Number);
  const a = Date.UTC(y, m - 1, d);
  const b = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((a - b) / 86_400_000);
}
