/**
 * The agent's incoming-traffic settings, from the variables the CLI sets on the agent container
 * (how-it-works §2.4).
 *
 * @module
 */

/** Settings of mirror, steal and passthrough. */
export interface IncomingSettings {
  /** per-read limit of HTTP detection (`MIRRORD_AGENT_HTTP_DETECTION_TIMEOUT`, 2 s) */
  detectionTimeoutMs: number;
  /** add `Mirrord-Agent: forwarded-to-client|passed-through` (`MIRRORD_AGENT_INJECT_HEADERS`) */
  injectHeaders: boolean;
  /** add `Cache-Control: no-cache, …` to responses (`MIRRORD_AGENT_OVERRIDE_CACHE_CONTROL`) */
  overrideCacheControl: boolean;
  /** body bytes buffered for body filters (`MIRRORD_MAX_BODY_BUFFER_SIZE`, 65535) */
  maxBodyBuffer: number;
  /** how long body filters wait for the body (`MIRRORD_MAX_BODY_BUFFER_TIMEOUT`, 1000 ms) */
  maxBodyBufferMs: number;
  /** seconds a port without subscribers stays redirected (`MIRRORD_AGENT_UNUSED_PORT_LINGER_SECS`) */
  unusedPortLingerSecs: number;
}

function number(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(parsed) && parsed >= 0
    ? parsed
    : fallback;
}

/**
 * @param env the agent's environment
 * @returns the settings, mirrord's defaults where unset
 */
export function incomingSettingsFrom(env: Record<string, string | undefined>): IncomingSettings {
  return {
    detectionTimeoutMs: number(env.MIRRORD_AGENT_HTTP_DETECTION_TIMEOUT, 2) * 1000,
    injectHeaders: env.MIRRORD_AGENT_INJECT_HEADERS === "true",
    overrideCacheControl: env.MIRRORD_AGENT_OVERRIDE_CACHE_CONTROL === "true",
    maxBodyBuffer: number(env.MIRRORD_MAX_BODY_BUFFER_SIZE, 65535),
    maxBodyBufferMs: number(env.MIRRORD_MAX_BODY_BUFFER_TIMEOUT, 1000),
    unusedPortLingerSecs: number(env.MIRRORD_AGENT_UNUSED_PORT_LINGER_SECS, 0),
  };
}
