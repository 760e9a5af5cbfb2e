// The rehearsal the window is running: the run as the core shows it, the
// take being recorded, the interviewer's voice, hands-free, and the notes
// typed during a round. The round screen reads it and calls its methods;
// everything that has to happen in order (close the take, hush the voice,
// save what was typed, then move on) happens inside those methods.
import { commands, events } from "./bindings";
import type { Action, HandsFreeNotice, RecorderStatus, RunView, TakeRow, Turn, TurnNow, Update } from "./bindings";
import { chime } from "./chime";
import { draftSaver, flushDrafts } from "./drafts";
import { errorText, logged, problemOf, type Problem } from "./errors";
import { announce } from "./format";
import type { PrefsStore } from "./prefs.svelte";
import { answerKey, carriesOn, endedMessage, handsFreeWanted, movesOn, noteKey } from "./round";
import type { Router } from "./router.svelte";
import { handsFreeOf, spokenText, thresholdsOf, voiceOf } from "./settings";

/** The take being recorded, as the record button and meter show it. */
export interface Recorder {
  /** Audio is flowing into a take. */
  recording: boolean;
  /** Asked to record; the microphone is not delivering yet (the button is not red until it does). */
  starting: boolean;
  /** Milliseconds from asking to the first samples, last time. */
  startMs: number | null;
  /** The meter and length of the take being recorded. */
  status: RecorderStatus | null;
  /** What went wrong with recording (or hands-free), said under the button. */
  message: string | null;
}

/** What the rest of the window does for the rehearsal. */
export interface Notices {
  /** Shows a failure at the top of the window (null: clears it). */
  problem(problem: Problem | null): void;
  /** Says something to a screen reader (the live region). */
  announce(words: string): void;
}

export class Rehearsal {
  /** The run, once one was started, resumed or found running. */
  run = $state<RunView | null>(null);
  recorder = $state<Recorder>({ recording: false, starting: false, startMs: null, status: null, message: null });
  /** Whose turn it is, hands-free. */
  turn = $state<Turn | null>(null);
  /** Why the questions are shown and not said (once the voice failed). */
  voiceNotice = $state<string | null>(null);
  /** Saving the run's progress is failing (the core keeps trying). */
  saveProblem = $state<string | null>(null);
  /** The notes typed for the round could not be kept or brought back. */
  notesProblem = $state<string | null>(null);
  // Notes typed during a round, per run and round (`noteKey`), kept as the
  // round's draft in the database as they are typed; restored on resume.
  #notes = $state<Record<string, string>>({});

