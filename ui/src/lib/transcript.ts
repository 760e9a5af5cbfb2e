// A take's transcript as the window lays it out: words (fillers marked),
// long pauses and probable fillers inline, the word being said at a time,
// the summary line, a search hit's snippet, and progress in words.
import type { Fetched, Filler, Progress, Transcript, Word } from "./bindings";

/** A gap between words this long is shown inline ("… [2.4 s] …"). */
export const LONG_PAUSE_MS = 1000;

export type Piece =
  | { kind: "word"; index: number; word: Word; filler: Filler | null }
  | { kind: "pause"; ms: number }
  | { kind: "probable"; filler: Filler };

/** The transcript in reading order: each word with the filler it belongs
 * to, a pause marker before a word after a long gap, and probable fillers
 * (voice no word covers) where they fall. */
export function pieces(t: Transcript): Piece[] {
  const byWord = new Map<number, Filler>();
  for (const f of t.fillers) {
    if (f.word === null) continue;
    for (let i = 0; i < f.words; i++) byWord.set(f.word + i, f);
  }
  const probable = t.fillers.filter((f) => f.kind === "probable").sort((a, b) => a.start_ms - b.start_ms);
  const out: Piece[] = [];
  let p = 0;
  t.words.forEach((word, index) => {
    while (p < probable.length && probable[p].start_ms < word.start_ms) out.push({ kind: "probable", filler: probable[p++] });
    if (index > 0) {
      const gap = word.start_ms - t.words[index - 1].end_ms;
      if (gap >= LONG_PAUSE_MS) out.push({ kind: "pause", ms: gap });
    }
    out.push({ kind: "word", index, word, filler: byWord.get(index) ?? null });
  });
  while (p < probable.length) out.push({ kind: "probable", filler: probable[p++] });
  return out;
}

/** The word being said at `ms`: the one spanning it, else the last one
 * started; -1 before the first. */
