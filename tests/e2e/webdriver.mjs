// A minimal W3C WebDriver client over fetch, plus the Xvfb + tauri-driver
// harness: enough to drive the real mockloop window, nothing more.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import net from "node:net";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${path}: ${res.status} ${v.error ?? ""} ${v.message ?? ""}`.trim());
  }
  return json.value;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.end(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function waitFor(what, fn, timeoutMs = 20_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

/** Starts Xvfb and tauri-driver; `stop()` ends both. */
export async function startHarness({ display = ":99", port = 4444, nativePort = port + 1, env = {} } = {}) {
  const children = [];
  const xvfb = spawn("Xvfb", [display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], { stdio: "ignore" });
  children.push(xvfb);
  await waitFor("Xvfb", async () => xvfb.exitCode === null && (await sleep(300), true));
  if (xvfb.exitCode !== null) throw new Error(`Xvfb exited with ${xvfb.exitCode} (is ${display} taken?)`);
  const driverLog = [];
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ...env, DISPLAY: display },
    stdio: ["ignore", "pipe", "pipe"],
  });
  driver.stdout.on("data", (d) => driverLog.push(String(d)));
  driver.stderr.on("data", (d) => driverLog.push(String(d)));
  children.push(driver);
  await waitFor("tauri-driver to listen", () => portOpen(port));
  return {
    base: `http://127.0.0.1:${port}`,
    log: () => driverLog.join(""),
    stop() {
      for (const child of children.reverse()) child.kill("SIGTERM");
    },
  };
}

/** One WebDriver session on the app. */
export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, application, args) {
    const value = await call(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application, args } } },
    });
    return new Session(base, value.sessionId);
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const value = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return value[ELEMENT];
  }

  async findAll(css) {
    const value = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return value.map((v) => v[ELEMENT]);
  }

  /** Waits until `css` matches a displayed element; returns its id. */
  waitFor(css, timeoutMs) {
    return waitFor(css, async () => {
      const id = await this.find(css);
      return (await this.cmd("GET", `/element/${id}/displayed`)) ? id : null;
    }, timeoutMs);
  }

  text(id) {
    return this.cmd("GET", `/element/${id}/text`);
  }

  click(id) {
    return this.cmd("POST", `/element/${id}/click`, {});
  }

  /** Waits for two animation frames, so a screenshot shows what was just rendered. */
  settle() {
    return this.cmd("POST", "/execute/async", {
      script: "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
      args: [],
    });
  }

  async screenshot(file) {
    await this.settle();
    const png = await this.cmd("GET", "/screenshot");
    mkdirSync(new URL(".", `file://${file}`).pathname, { recursive: true });
    writeFileSync(file, Buffer.from(png, "base64"));
  }

  end() {
    return call(this.base, "DELETE", `/session/${this.id}`).catch(() => {});
  }
}

export { sleep, waitFor };

/**
 * A PulseAudio server of the test's own with a null sink "mic" whose monitor
 * is the default source: what is played into "mic" is what the app's
 * microphone hears, in real time. `env` points a process at it. A silent
 * low-latency stream plays into the sink all along, as a microphone
 * delivers all along: an idle null sink renders in 2 s blocks, which would
 * start every take up to 2 s late, unlike any microphone.
 */
export async function startPulse(runtimeDir) {
  const env = { ...process.env, XDG_RUNTIME_DIR: runtimeDir, HOME: runtimeDir };
  delete env.PULSE_SERVER;
  execFileSync("pulseaudio", [
    "-D", "--exit-idle-time=-1", "-n",
    "--load=module-null-sink sink_name=mic format=s16le rate=48000 channels=1",
    "--load=module-native-protocol-unix",
  ], { env, stdio: "ignore" });
  await waitFor("pulseaudio", () => {
    try {
      execFileSync("pactl", ["set-default-source", "mic.monitor"], { env, stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
  const keepAlive = spawn(
    "pacat",
    ["-p", "--raw", "--format=s16le", "--rate=48000", "--channels=1", "--latency-msec=20", "-d", "mic", "/dev/zero"],
    { env, stdio: "ignore" },
  );
  await sleep(2_100);
  return {
    env: { XDG_RUNTIME_DIR: runtimeDir },
    /** Plays a WAV into the microphone; resolves when it has been played. */
    play(wav) {
      const child = spawn("paplay", ["-d", "mic", wav], { env, stdio: "ignore" });
      return new Promise((resolve, reject) =>
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited with ${code}`)))),
      );
    },
    stop() {
      keepAlive.kill();
      try {
        process.kill(Number(readFileSync(`${runtimeDir}/pulse/pid`, "utf8").trim()));
      } catch {
        // already gone
      }
    },
  };
}

