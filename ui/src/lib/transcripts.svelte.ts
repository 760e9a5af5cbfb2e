// Settings → Transcripts as the rest of the window knows them: whether they
// are on (a take with no transcript yet says how to get one when they are
// off) and how far the work is. Asked once, on first use; Settings hands
// every change it makes here.
import { commands, type TranscriptSettings } from "./bindings";
import { logged } from "./errors";

class Transcripts {
  settings = $state<TranscriptSettings | null>(null);
  #asked = false;

  /** Asks the core once (later calls do nothing). */
  load(): void {
    if (this.#asked) return;
    this.#asked = true;
    void logged(commands.transcriptSettings(), "asking whether transcripts are on").then((s) => {
      if (s && this.settings === null) this.settings = s;
    });
  }

  /** What Settings got back from a change. */
  set(settings: TranscriptSettings): void {
    this.#asked = true;
    this.settings = settings;
  }
}

export const transcripts = new Transcripts();
