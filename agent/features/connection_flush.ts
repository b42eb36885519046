/**
 * flush_connections: right after a port is redirected, existing connections to it are killed so
 * their clients reconnect through the redirect (how-it-works §3.8.2): conntrack entries of
 * established flows to the port are deleted and the server's sockets are destroyed with `ss -K`.
 *
 * `MIRRORD_AGENT_STEALER_FLUSH_CONNECTIONS=false` turns it off,
 * `MIRRORD_AGENT_STEALER_FLUSH_CONNECTIONS_CONNTRACK=false` skips conntrack.
 *
 * @module
 */

/** What the flush does. */
export interface FlushSettings {
  enabled: boolean;
  conntrack: boolean;
}

/**
 * @param env the agent's environment
 * @returns the flush settings (both default to true)
 */
export function flushSettingsFrom(env: Record<string, string | undefined>): FlushSettings {
  return {
    enabled: env.MIRRORD_AGENT_STEALER_FLUSH_CONNECTIONS !== "false",
    conntrack: env.MIRRORD_AGENT_STEALER_FLUSH_CONNECTIONS_CONNTRACK !== "false",
  };
}

async function quietly(cmd: string, args: string[]): Promise<{ ok: boolean; stderr: string }> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    return { ok: out.success, stderr: new TextDecoder().decode(out.stderr).trim() };
  } catch (error) {
    return { ok: false, stderr: (error as Error).message };
  }
}

/**
 * Kills the established connections to a port in the current network namespace.
 *
 * @param port the redirected port
 * @param settings see {@link FlushSettings}
 * @param warn where failures go (the steal still works for new connections)
 */
export async function flushConnections(
  port: number,
  settings: FlushSettings,
  warn: (message: string) => void,
): Promise<void> {
  if (!settings.enabled) return;
  if (settings.conntrack) {
    const result = await quietly("conntrack", [
      "-D",
      "-p",
      "tcp",
      "--dport",
      String(port),
      "--state",
      "ESTABLISHED",
    ]);
    // conntrack exits 1 with "0 flow entries have been deleted" when there was nothing to do.
    if (!result.ok && !/0 flow entries/.test(result.stderr)) {
      warn(`Cannot flush conntrack entries of port ${port}: ${result.stderr}`);
    }
  }
  const ss = await quietly("ss", ["-K", "sport", "=", `:${port}`]);
  if (!ss.ok) warn(`Cannot kill existing connections of port ${port}: ${ss.stderr}`);
}
