/**
 * Running the `mirrord` CLI against the local cluster as a user would: `deno run -A cli/main.ts
 * <args>` with `KUBECONFIG` set and a config file whose agent image is the locally built one.
 *
 * @module
 */
import { IMAGES, kubeconfigPath } from "../cluster/mod.ts";

const CLI = new URL("../../cli/main.ts", import.meta.url).pathname;

/** How to run it. */
export interface RunOptions {
  /** config merged over `{"agent": {"image": <local agent image>}}` */
  config?: Record<string, unknown>;
  /** kubeconfig (the admin one by default) */
  kubeconfig?: string;
  /** more environment */
  env?: Record<string, string>;
}

/** What it did. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The config file for the local cluster.
 *
 * @param extra fields merged over the agent image
 * @returns the config object
 */
export function clusterConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const agent = { image: IMAGES.agent, ...(extra.agent as Record<string, unknown> ?? {}) };
  return { ...extra, agent };
}

/** A `mirrord` run still going (see {@link startMirrord}). */
export interface RunningMirrord {
  /** stdout lines so far (the app's) */
  readonly stdout: string[];
  /** everything on stderr so far */
  stderr(): string;
  /** Resolves with the first stdout line `match` accepts; rejects if the run ends first or 60 s pass. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  /** SIGTERM, then waits for the exit (removes the config folder). */
  stop(): Promise<RunResult>;
}

function commandFor(args: string[], configPath: string, dir: string, options: RunOptions) {
  const [command, ...rest] = args;
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, command, "-f", configPath, ...rest],
    cwd: dir,
    env: { KUBECONFIG: options.kubeconfig ?? kubeconfigPath(), ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/**
 * Starts `mirrord <args>` and leaves it running, e.g. `exec` of a server the test talks to.
 * @param args e.g. `["exec", "--target", "pod/x", "--", "node", "server.mjs"]`
 * @param options see {@link RunOptions}
 * @returns the running process
 */
export async function startMirrord(
  args: string[],
  options: RunOptions = {},
): Promise<RunningMirrord> {
  const dir = await Deno.makeTempDir({ prefix: "mirrord_e2e_" });
  const configPath = `${dir}/mirrord.json`;
  await Deno.writeTextFile(configPath, JSON.stringify(clusterConfig(options.config)));
  const child = commandFor(args, configPath, dir, options).spawn();
  const stdout: string[] = [];
  let stderr = "";
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  const reading = Promise.all([
    (async () => {
      let rest = "";
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) {
          stdout.push(line);
          for (const waiter of waiters.filter((w) => w.match(line))) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    })(),
    (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
    })(),
  ]);
  const ended = child.status.then(async (status) => {
    await reading;
    return status;
  });
  return {
    stdout,
    stderr: () => stderr,
    waitForLine: (match) => {
      const seen = stdout.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no such line in 60 s; stderr:\n${stderr}`)),
          60_000,
        );
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        ended.then((status) => {
          clearTimeout(timer);
          reject(new Error(`mirrord exited (${status.code}) first; stderr:\n${stderr}`));
        });
      });
    },
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      const status = await ended;
      await Deno.remove(dir, { recursive: true });
      return { code: status.code, stdout: stdout.join("\n"), stderr };
    },
  };
}

/**
 * Runs `mirrord <args>` to the end.
 *
 * @param args e.g. `["exec", "--target", "pod/x", "--", "env"]`
 * @param options see {@link RunOptions}
 * @returns exit status and output
 */
export async function runMirrord(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const dir = await Deno.makeTempDir({ prefix: "mirrord_e2e_" });
  try {
    const configPath = `${dir}/mirrord.json`;
    await Deno.writeTextFile(configPath, JSON.stringify(clusterConfig(options.config)));
    const output = await commandFor(args, configPath, dir, options).output();
    return {
      code: output.code,
      stdout: new TextDecoder().decode(output.stdout),
      stderr: new TextDecoder().decode(output.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
