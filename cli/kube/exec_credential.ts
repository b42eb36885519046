/**
 * Exec credential plugins (`users[].user.exec`, e.g. `aws eks get-token`, `gke-gcloud-auth-plugin`,
 * `kubelogin`): run the command with `KUBERNETES_EXEC_INFO`, read the `ExecCredential` it prints
 * and use its token or client certificate. Results are kept until their expiry so one session
 * runs the plugin once.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import type { ExecPluginConfig } from "./kubeconfig.ts";
import { KubeconfigError } from "./kube_errors.ts";

/** What a plugin gave us. */
export interface ExecCredential {
  token?: string;
  clientCert?: { cert: string; key: string };
  /** ms since the epoch; undefined = no expiry */
  expiresAt?: number;
}

const cache = new Map<string, ExecCredential>();

/**
 * Parses an `ExecCredential` document.
 *
 * @param text the plugin's stdout
 * @param command the plugin (for messages)
 * @returns the credential
 * @throws {KubeconfigError} when it is not an ExecCredential with a token or a certificate
 */
export function parseExecCredential(text: string, command: string): ExecCredential {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new KubeconfigError(
      `Cannot use the credential plugin "${command}": it printed no JSON ExecCredential`,
      "run the plugin by hand to see what it says (it may need you to log in)",
    );
  }
  const status = (doc?.status ?? {}) as Record<string, unknown>;
  const credential: ExecCredential = {};
  if (typeof status.token === "string" && status.token) credential.token = status.token;
  if (
    typeof status.clientCertificateData === "string" && typeof status.clientKeyData === "string"
  ) {
    credential.clientCert = { cert: status.clientCertificateData, key: status.clientKeyData };
  }
  if (typeof status.expirationTimestamp === "string") {
    const at = Date.parse(status.expirationTimestamp);
    if (!Number.isNaN(at)) credential.expiresAt = at;
  }
  if (!credential.token && !credential.clientCert) {
    throw new KubeconfigError(
      `Cannot use the credential plugin "${command}": its ExecCredential has neither a token ` +
        "nor a client certificate",
      "run the plugin by hand to see what it says",
    );
  }
  return credential;
}

/**
 * Runs an exec plugin (or returns its unexpired result).
 *
 * @param plugin the kubeconfig's exec entry
 * @param env the process environment the plugin inherits
 * @returns the credential
 * @throws {KubeconfigError} when the plugin is missing or fails
 */
export async function runExecPlugin(
  plugin: ExecPluginConfig,
  env: Record<string, string | undefined>,
): Promise<ExecCredential> {
  const key = JSON.stringify([plugin.command, plugin.args, plugin.env]);
  const cached = cache.get(key);
  if (cached && (cached.expiresAt === undefined || cached.expiresAt - 10_000 > Date.now())) {
    return cached;
  }
  const command = plugin.command.includes("/") && !isAbsolute(plugin.command)
    ? join(plugin.baseDir, plugin.command)
    : plugin.command;
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;
  Object.assign(childEnv, plugin.env, {
    KUBERNETES_EXEC_INFO: JSON.stringify({
      apiVersion: plugin.apiVersion,
      kind: "ExecCredential",
      spec: { interactive: false },
    }),
  });
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, {
      args: plugin.args,
      env: childEnv,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw new KubeconfigError(
      `Cannot run the credential plugin "${plugin.command}": ${(error as Error).message}`,
      plugin.installHint?.trim() || "install it or fix users[].user.exec in the kubeconfig",
      { cause: error },
    );
  }
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-3).join(" ");
    throw new KubeconfigError(
      `Cannot get credentials from "${plugin.command}": it exited with ${output.code}` +
        (stderr ? ` (${stderr})` : ""),
      "run the plugin by hand (you may need to log in again)",
    );
  }
  const credential = parseExecCredential(new TextDecoder().decode(output.stdout), plugin.command);
  cache.set(key, credential);
  return credential;
}
