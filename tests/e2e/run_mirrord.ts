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
    const [command, ...rest] = args;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, command, "-f", configPath, ...rest],
      cwd: dir,
      env: { KUBECONFIG: options.kubeconfig ?? kubeconfigPath(), ...options.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      code: output.code,
      stdout: new TextDecoder().decode(output.stdout),
      stderr: new TextDecoder().decode(output.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
