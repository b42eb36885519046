/**
 * The agent's logger: `[agent] <level> <message>` lines on stderr (stdout carries only the ready
 * line), or JSON lines when `MIRRORD_AGENT_JSON_LOG=true`. The level comes from `RUST_LOG`
 * (mirrord's variable; its first bare level or `mirrord=<level>` directive counts, default info).
 *
 * @module
 */

/** Log levels, most severe first. */
export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";
const ORDER: LogLevel[] = ["error", "warn", "info", "debug", "trace"];

/** Writes agent log lines. */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/**
 * Picks the level from a `RUST_LOG`-style filter.
 *
 * @param filter e.g. `info`, `warn,mirrord=debug`
 * @returns the level (info when the filter names none)
 */
export function levelFromFilter(filter: string | undefined): LogLevel {
  let level: LogLevel = "info";
  for (const directive of (filter ?? "").split(",")) {
    const [target, value] = directive.includes("=") ? directive.split("=") : ["", directive];
    const candidate = value?.trim().toLowerCase() as LogLevel;
    if (!ORDER.includes(candidate)) continue;
    if (target === "" || target.startsWith("mirrord")) level = candidate;
  }
  return level;
}

/**
 * Creates the agent logger.
 *
 * @param env the agent's environment (`RUST_LOG`, `MIRRORD_AGENT_JSON_LOG`)
 * @param write where lines go (stderr by default)
 * @returns the logger
 */
export function createLogger(
  env: Record<string, string | undefined>,
  write: (line: string) => void = (line) => console.error(line),
): Logger {
  const max = ORDER.indexOf(levelFromFilter(env.RUST_LOG));
  const json = env.MIRRORD_AGENT_JSON_LOG === "true";
  const emit = (level: LogLevel) => (message: string) => {
    if (ORDER.indexOf(level) > max) return;
    if (json) {
      write(
        JSON.stringify({ timestamp: new Date().toISOString(), level, target: "agent", message }),
      );
    } else write(`[agent] ${level.toUpperCase()} ${message}`);
  };
  return { error: emit("error"), warn: emit("warn"), info: emit("info"), debug: emit("debug") };
}