  #prefs: PrefsStore;
  #router: Router;
  #shell: Notices;
  // No engine: the questions stay on screen, and nothing more is tried.
  #voiceFailed = false;
  // The answer last said aloud (`answerKey`), so each is said once.
  #said = "";
  // The options hands-free was started with ("": it is off).
  #handsFree = "";
  // The round whose notes are being typed, for the draft saver.
  #noteRound: { runId: number; position: number; key: string } | null = null;
  #notesSaver = draftSaver(async () => {
    const round = this.#noteRound;
    if (!round) return;
    try {
      await commands.saveDraft([], [], this.#notes[round.key] ?? "", round.runId, round.position);
      this.notesProblem = null;
    } catch (e) {
      this.notesProblem = `Your notes are not kept yet: ${errorText(e)}`;
      // Moving on waits for them: it stops here rather than lose them.
      throw e;
    }
  });

  constructor(prefs: PrefsStore, router: Router, shell: Notices) {
    this.#prefs = prefs;
    this.#router = router;
    this.#shell = shell;
  }

  /** The round screen is showing. */
  get onRound(): boolean {
    return this.#router.screen === "round";
  }

  get handsFree(): boolean {
    return this.#prefs.value.handsFree;
  }

  /** The notes of the round up now. */
  get note(): string {
    return this.run ? (this.#notes[noteKey(this.run)] ?? "") : "";
  }

  set note(value: string) {
    const run = this.run;
    if (!run) return;
    const key = noteKey(run);
    this.#notes[key] = value;
    this.#noteRound = { runId: run.run_id, position: run.round_number - 1, key };
    this.#notesSaver.touch();
  }

  /** Listens to the core; returns how to stop. */
  listen(): () => void {
    const stops = [
      events.runTick.listen(({ payload }) => this.ticked(payload)),
      events.runError.listen(({ payload }) => (this.saveProblem = payload)),
      events.runSaved.listen(() => (this.saveProblem = null)),
      events.recordStatus.listen(({ payload }) => (this.recorder.status = payload)),
      events.recordEnded.listen(({ payload }) => this.recordEnded(payload)),
      events.handsFreeTurn.listen(({ payload }) => this.turned(payload)),
      events.handsFreeNotice.listen(({ payload }) => this.noticed(payload)),
    ];
    return () => {
      for (const stop of stops) void logged(stop.then((unlisten) => unlisten()), "no longer listening to the rehearsal");
    };
  }

  /** The run the core had going when the window opened (the home screen's `active`). */
  adopt(view: RunView | null): void {
    if (view && !this.run) this.run = view;
  }

  start(loopId: string, roundId?: string): Promise<boolean> {
    return this.#enter(commands.startRun(loopId, roundId ?? null, thresholdsOf(this.#prefs.value)));
  }

  resume(runId: number): Promise<boolean> {
    return this.#enter(commands.resumeRun(runId));
  }

  /** "Practise now": a short run of these questions. */
  practise(loopId: string, questionIds: string[]): Promise<boolean> {
    return this.#enter(commands.practise(loopId, questionIds, thresholdsOf(this.#prefs.value)));
  }

  /** "Practise this story": the loop's questions it fits. */
  practiseStory(storyId: number, loopId: string): Promise<boolean> {
    return this.#enter(commands.practiseStory(storyId, loopId, thresholdsOf(this.#prefs.value)));
  }

  /** Moves the run (next, pause, resume, end the round). */
  async act(action: Action): Promise<void> {
    try {
      // Each answer (main or probe) is its own take: moving on closes it,
      // and in keyboard mode recording carries on into the next answer.
      // Hands-free, the interviewer asks the next one and records after.
      const carryOn = carriesOn(action, this.recorder.recording, this.handsFree);
      if (movesOn(action) && this.recorder.recording) await this.#stopRecording();
      if (movesOn(action)) await this.#hush();
      // What was typed is in the database before the run moves on (moving
      // on from an assessment keeps its drafted ratings).
      await flushDrafts();
      const update = await commands.runAction(action);
      this.run = update.view;
      if (carryOn && action === "next" && update.view.phase === "answering") {
        // Asking for silence goes first, then the voice, then the microphone.
        const recording = this.#startRecording();
        this.#changed();
        await recording;
      } else this.#changed();
    } catch (e) {
      this.#shell.problem(problemOf(e));
    }
  }

  toggleRecording(): Promise<void> {
    return this.recorder.recording ? this.#stopRecording() : this.#startRecording();
  }

  /** Hands-free on or off (kept with the preferences). */
  setHandsFree(on: boolean): void {
    this.#prefs.change({ ...this.#prefs.value, handsFree: on });
    this.#changed();
  }

  /** "Stay": the candidate is not done; the countdown to moving on stops. */
  async stay(): Promise<void> {
    try {
      await commands.handsFreeStay();
    } catch (e) {
      this.recorder.message = errorText(e);
    }
  }

  dismissVoiceNotice(): void {
    this.voiceNotice = null;
  }

  /**
   * Before another screen shows: hands-free off, the take closed, the voice
   * hushed (the run is kept, to come back to).
   */
  async leaveRound(): Promise<void> {
    if (this.handsFree) {
      this.#handsFree = "";
      this.turn = null;
      await logged(commands.handsFreeStop(), "turning hands-free off on leaving the round");
    }
    if (this.recorder.recording) await this.#stopRecording();
    await this.#hush();
  }

  /** Another screen shows (the router's): the voice and hands-free follow. */
  shown(): void {
    this.#changed();
  }

  // Events from the core.

  /** The run's countdowns every 200 ms, and each step hands-free takes. */
  ticked(update: Update): void {
    if (this.run && update.view.run_id !== this.run.run_id) return;
    this.run = update.view;
    for (const event of update.events) {
      const words = announce(event);
      if (words) {
        this.#shell.announce(words);
        if (this.#prefs.value.chime) chime(event.type === "warning" && event.seconds_left === 0);
      }
    }
    this.#changed();
  }

  /** A take ended by itself (length reached, microphone lost, disk full). */
  recordEnded(take: TakeRow): void {
    this.recorder.recording = false;
    this.recorder.message = endedMessage(take);
  }

  /** Hands-free: whose turn it is, and whether a take is recording. */
  turned(now: TurnNow): void {
    // A late word from a hands-free just turned off changes nothing.
    if (!this.handsFree || !this.onRound) return;
    this.turn = now.turn;
    this.recorder.recording = now.recording;
    if (now.turn.turn === "asking") this.#shell.announce("Interviewer asking");
  }

  /** Hands-free could not do something. */
  noticed(notice: HandsFreeNotice): void {
    if (notice.voice) {
      this.#voiceFailed = true;
      this.voiceNotice = notice.message;
    } else this.recorder.message = notice.message;
  }

  // The steps the methods are made of.

  /** Starting, resuming or practising: the round screen shows the run the core returns. */
  async #enter(starting: Promise<RunView>): Promise<boolean> {
    try {
      await flushDrafts();
      const view = await starting;
      this.run = view;
      await this.#restoreNotes(view);
      this.#router.show("round");
      this.#shell.problem(null);
      this.#changed();
      return true;
    } catch (e) {
      this.#shell.problem(problemOf(e));
      return false;
    }
  }

  /** Brings back what was typed for the run's round before the window closed. */
  async #restoreNotes(view: RunView): Promise<void> {
    try {
      const draft = await commands.draft(view.run_id, view.round_number - 1);
      const key = noteKey(view);
      if (draft && !this.#notes[key]) this.#notes[key] = draft.note;
    } catch (e) {
      this.notesProblem = `Your notes for this round could not be brought back: ${errorText(e)}`;
    }
  }

  /** After the run, the screen or the preferences changed: what follows from it. */
  #changed(): void {
    this.#sayNew();
    this.#followHandsFree();
  }

  /**
   * The interviewer's voice: each new question or follow-up on the round
   * screen is said once, if the candidate turned the voice on (hands-free,
   * its interviewer says it). Without an engine the text stays on screen and
   * the window says once how to get a voice.
   */
  #sayNew(): void {
    const run = this.run;
    const prefs = this.#prefs.value;
    if (!run || !this.onRound || !prefs.voiceOn) return;
    const key = answerKey(run);
    if (key === this.#said) return;
    this.#said = key;
    if (prefs.handsFree) return;
    const text = spokenText(run);
    if (!text || this.#voiceFailed || this.recorder.recording) return;
    commands.say(text, voiceOf(prefs)).catch((e: unknown) => {
      this.#voiceFailed = true;
      this.voiceNotice = errorText(e);
    });
  }

  /**
   * Hands-free runs while the round screen shows an unfinished run and the
   * candidate turned it on; it is started again when its options change
   * (a voice that failed, which hands-free stops using by itself, is no
   * reason to start again mid-answer).
   */
  #followHandsFree(): void {
    const prefs = this.#prefs.value;
    const on = handsFreeWanted(this.onRound, prefs.handsFree, this.run);
    const options = on ? JSON.stringify(handsFreeOf(prefs)) : "";
    if (options === this.#handsFree) return;
    this.#handsFree = options;
    if (on) {
      commands
        .handsFreeStart(handsFreeOf(this.#voiceFailed ? { ...prefs, voiceOn: false } : prefs))
        .catch((e: unknown) => (this.recorder.message = errorText(e)));
    } else {
      this.turn = null;
      void logged(commands.handsFreeStop(), "turning hands-free off");
    }
  }

  async #hush(): Promise<void> {
    if (this.#prefs.value.voiceOn && !this.#voiceFailed) await logged(commands.hush(), "hushing the interviewer's voice");
  }

  async #startRecording(): Promise<void> {
    const recorder = this.recorder;
    if (recorder.starting) return;
    recorder.starting = true;
    // The candidate's answer, not the interviewer's voice, goes in the take.
    await this.#hush();
    const asked = performance.now();
    try {
      // Resolves once the microphone's first samples have arrived.
      await commands.recordStart(this.#prefs.value.quality, this.#prefs.value.device || null);
      recorder.recording = true;
      recorder.startMs = Math.round(performance.now() - asked);
      recorder.message = null;
      recorder.status = null;
    } catch (e) {
      // No microphone, permission denied...: the rehearsal goes on.
      recorder.recording = false;
      recorder.message = errorText(e);
    } finally {
      recorder.starting = false;
    }
  }

  async #stopRecording(): Promise<void> {
    try {
      await commands.recordStop();
    } catch (e) {
      this.recorder.message = errorText(e);
    }
    this.recorder.recording = false;
  }
}
