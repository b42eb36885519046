/**
 * Readers for `MIRRORD_*` values: each parses one variable for one config field and fails
 * with a {@link ConfigError} naming the variable, the field and the expected form.
 *
 * @module
 */
import { toList } from "../../schema/mod.ts";
import type { ConfigEnv } from "./config_env.ts";
import { ConfigError } from "./config_error.ts";

function invalid(name: string, value: string, field: string, expected: string): ConfigError {
  return new ConfigError(`use ${name}="${value}"`, [{
    path: field,
    message: `expected ${expected}; found "${value}" in ${name}`,
    hint: `fix or unset ${name}`,
  }]);
}

/**
 * A boolean variable; `true`/`false`/`1`/`0` (any case) are accepted.
 *
 * @returns the value, or undefined when unset
 * @throws {ConfigError} for anything else
 */
export function envBool(env: ConfigEnv, name: string, field: string): boolean | undefined {
  const value = env.get(name);
  if (value === undefined) return undefined;
  const text = value.trim().toLowerCase();
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  throw invalid(name, value, field, "true or false");
}

/**
 * An unsigned integer variable no larger than `max`.
 *
 * @returns the value, or undefined when unset
 * @throws {ConfigError} when it is not a whole number in range
 */
export function envUint(
  env: ConfigEnv,
  name: string,
  field: string,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = env.get(name);
  if (value === undefined) return undefined;
  const text = value.trim();
  const number = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(number) || number > max) {
    throw invalid(name, value, field, `a whole number from 0 to ${max}`);
  }
  return number;
}

/**
 * A string variable.
 *
 * @returns the value, or undefined when unset
 */
export function envString(env: ConfigEnv, name: string): string | undefined {
  return env.get(name);
}

/**
 * A list variable, `;`-separated.
 *
 * @returns the items, or undefined when unset
 */
export function envList(env: ConfigEnv, name: string): string[] | undefined {
  const value = env.get(name);
  return value === undefined ? undefined : toList(value, true) ?? [];
}

/**
 * A `;`-separated list of ports.
 *
 * @returns the ports, or undefined when unset
 * @throws {ConfigError} when an item is not a port number
 */
export function envPorts(env: ConfigEnv, name: string, field: string): number[] | undefined {
  const items = envList(env, name);
  if (items === undefined) return undefined;
  return items.map((item) => {
    const port = /^\d+$/.test(item) ? Number(item) : NaN;
    if (!(port >= 0 && port <= 65535)) {
      throw invalid(name, env.get(name)!, field, "port numbers from 0 to 65535 separated by ;");
    }
    return port;
  });
}

/**
 * One of a fixed set of words.
 *
 * @returns the value (as written, trimmed), or undefined when unset
 * @throws {ConfigError} when it is not one of `choices`
 */
export function envChoice<T extends string>(
  env: ConfigEnv,
  name: string,
  field: string,
  choices: readonly T[],
): T | undefined {
  const value = env.get(name);
  if (value === undefined) return undefined;
  const text = value.trim().toLowerCase();
  const match = choices.find((choice) => choice.toLowerCase() === text);
  if (match === undefined) {
    throw invalid(name, value, field, `one of ${choices.map((c) => `"${c}"`).join(", ")}`);
  }
  return match;
}
