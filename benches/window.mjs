// Benchmark of the window, next to a minimal Tauri 2 window measured the same
// way in the same run (benches/hello-tauri). Prints figures; asserts nothing.
//
//   node benches/window.mjs [--runs N]       start-up and idle memory (default 5 runs each)
//   node benches/window.mjs --drift MINUTES  the answer timer against a monotonic clock
//   options: --app FILE, --hello FILE        the two windows (default: target/debug's)
//            --cold                          empty the page cache before each start (root)
//
// Run after `make build` (both binaries are in target/debug); benches/package.sh
// runs it on the installed package and the release build of the minimal window.
// Needs Xvfb; --drift also needs tauri-driver and WebKitWebDriver (`make test`
// installs them).
//
// Start-up: from spawning the process to the line it prints once its first
// screen has painted (mockloop: the home screen with its loops, after the
// loops came over IPC; hello: a static page). Memory: PSS summed over the app
// and every process under it (WebKit's web and network processes), read from
// /proc/PID/smaps_rollup after 5 s idle.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Session, startHarness, waitFor } from "../tests/e2e/webdriver.mjs";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "target/debug", name);
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const pathOption = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? path.resolve(args[i + 1]) : fallback;
};
const app = pathOption("--app", bin("mockloop"));
const hello = pathOption("--hello", bin("hello-tauri"));
const cold = args.includes("--cold");
const display = process.env.BENCH_DISPLAY ?? ":97";

/** Empties the kernel's page cache, so a start reads the program and WebKit from disk. */
function dropCaches() {
  execFileSync("sync");
  writeFileSync("/proc/sys/vm/drop_caches", "3\n");
}

/** Every process below `pid`, and `pid` itself. */
function tree(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...(children.get(all[i]) ?? []));
  return all;
}

/** PSS in kB of a process tree, and how many processes it has. */
function pssKb(pid) {
  let total = 0;
  const pids = tree(pid);
  for (const p of pids) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"));
      if (m) total += Number(m[1]);
    } catch {
      // gone, or a kernel thread
    }
  }
  return { kb: total, processes: pids.length };
}