export function wordAt(words: Word[], ms: number): number {
  let lo = 0;
  let hi = words.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (words[mid].start_ms <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** "142 words a minute (from the words) · 6 fillers, 2.1 a minute · model base.en". */
export function summary(t: Transcript): string {
  const parts: string[] = [];
  if (t.words_per_minute !== null) parts.push(`${Math.round(t.words_per_minute)} words a minute (from the words)`);
  const n = t.fillers.length;
  parts.push(n === 0 ? "no fillers" : `${n} filler${n === 1 ? "" : "s"}, ${(t.fillers_per_minute ?? 0).toFixed(1)} a minute`);
  parts.push(`model ${t.model}`);
  return parts.join(" · ");
}

/** What a filler is, for its tooltip. */
export function fillerTitle(f: Filler): string {
  switch (f.kind) {
    case "filled":
      return `filler: ${f.text}`;
    case "verbal":
      return `filler word: ${f.text}`;
    case "repeat":
      return `said twice: ${f.text}`;
    default:
      return "probable filler: voice with no word";
  }
}

/** The words as plain text, to copy. */
export function plainText(t: Transcript): string {
  return t.words.map((w) => w.text).join(" ");
}

/** "42 of 142 MB · 1 min left" for a download under way ("42 MB so far"
 * while its size is not known yet). */
export function downloadWords(f: Fetched): string {
  const mb = (b: number) => Math.round(b / 1048576);
  const [done, total, rate] = [f.done ?? 0, f.total ?? 0, f.bytes_per_second ?? 0];
  if (total <= 0) return `${mb(done)} MB so far`;
  const parts = [`${mb(done)} of ${mb(total)} MB`];
  if (rate > 0 && total > done) {
    const left = (total - done) / rate;
    parts.push(left < 60 ? `${Math.max(1, Math.round(left))} s left` : `${Math.round(left / 60)} min left`);
  }
  return parts.join(" · ");
}

/** "12 of 40 takes transcribed". */
export function progressWords(p: Progress): string {
  return `${p.done} of ${p.queued} take${p.queued === 1 ? "" : "s"} transcribed`;
}

/** "Transcribing… 2 of 5 pieces" for the take under way. */
export function piecesWords(done: number, of: number): string {
  return `Transcribing… ${done} of ${of} piece${of === 1 ? "" : "s"}`;
}

/** A search hit's snippet cut into plain text and hits (the parts the
 * core wrapped in «»), to show the hits bold without reading it as markup.
 * A « never closed runs to the end. */
export function snippetParts(snippet: string): { text: string; hit: boolean }[] {
  const out: { text: string; hit: boolean }[] = [];
  let rest = snippet;
  while (rest.length > 0) {
    const open = rest.indexOf("«");
    if (open < 0) {
      out.push({ text: rest, hit: false });
      break;
    }
    if (open > 0) out.push({ text: rest.slice(0, open), hit: false });
    const close = rest.indexOf("»", open + 1);
    const end = close < 0 ? rest.length : close;
    const hit = rest.slice(open + 1, end);
    if (hit.length > 0) out.push({ text: hit, hit: true });
    rest = close < 0 ? "" : rest.slice(close + 1);
  }
  return out;
}

/** Where a scrolling box's `scrollTop` should go so that a line from `top`
 * to `top + height` (in the box's content) is in view: null while it is
 * (nothing moves), else with the line a third of the way down, so what
 * comes next can be read ahead. Only this box moves, never the page. */
export function scrollToShow(top: number, height: number, scrollTop: number, viewHeight: number): number | null {
  if (top >= scrollTop && top + height <= scrollTop + viewHeight) return null;
  return Math.max(0, Math.round(top - viewHeight / 3));
}

/** The word a key moves to among `count` words from `index` (arrows,
 * Home, End); null for any other key. */
export function stepWord(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case "ArrowRight":
    case "ArrowDown":
      return Math.min(count - 1, index + 1);
    case "ArrowLeft":
    case "ArrowUp":
      return Math.max(0, index - 1);
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

/** Two transcripts compared in step: a row every `stepMs` of the answers
 * (0:00, 0:15, …), each holding what either take said in that stretch of
 * time, so the same moment of both reads side by side. A pause goes with
 * the word after it. Rows run to the longer answer; a row neither take
 * spoke in is kept, so the times stay even. */
export type StepRow = { fromMs: number; a: Piece[]; b: Piece[] };

export function inStep(a: Piece[], b: Piece[], stepMs: number): StepRow[] {
  const rows: StepRow[] = [];
  const put = (laid: Piece[], side: "a" | "b") => {
    // Backwards, so a pause takes the time of the word after it.
    let next = 0;
    const at: number[] = new Array(laid.length);
    for (let i = laid.length - 1; i >= 0; i--) {
      const p = laid[i];
      if (p.kind === "word") next = p.word.start_ms;
      else if (p.kind === "probable") next = p.filler.start_ms;
      at[i] = next;
    }
    laid.forEach((p, i) => {
      const row = Math.max(0, Math.floor(at[i] / stepMs));
      while (rows.length <= row) rows.push({ fromMs: rows.length * stepMs, a: [], b: [] });
      rows[row][side].push(p);
    });
  };
  put(a, "a");
  put(b, "b");
  return rows;
}

/** The row of `rows` (as [`inStep`] made them, `stepMs` apart) that holds
 * `ms`, or -1 past the last. */
export function stepAt(rows: StepRow[], ms: number, stepMs: number): number {
  const row = Math.floor(ms / stepMs);
  return ms >= 0 && row < rows.length ? row : -1;
}

/** How fast a model was on this machine, as a candidate thinks of it:
 * "a 3-minute answer in about 12 s here" (`timesRealTime`: seconds of take
 * transcribed a second). */
export function speedWords(timesRealTime: number): string {
  if (!(timesRealTime > 0)) return "";
  const seconds = 180 / timesRealTime;
  const took = seconds < 90 ? `${Math.max(1, Math.round(seconds))} s` : `${Math.round(seconds / 60)} min`;
  return `a 3-minute answer in about ${took} here`;
}
