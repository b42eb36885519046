/**
 * Runs the cluster's own kubectl (built with the cluster, so `kubectl debug` and port-forward
 * over WebSocket match the apiserver) against the admin kubeconfig unless told otherwise.
 *
 * @module
 */
import { runCommand } from "../../install/images/command.ts";
import { STATE, STATE_DIR } from "./layout.ts";

/** The kubectl of the running cluster (a link into the binary cache, made by `up`). */
export const KUBECTL = `${STATE_DIR}/bin/kubectl`;

/** Result of one kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link kubectl}. */
export interface KubectlOptions {
  /** kubeconfig to use; the admin one by default */
  kubeconfig?: string;
  /** text fed to stdin (for `apply -f -`) */
  stdin?: string;
  /** throw when kubectl exits non-zero (default true) */
  check?: boolean;
}

/**
 * Runs kubectl and collects its output.
 *
 * @param args kubectl arguments
 * @param options see {@link KubectlOptions}
 * @returns exit code and output
 * @example List pods
 * ```ts
 * const { stdout } = await kubectl(["get", "pods", "-A"]);
 * ```
 */
export async function kubectl(
  args: string[],
  options: KubectlOptions = {},
): Promise<KubectlResult> {
  const result = await runCommand(
    KUBECTL,
    [`--kubeconfig=${options.kubeconfig ?? STATE.adminKubeconfig}`, ...args],
    { stdin: options.stdin },
  );
  if (options.check !== false && !result.success) {
    throw new Error(
      `Cannot run "kubectl ${args.join(" ")}": ${result.stderr.trim() || `exit ${result.code}`}`,
    );
  }
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}
