// A short chime for timer warnings, synthesised with Web Audio: no sound
// file to ship, nothing fetched.
import { report } from "./errors";

let context: AudioContext | null = null;
let reported = false;

export function chime(urgent: boolean): void {
  try {
    context ??= new AudioContext();
    const ctx = context;
    const tone = (freq: number, at: number) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + at);
      gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + at + 0.35);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + at);
      osc.stop(ctx.currentTime + at + 0.4);
    };
    tone(880, 0);
    if (urgent) tone(660, 0.25);
  } catch (e) {
    // No audio output: the visible and spoken warnings remain; the log says why, once.
    if (!reported) report("playing the warning chime", e);
    reported = true;
  }
}
