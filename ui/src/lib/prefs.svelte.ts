// The window's preferences (settings.ts), kept in local storage as they change.
import { DEFAULTS, loadPrefs, savePrefs, type Prefs } from "./settings";

export class PrefsStore {
  value = $state<Prefs>(DEFAULTS);
  #save: (prefs: Prefs) => void;

  constructor(initial: Prefs = loadPrefs(), save: (prefs: Prefs) => void = (p) => savePrefs(p)) {
    this.value = initial;
    this.#save = save;
  }

  change(next: Prefs): void {
    this.value = next;
    this.#save(next);
  }
}
