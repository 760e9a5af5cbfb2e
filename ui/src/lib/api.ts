// Typed wrappers over the app's Tauri commands and events. The only module
// that talks IPC, so components never spell command names.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  Action,
  DeviceInfo,
  Home,
  PlaybackStatus,
  RecorderStatus,
  RoundResult,
  RunView,
  TakeRow,
  Update,
} from "./types";

export const listLoops = (): Promise<Home> => invoke<Home>("list_loops");

export const startRun = (loopId: string, roundId?: string): Promise<RunView> =>
  invoke<RunView>("start_run", { loopId, roundId: roundId ?? null });

export const runState = (): Promise<RunView | null> => invoke<RunView | null>("run_state");

export const runAction = (action: Action): Promise<Update> => invoke<Update>("run_action", { action });

export const onTick = (handler: (update: Update) => void): Promise<UnlistenFn> =>
  listen<Update>("run-tick", (event) => handler(event.payload));

export const saveAssessment = (ratings: { item_id: string; rating: number }[], note: string): Promise<void> =>
  invoke<void>("save_assessment", { ratings, note });

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
