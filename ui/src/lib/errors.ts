// What a failed promise carries, as one shape the window can branch on and
// show: the core's commands reject with a `CommandError` ({ kind, message });
// the webview or a bug in the window throws an `Error`; Tauri itself may
// reject with a bare string (arguments it could not decode). Unit-tested in
// errors.test.ts.
import { commands, type CommandError, type ErrorKind } from "./bindings";

/** A failure, whatever it came as: what kind it is and what to say. */
export type Problem = CommandError;

/** Every kind the core names (a compile error below when one is missing). */
const KINDS = [
  "damaged_database",
  "other_version",
  "folder_in_use",
  "no_active_run",
  "not_found",
  "bad_input",
  "device",
  "voice",
  "storage",
  "busy",
  "internal",
] as const satisfies readonly ErrorKind[];
type Unlisted = Exclude<ErrorKind, (typeof KINDS)[number]>;
const everyKindListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKindListed;

const UNKNOWN = "Something went wrong (no details were given).";

const KNOWN: ReadonlySet<string> = new Set(KINDS);
function isKind(value: unknown): value is ErrorKind {
  return typeof value === "string" && KNOWN.has(value);
}

/** Whatever a rejected promise carried, as a kind and words for the candidate. */
export function problemOf(reason: unknown): Problem {
  if (typeof reason === "string") return { kind: "internal", message: reason.trim() || UNKNOWN };
  if (reason instanceof Error) return { kind: "internal", message: reason.message.trim() || reason.name || UNKNOWN };
  if (typeof reason === "object" && reason !== null) {
    const { kind, message } = reason as { kind?: unknown; message?: unknown };
    if (typeof message === "string") {
      // A kind this window does not know yet (a newer core) is still shown.
      return { kind: isKind(kind) ? kind : "internal", message: message.trim() || UNKNOWN };
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(reason);
    } catch {
      text = undefined; // a cycle: nothing better to say than UNKNOWN
    }
    return { kind: "internal", message: text && text !== "{}" ? text : UNKNOWN };
  }
  return { kind: "internal", message: reason === undefined || reason === null ? UNKNOWN : String(reason) };
}

/** The words to show for a failure. */
export function errorText(reason: unknown): string {
  return problemOf(reason).message;
}

/** Whether a failure is of this kind. */
export function hasKind(reason: unknown, kind: ErrorKind): boolean {
  return problemOf(reason).kind === kind;
}

/** Where problems go that no one on screen can be told: the app's log file. */
export type Reporter = (place: string, message: string) => Promise<unknown>;
let reporter: Reporter = (place, message) => commands.reportProblem(place, message);

/** Replaces where problems are reported (tests); returns the one before. */
export function setReporter(next: Reporter): Reporter {
  const before = reporter;
  reporter = next;
  return before;
}

// The core refuses longer texts (64 KiB); a problem never needs that much.
const MAX_REPORT = 4000;
const clip = (text: string) => (text.length > MAX_REPORT ? `${text.slice(0, MAX_REPORT)}…` : text);

/**
 * Writes a problem to the app's log. A failure to do so goes to the
 * console, never back here: reporting cannot loop.
 */
export function report(place: string, reason: unknown): void {
  const message = clip(errorText(reason));
  const unreported = (why: unknown) => console.error(`mockloop: could not log "${place}: ${message}":`, why);
  try {
    reporter(clip(place), message).catch(unreported);
  } catch (why) {
    unreported(why);
  }
}

/**
 * Awaits `promise`; if it fails, the failure is logged (see `report`) with
 * `place` (what the window was doing) and the result is `undefined`.
 * For failures with no one to tell: a voice that would not stop, a
 * listener that would not detach, a list that did not refresh.
 */
export async function logged<T>(promise: Promise<T>, place: string): Promise<T | undefined> {
  try {
    return await promise;
  } catch (reason) {
    report(place, reason);
    return undefined;
  }
}
