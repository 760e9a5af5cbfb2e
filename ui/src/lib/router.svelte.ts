// Which screen the window shows. Going to another screen first lets the
// one being left finish (the round: hands-free off, the take closed, the
// voice hushed), then writes every pending draft, then shows the screen.
import { flushDrafts } from "./drafts";
import { logged } from "./errors";

export type Screen = "home" | "round" | "library" | "settings" | "review" | "dashboard" | "stories";

export interface Stops {
  /** Before leaving for any screen but the round's. */
  leaving(to: Screen): Promise<void>;
  /** Once `to` shows. */
  shown(to: Screen): void | Promise<void>;
}

export class Router {
  screen = $state<Screen>("home");
  #stops: Stops;

  constructor(stops: Stops) {
    this.#stops = stops;
  }

  async go(to: Screen): Promise<void> {
    if (to !== "round") await this.#stops.leaving(to);
    await logged(flushDrafts(), "saving what was typed before changing screens");
    this.screen = to;
    await this.#stops.shown(to);
  }

  /** Shows a screen at once (a run just entered, a run to review). */
  show(to: Screen): void {
    this.screen = to;
  }
}
