// WebKitGTK hands the process's POSIX locale to the page as
// navigator.language: "C" when LANG is unset or C (CI, some launchers).
// Intl rejects that tag, and libraries that format with navigator.language
// (uPlot, at load) then fail and take the whole window down. Imported
// first in main.ts, this swaps such a tag for the engine's own default.

/** `tag` if Intl accepts it, else `fallback`. */
export function usableLanguage(tag: string, fallback: string): string {
  try {
    new Intl.NumberFormat(tag);
    return tag;
  } catch {
    return fallback;
  }
}

const fallback = new Intl.NumberFormat().resolvedOptions().locale;
const usable = typeof navigator === "undefined" ? fallback : usableLanguage(navigator.language, fallback);
if (typeof navigator !== "undefined" && usable !== navigator.language) {
  Object.defineProperty(navigator, "language", { get: () => usable, configurable: true });
  Object.defineProperty(navigator, "languages", { get: () => [usable], configurable: true });
}