/** Starts a binary, waits for its "ready" line; returns ms to ready and the PSS when idle. */
async function measure(file, argv, env) {
  if (cold) dropCaches();
  const t0 = performance.now();
  const child = spawn(file, argv, { env: { ...process.env, ...env, DISPLAY: display }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const readyMs = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${file} was not ready after 60 s: ${err}`)), 60_000);
    child.stdout.on("data", (d) => {
      out += d;
      if (/: ready$/m.test(out)) {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    });
    child.on("exit", (code) => reject(new Error(`${file} exited with ${code} before it was ready: ${err}`)));
  });
  await sleep(5_000);
  const pss = pssKb(child.pid);
  child.kill("SIGTERM");
  await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on("exit", resolve)));
  return { readyMs, ...pss };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function startupAndMemory(runs) {
  const xvfb = spawn("Xvfb", [display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], { stdio: "ignore" });
  await sleep(500);
  const results = { mockloop: [], hello: [] };
  try {
    for (let i = 0; i < runs; i++) {
      // Alternate, so neither gets a warmer cache than the other.
      const data = mkdtempSync(path.join(tmpdir(), "mockloop-bench-"));
      results.mockloop.push(await measure(app, ["--data-dir", data], { MOCKLOOP_ANNOUNCE_READY: "1" }));
      rmSync(data, { recursive: true, force: true });
      results.hello.push(await measure(hello, [], {}));
      const [m, h] = [results.mockloop.at(-1), results.hello.at(-1)];
      console.log(
        `run ${i + 1}: mockloop ready ${m.readyMs.toFixed(0)} ms, PSS ${(m.kb / 1024).toFixed(1)} MB (${m.processes} processes); ` +
          `hello ready ${h.readyMs.toFixed(0)} ms, PSS ${(h.kb / 1024).toFixed(1)} MB (${h.processes} processes)`,
      );
    }
  } finally {
    xvfb.kill();
  }
  const m = { ready: median(results.mockloop.map((r) => r.readyMs)), pss: median(results.mockloop.map((r) => r.kb)) };
  const h = { ready: median(results.hello.map((r) => r.readyMs)), pss: median(results.hello.map((r) => r.kb)) };
  console.log(`\n${app} against ${hello}${cold ? ", page cache emptied before each start" : ""}`);
  console.log(`median of ${runs} runs          mockloop    hello-tauri`);
  console.log(`start-up to interactive   ${m.ready.toFixed(0).padStart(6)} ms  ${h.ready.toFixed(0).padStart(6)} ms   ratio ${(m.ready / h.ready).toFixed(2)}`);
  console.log(`idle PSS, app + WebKit    ${(m.pss / 1024).toFixed(1).padStart(6)} MB  ${(h.pss / 1024).toFixed(1).padStart(6)} MB   ratio ${(m.pss / h.pss).toFixed(2)}`);
}

/**
 * Starts the PM loop in the real window and, every 10 s for `minutes`, asks
 * the app for the answer countdown (through the page, as the window does)
 * and compares the time it counted with this process's monotonic clock. The
 * window is kept busy (a 2 s script) and minimised on the way, when the
 * driver can, to show neither makes the timer drift.
 */
async function drift(minutes) {
  const harness = await startHarness({ display, port: 4450 });
  const data = mkdtempSync(path.join(tmpdir(), "mockloop-bench-"));
  const session = await Session.start(harness.base, app, ["--data-dir", data]);
  const read = async () => {
    const before = performance.now();
    const remaining = await session.cmd("POST", "/execute/async", {
      script: `const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__.invoke("run_state").then((v) => done(v.answer_timer.remaining_ms), (e) => done(String(e)));`,
      args: [],
    });
    const after = performance.now();
    if (typeof remaining !== "number") throw new Error(`run_state failed: ${remaining}`);
    return { at: (before + after) / 2, uncertainty: (after - before) / 2, remaining };
  };
  try {
    await session.click(await session.waitFor('[data-testid="loop-card-microsoft-pm"] [data-testid="start-loop"]', 30_000));
    await session.waitFor('[data-testid="answer-timer"]');
    const first = await read();
    let worst = 0;
    let last = first;
    for (let s = 10; s <= minutes * 60; s += 10) {
      await sleep(first.at + s * 1000 - performance.now());
      if (s === 60) {
        // A busy page: the main thread blocked for 2 s.
        await session.cmd("POST", "/execute/sync", { script: "const t = Date.now(); while (Date.now() - t < 2000) {} return true;", args: [] });
      }
      if (s === 120) await session.cmd("POST", "/window/minimize", {}).catch((e) => console.log(`(cannot minimise: ${e.message})`));
      if (s === 180) await session.cmd("POST", "/window/maximize", {}).catch(() => {});
      last = await read();
      const counted = first.remaining - last.remaining;
      const elapsed = last.at - first.at;
      const error = counted - elapsed;
      worst = Math.max(worst, Math.abs(error));
      if (s % 60 === 0) {
        console.log(`${(elapsed / 60_000).toFixed(1)} min: counted ${(counted / 1000).toFixed(3)} s, elapsed ${(elapsed / 1000).toFixed(3)} s, drift ${error.toFixed(1)} ms (±${last.uncertainty.toFixed(1)} ms)`);
      }
    }
    const shown = await session.text(await session.find('[data-testid="answer-timer"]'));
    console.log(`\ntimer drift over ${minutes} min: ${(first.remaining - last.remaining - (last.at - first.at)).toFixed(1)} ms at the end, ${worst.toFixed(1)} ms at worst (target: 50 ms)`);
    console.log(`the window shows ${shown} with ${(last.remaining / 1000).toFixed(1)} s left`);
  } finally {
    await session.end();
    harness.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

if (args.includes("--drift")) await drift(option("--drift", 10));
else await startupAndMemory(option("--runs", 5));
