// The window around the screens: what the home screen shows (the loops,
// the runs, the interview date), the failure said at the top of the window
// (a damaged database offers "Start fresh"), and the live region's words.
import { commands, type Home } from "./bindings";
import { problemOf, type Problem } from "./errors";
import type { PrefsStore } from "./prefs.svelte";
import type { Notices } from "./rehearsal.svelte";

/** What the app hands the first page before its scripts run: the home
 * screen's data, or why the data folder did not open. */
interface First {
  home?: Home;
  error?: unknown;
}

/** Takes what the app handed the page, once (a reload asks again). */
function takeFirst(): First | null {
  const holder = globalThis as { __MOCKLOOP_FIRST__?: First };
  const first = holder.__MOCKLOOP_FIRST__ ?? null;
  delete holder.__MOCKLOOP_FIRST__;
  return first;
}

export class Shell implements Notices {
  home = $state<Home | null>(null);
  error = $state<Problem | null>(null);
  /** Whether the home screen's data came with the page (nothing to ask). */
  readonly handed: boolean;

  constructor() {
    const first = takeFirst();
    if (first?.home) this.home = first.home;
    else if (first?.error) this.error = problemOf(first.error);
    this.handed = first !== null;
  }
  /** What the screen reader is told (aria-live). */
  live = $state("");

  problem(problem: Problem | null): void {
    this.error = problem;
  }

  announce(words: string): void {
    this.live = words;
  }

  async refresh(): Promise<void> {
    try {
      this.home = await commands.listLoops();
      this.error = null;
    } catch (e) {
      this.error = problemOf(e);
    }
  }

  async setTargetDate(date: string): Promise<void> {
    try {
      await commands.setTargetDate(date);
      await this.refresh();
    } catch (e) {
      this.error = problemOf(e);
    }
  }

  /** Sets an unfinished run aside (Home stops offering it) or takes it back; a failure is thrown for the caller to say. */
  async setAside(runId: number, aside: boolean): Promise<void> {
    await commands.setAsideRun(runId, aside);
    await this.refresh();
  }

  /** The database was damaged: set it aside (nothing is deleted) and go on. */
  async startFresh(): Promise<void> {
    try {
      const aside = await commands.startFresh();
      this.error = null;
      await this.refresh();
      this.live = `The damaged database was set aside as ${aside}; a fresh one is open.`;
    } catch (e) {
      this.error = problemOf(e);
    }
  }

  /**
   * The interview date used to live in the window's storage; it now lives
   * in the database, shared with `mockloop report`.
   */
  async moveTargetDate(prefs: PrefsStore): Promise<void> {
    if (prefs.value.targetDate && this.home && !this.home.target_date) {
      await this.setTargetDate(prefs.value.targetDate);
      prefs.change({ ...prefs.value, targetDate: "" });
    }
  }
}
