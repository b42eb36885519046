/**
 * The intproxy's one logger: JSON lines (or plain text) appended to the session's log file,
 * filtered by `internal_proxy.log_level` (a RUST_LOG-style filter such as `mirrord=info,warn`).
 * Writes are synchronous so the last lines before an exit are never lost.
 *
 * @module
 */

/** Log levels, most severe first (the order tracing uses). */
export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";

const SEVERITY: Record<LogLevel, number> = { error: 1, warn: 2, info: 3, debug: 4, trace: 5 };

/** The target our records carry; filter directives are matched against it. */
export const LOG_TARGET = "mirrord_intproxy";

/**
 * The most verbose level a RUST_LOG-style filter enables for `target`: the directive whose
 * target is the longest prefix of `target` wins, a bare level is the default, `off` disables.
 *
 * @param filter e.g. `mirrord=info,warn`
 * @param target the record target
 * @returns the level, or null when logging is off for the target
 * @example
 * ```ts
 * levelForTarget("mirrord=debug,warn", "mirrord_intproxy"); // "debug"
 * ```
 */
export function levelForTarget(filter: string, target: string): LogLevel | null {
  let best: { length: number; level: LogLevel | null } = { length: -1, level: "error" };
  for (const raw of filter.split(",")) {
    const directive = raw.trim();
    if (!directive) continue;
    const eq = directive.lastIndexOf("=");
    const prefix = eq === -1 ? "" : directive.slice(0, eq).trim();
    const levelText = (eq === -1 ? directive : directive.slice(eq + 1)).trim().toLowerCase();
    const level = levelText === "off"
      ? null
      : levelText in SEVERITY
      ? levelText as LogLevel
      : undefined;
    if (level === undefined) {
      // A bare word that is no level is a target enabled at every level (tracing's rule).
      if (eq !== -1) continue;
      if (target.startsWith(directive) && directive.length > best.length) {
        best = { length: directive.length, level: "trace" };
      }
      continue;
    }
    if (target.startsWith(prefix) && prefix.length > best.length) {
      best = { length: prefix.length, level };
    }
  }
  return best.level;
}

/** Where records go and how they look. */
export interface LoggerOptions {
  /** an open file (append mode), or null for stderr */
  file: Deno.FsFile | null;
  /** RUST_LOG-style filter */
  filter: string;
  /** JSON lines (true) or `<time> <LEVEL> <message> k=v` text */
  json: boolean;
}

/** Structured fields attached to a record. */
export type LogFields = Record<string, unknown>;

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** The intproxy's logger. */
export class Logger {
  readonly #file: Deno.FsFile | null;
  readonly #max: number;
  readonly #json: boolean;
  readonly #encoder = new TextEncoder();

  /** @param options see {@link LoggerOptions} */
  constructor(options: LoggerOptions) {
    this.#file = options.file;
    const level = levelForTarget(options.filter, LOG_TARGET);
    this.#max = level === null ? 0 : SEVERITY[level];
    this.#json = options.json;
  }

  /**
   * Whether records of `level` are written.
   *
   * @param level the level
   * @returns true when enabled
   */
  enabled(level: LogLevel): boolean {
    return SEVERITY[level] <= this.#max;
  }

  /**
   * Writes one record.
   *
   * @param level severity
   * @param message what happened
   * @param fields extra structured data
   */
  log(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (!this.enabled(level)) return;
    const timestamp = new Date().toISOString();
    const line = this.#json
      ? JSON.stringify(
        { timestamp, level: level.toUpperCase(), target: LOG_TARGET, message, ...fields },
        jsonValue,
      )
      : `${timestamp} ${level.toUpperCase().padStart(5)} ${message}${
        Object.entries(fields).map(([k, v]) => ` ${k}=${JSON.stringify(v, jsonValue)}`).join("")
      }`;
    const bytes = this.#encoder.encode(line + "\n");
    try {
      if (this.#file) {
        let written = 0;
        while (written < bytes.length) written += this.#file.writeSync(bytes.subarray(written));
      } else {
        Deno.stderr.writeSync(this.#encoder.encode(`[intproxy] ${line}\n`));
      }
    } catch {
      // The log destination vanished (disk full, stderr closed): nothing better to do.
    }
  }

  /** @param message what happened @param fields extra data */
  error(message: string, fields?: LogFields): void {
    this.log("error", message, fields);
  }

  /** @param message what happened @param fields extra data */
  warn(message: string, fields?: LogFields): void {
    this.log("warn", message, fields);
  }

  /** @param message what happened @param fields extra data */
  info(message: string, fields?: LogFields): void {
    this.log("info", message, fields);
  }

  /** @param message what happened @param fields extra data */
  debug(message: string, fields?: LogFields): void {
    this.log("debug", message, fields);
  }

  /** @param message what happened @param fields extra data */
  trace(message: string, fields?: LogFields): void {
    this.log("trace", message, fields);
  }
}
