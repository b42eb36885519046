/**
 * `mirrord exec` against a harness pod: a fresh agent for the pod (it exits with its last
 * client), a config with `connect_tcp` and a target, and the CLI run as a user would run it
 * (`deno run -A cli/main.ts exec -f cfg.json -- <command>`). The layer is `layer/build/…` or
 * `MIRRORD_LAYER_FILE` when the test environment sets it.
 *
 * @module
 */
import type { Pod } from "../harness/pod.ts";
import { type RunningAgent, startAgent } from "../harness/agent.ts";
import { isRoot } from "../../setup/privileges.ts";
import { BUILT_LAYER } from "../../../cli/exec/layer_path.ts";

const CLI = new URL("../../../cli/main.ts", import.meta.url).pathname;
/** The python the pod's servers use; the pyenv shim on PATH would add a shell in between. */
export const PYTHON = "/usr/bin/python3";

const LAYER_MAKEFILE = new URL("../../../layer/Makefile", import.meta.url).pathname;

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

let warned = false;

/**
 * `Deno.test` for a `mirrord exec` test: needs root (namespaces) and the layer. Without root, or
 * in a checkout that has no layer sources at all, the test is ignored with a loud notice; a layer
 * whose sources exist but whose build is missing makes the test fail (the build is broken).
 *
 * @param name the test name
 * @param fn the test body
 */
export function execTest(name: string, fn: () => Promise<void>): void {
  const layerSources = exists(LAYER_MAKEFILE) || !!Deno.env.get("MIRRORD_LAYER_FILE");
  const root = isRoot();
  if ((!root || !layerSources) && !warned) {
    warned = true;
    console.warn(
      `!!! mirrord exec tests SKIPPED: ${
        !root ? "not root" : `no layer in this checkout (${LAYER_MAKEFILE})`
      } !!!`,
    );
  }
  Deno.test({
    name,
    ignore: !root || !layerSources,
    fn,
    sanitizeOps: false,
    sanitizeResources: false,
  });
}

/** The layer the tests use. */
export const LAYER = Deno.env.get("MIRRORD_LAYER_FILE") || BUILT_LAYER;

/** Options of {@link spawnExec}. */
export interface ExecOptions {
  /** merged over the base config (connect_tcp, target, intproxy log) */
  config?: Record<string, unknown>;
  /** extra environment of the CLI */
  env?: Record<string, string>;
  /** an agent already started for the pod (default: a fresh one) */
  agent?: RunningAgent;
  /** working directory of the CLI and the app */
  cwd?: string;
}

/** A `mirrord exec` in progress. */
export interface ExecSession extends AsyncDisposable {
  child: Deno.ChildProcess;
  agent: RunningAgent;
  /** the intproxy's log file */
  logPath: string;
  /** the intproxy's log records so far */
  log(): Record<string, unknown>[];
  /** writes a line to the app's stdin */
  say(line: string): Promise<void>;
  /** the next stdout line of the app */
  line(timeoutMs?: number): Promise<string>;
  /** waits for the exit; stdout after the lines read, and stderr */
  finish(): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** A finished `mirrord exec`. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** the intproxy's log records */
  log: Record<string, unknown>[];
}

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = value && typeof value === "object" && !Array.isArray(value) && current &&
        typeof current === "object" && !Array.isArray(current)
      ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
      : value;
  }
  return out;
}

function readLog(path: string): Record<string, unknown>[] {
  try {
    return Deno.readTextFileSync(path).split("\n").filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

/**
 * A process and its descendants, parents first.
 *
 * @param pid the root
 * @returns the pids
 */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of Deno.readDirSync(`/proc/${out[i]}/task`)) {
        const children = Deno.readTextFileSync(`/proc/${out[i]}/task/${task.name}/children`);
        out.push(...children.split(" ").filter(Boolean).map(Number));
      }
    } catch {
      // Gone already.
    }
  }
  return out;
}

/**
 * Starts `mirrord exec` with piped stdio.
 *
 * @param pod the target pod
 * @param command the app and its arguments
 * @param options see {@link ExecOptions}
 * @returns the running session
 */
export async function spawnExec(
  pod: Pod,
  command: string[],
  options: ExecOptions = {},
): Promise<ExecSession> {
  const agent = options.agent ?? await startAgent(pod);
  const dir = await Deno.makeTempDir({ prefix: "mirrord_exec_" });
  const logPath = `${dir}/intproxy.log`;
  const config = merge({
    connect_tcp: `${agent.address.hostname}:${agent.address.port}`,
    target: "pod/harness-target",
    internal_proxy: { log_destination: logPath, log_level: "mirrord=debug,warn" },
  }, options.config ?? {});
  await Deno.writeTextFile(`${dir}/mirrord.json`, JSON.stringify(config));
  const layerFile = Deno.env.get("MIRRORD_LAYER_FILE");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "exec", "-f", `${dir}/mirrord.json`, "--", ...command],
    cwd: options.cwd ?? dir,
    env: {
      MIRRORD_PROGRESS_MODE: "off",
      ...(layerFile ? { MIRRORD_LAYER_FILE: layerFile } : {}),
      ...options.env,
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const stdoutReader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderrText = new Response(child.stderr).text();
  let buffered = "";
  let stdoutDone = false;
  const line = async (timeoutMs = 15000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (!buffered.includes("\n")) {
      if (stdoutDone) throw new Error(`the app ended its output; got "${buffered}"`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const next = await Promise.race([
        stdoutReader.read(),
        new Promise<"timeout">((resolve) =>
          timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()))
        ),
      ]);
      clearTimeout(timer);
      if (next === "timeout") throw new Error(`no line from the app within ${timeoutMs} ms`);
      if (next.done) stdoutDone = true;
      else buffered += next.value;
    }
    const nl = buffered.indexOf("\n");
    const out = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    return out;
  };
  const finish = async () => {
    await stdin.close().catch(() => {});
    while (!stdoutDone) {
      const next = await stdoutReader.read();
      if (next.done) stdoutDone = true;
      else buffered += next.value;
    }
    const status = await child.status;
    const stdout = buffered;
    buffered = "";
    return { code: status.code, stdout, stderr: await stderrText };
  };
  return {
    child,
    agent,
    logPath,
    log: () => readLog(logPath),
    say: (text: string) => stdin.write(new TextEncoder().encode(text + "\n")),
    line,
    finish,
    async [Symbol.asyncDispose]() {
      // SIGTERM first (the CLI forwards it to the app); then SIGKILL for the whole tree, since a
      // killed CLI would leave a long-running app (a server) holding the output pipes open.
      const tree = processTree(child.pid);
      try {
        child.kill("SIGTERM");
      } catch {
        // Already exited.
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const exited = await Promise.race([
        child.status.then(() => true),
        new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 3000)),
      ]);
      clearTimeout(timer);
      for (const pid of exited ? tree.slice(1) : tree) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      await finish().catch(() => {});
      if (!options.agent) await agent.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Runs `mirrord exec` to the end.
 *
 * @param pod the target pod
 * @param command the app and its arguments
 * @param options see {@link ExecOptions}
 * @returns exit status, output and the intproxy log
 */
export async function mirrordExec(
  pod: Pod,
  command: string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  await using session = await spawnExec(pod, command, options);
  const result = await session.finish();
  return { ...result, log: session.log() };
}
