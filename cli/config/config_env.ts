/**
 * The variables configuration resolution reads: overrides derived from CLI flags first, then
 * the process environment. `MIRRORD_CLI_STRICT_ENV=1|true` hides the process environment
 * except the names in `MIRRORD_CLI_STRICT_ENV_ALLOWLIST` (a test aid mirrord also has).
 *
 * @module
 */

/** Read-only view of the variables that resolution may use. */
export class ConfigEnv {
  readonly #overrides: Record<string, string>;
  readonly #process: Record<string, string>;

  /**
   * @param overrides values set from CLI flags; they beat the process environment
   * @param processEnv the process environment (already filtered for strict mode)
   */
  constructor(overrides: Record<string, string> = {}, processEnv: Record<string, string> = {}) {
    this.#overrides = { ...overrides };
    this.#process = { ...processEnv };
  }

  /**
   * Builds the view of this process: `Deno.env` plus the given overrides, honouring strict mode.
   *
   * @param overrides values set from CLI flags
   * @returns the environment resolution should see
   * @example
   * ```ts
   * const env = ConfigEnv.fromProcess({ MIRRORD_IMPERSONATED_TARGET: "pod/api" });
   * ```
   */
  static fromProcess(overrides: Record<string, string> = {}): ConfigEnv {
    return new ConfigEnv(overrides, strictFilter(Deno.env.toObject()));
  }

  /**
   * A variable's value: the override if set, else the process environment's.
   *
   * @param name variable name
   * @returns the value, or undefined when unset
   */
  get(name: string): string | undefined {
    return this.#overrides[name] ?? this.#process[name];
  }

  /**
   * A variable of the process environment only (what Tera's `get_env` sees).
   *
   * @param name variable name
   * @returns the value, or undefined when unset
   */
  getProcess(name: string): string | undefined {
    return this.#process[name];
  }

  /**
   * A copy with more overrides on top.
   *
   * @param overrides values that beat the current ones
   * @returns a new view
   */
  with(overrides: Record<string, string>): ConfigEnv {
    return new ConfigEnv({ ...this.#overrides, ...overrides }, this.#process);
  }
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["1", "true"].includes(value.trim().toLowerCase());
}

/**
 * Applies `MIRRORD_CLI_STRICT_ENV`: when on, only allow-listed names (comma or whitespace
 * separated in `MIRRORD_CLI_STRICT_ENV_ALLOWLIST`) remain.
 *
 * @param env a whole environment
 * @returns the environment resolution may read
 */
export function strictFilter(env: Record<string, string>): Record<string, string> {
  if (!isTrue(env.MIRRORD_CLI_STRICT_ENV)) return env;
  const allowed = new Set(
    (env.MIRRORD_CLI_STRICT_ENV_ALLOWLIST ?? "").split(/[\s,]+/).filter(Boolean),
  );
  return Object.fromEntries(Object.entries(env).filter(([name]) => allowed.has(name)));
}
