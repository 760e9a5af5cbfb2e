// Typed wrappers over the app's Tauri commands and events. The only module
// that talks IPC, so components never spell command names.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  Action,
  Draft,
  DeviceInfo,
  Home,
  PlaybackStatus,
  RecorderStatus,
  Report,
  RoundResult,
  RunView,
  TakeRow,
  Thresholds,
  Update,
} from "./types";

export const listLoops = (): Promise<Home> => invoke<Home>("list_loops");

export const startRun = (loopId: string, roundId: string | undefined, thresholds: Thresholds): Promise<RunView> =>
  invoke<RunView>("start_run", { loopId, roundId: roundId ?? null, thresholds });

export const runState = (): Promise<RunView | null> => invoke<RunView | null>("run_state");

export const runAction = (action: Action): Promise<Update> => invoke<Update>("run_action", { action });

export const onTick = (handler: (update: Update) => void): Promise<UnlistenFn> =>
  listen<Update>("run-tick", (event) => handler(event.payload));

/** Saves a round's self-assessment: the given round of a run (editing later), else the active round. */
export const saveAssessment = (
  ratings: { item_id: string; rating: number }[],
  note: string,
  round?: { runId: number; position: number },
): Promise<void> =>
  invoke<void>("save_assessment", { ratings, note, runId: round?.runId ?? null, position: round?.position ?? null });

export const dataFolder = (): Promise<string> => invoke<string>("data_folder");

/** Tells the app the home screen is interactive (timed by the start-up benchmark). */
export const uiReady = (): Promise<void> => invoke<void>("ui_ready");

/** The settings screen's microphone test: start, read levels, stop. */
export const micTest = (action: "start" | "status" | "stop", device?: string): Promise<RecorderStatus | null> =>
  invoke<RecorderStatus | null>("mic_test", { action, device: device ?? null });

export const recordStart = (quality?: "speech" | "studio", device?: string): Promise<{ take_id: number; path: string }> =>
  invoke("record_start", { quality: quality ?? null, device: device ?? null });

export const recordStop = (): Promise<TakeRow | null> => invoke<TakeRow | null>("record_stop");

export const listTakes = (): Promise<TakeRow[]> => invoke<TakeRow[]>("list_takes");

export const deleteTake = (takeId: number): Promise<void> => invoke<void>("delete_take", { takeId });

export const takePeaks = (takeId: number, buckets: number): Promise<[number, number][]> =>
  invoke<[number, number][]>("take_peaks", { takeId, buckets });

export const diskUsage = (): Promise<number> => invoke<number>("disk_usage");

export const audioDevices = (): Promise<DeviceInfo[]> => invoke<DeviceInfo[]>("audio_devices");

export const playback = (takeId: number, action: "play" | "pause" | "seek" | "status", seconds?: number): Promise<PlaybackStatus> =>
  invoke<PlaybackStatus>("playback", { takeId, action, seconds: seconds ?? null });

export const onRecordStatus = (handler: (status: RecorderStatus) => void): Promise<UnlistenFn> =>
  listen<RecorderStatus>("record-status", (event) => handler(event.payload));

export const onRecordEnded = (handler: (take: TakeRow) => void): Promise<UnlistenFn> =>
  listen<TakeRow>("record-ended", (event) => handler(event.payload));

export const resumeRun = (runId: number): Promise<RunView> => invoke<RunView>("resume_run", { runId });

export const runSummary = (runId: number): Promise<RoundResult[]> => invoke<RoundResult[]>("run_summary", { runId });

export const dashboard = (weeks?: number): Promise<Report> => invoke<Report>("dashboard", { weeks: weeks ?? null });

/** Sets the interview date ("" clears it); the CLI's report uses it too. */
export const setTargetDate = (date: string): Promise<void> => invoke<void>("set_target_date", { date });

/** "Practise now": a short run of exactly these questions of a loop. */
export const practise = (loopId: string, questionIds: string[], thresholds: Thresholds): Promise<RunView> =>
  invoke<RunView>("practise", { loopId, questionIds, thresholds });

/** Keeps unsaved notes or ratings of a round with the run (the active round when `round` is absent). */
export const saveDraft = (
  ratings: { item_id: string; rating: number }[],
  note: string,
  round?: { runId: number; position: number },
): Promise<void> =>
  invoke<void>("save_draft", { ratings, note, runId: round?.runId ?? null, position: round?.position ?? null });

/** The draft of a round, if any. */
export const loadDraft = (round?: { runId: number; position: number }): Promise<Draft | null> =>
  invoke<Draft | null>("draft", { runId: round?.runId ?? null, position: round?.position ?? null });

/** Sets a damaged database aside and opens a fresh one; returns where the old file went. */
export const startFresh = (): Promise<string> => invoke<string>("start_fresh");

/** A failed autosave (the app keeps trying), and its recovery. */
export const onRunError = (handler: (message: string) => void): Promise<UnlistenFn> =>
  listen<string>("run-error", (event) => handler(event.payload));

export const onRunSaved = (handler: () => void): Promise<UnlistenFn> => listen("run-saved", () => handler());

/** Writes one archive of the data folder (database snapshot, takes, loops); returns its path. */
export const backupNow = (): Promise<string> => invoke<string>("backup_now");
