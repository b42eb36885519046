/**
 * The whole path from `MIRRORD_CONFIG_FILE` to a verified resolved config: read the file (or
 * stdin for `-`), choose the session key, render the template, parse by extension, check the
 * schema, resolve against the environment, apply the §7.3 adjustments, verify.
 *
 * @module
 */
import type { ResolvedConfig, SessionKey } from "../../schema/mod.ts";
import { adjustConfig } from "./adjust_config.ts";
import type { ConfigEnv } from "./config_env.ts";
import { ConfigError } from "./config_error.ts";
import { type ConfigFormat, formatOfPath, parseConfigText } from "./parse_config_text.ts";
import { inMirrordOrder, resolveConfig } from "./resolve_config.ts";
import { checkAgainstSchema } from "./schema_check.ts";
import { renderConfigTemplate } from "./template.ts";
import { verifyConfig } from "./verify_config.ts";

/** Options of {@link loadConfig}. */
export interface LoadOptions {
  /** variables: flag overrides and the process environment */
  env: ConfigEnv;
  /** no target means targetless (exec; verify-config without --ide) */
  emptyTargetIsFinal: boolean;
  /** reads the whole of stdin, for the path `-` */
  readStdin?: () => Promise<string>;
  /** the current git branch, when there is one */
  gitBranch?: () => Promise<string | undefined>;
}

/** A config ready to use. */
export interface LoadedConfig {
  config: ResolvedConfig;
  warnings: string[];
  /** the file it came from, or null when no file was given */
  path: string | null;
}

async function readStdinText(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

/**
 * The branch checked out in the current directory: `MIRRORD_BRANCH_NAME` when set, else
 * `git branch --show-current`; undefined when git fails or HEAD is detached.
 *
 * @param env variables
 * @returns the branch name, or undefined
 */
export async function currentGitBranch(env: ConfigEnv): Promise<string | undefined> {
  const fromEnv = env.get("MIRRORD_BRANCH_NAME");
  if (fromEnv) return fromEnv;
  try {
    const out = await new Deno.Command("git", {
      args: ["branch", "--show-current"],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).output();
    const branch = new TextDecoder().decode(out.stdout).trim();
    return out.success && branch ? branch : undefined;
  } catch {
    return undefined;
  }
}

async function readConfigText(path: string, readStdin: () => Promise<string>): Promise<string> {
  try {
    return path === "-" ? await readStdin() : await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : error instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : (error as Error).message;
    throw new ConfigError(`read config file "${path}"`, [{
      path: "",
      message: reason,
      hint: "check the path given to -f or MIRRORD_CONFIG_FILE",
    }], error);
  }
}

function rawKey(text: string, format: ConfigFormat): string | undefined {
  try {
    const value = parseConfigText(text, format, "");
    const key = (value as Record<string, unknown> | null)?.key;
    return typeof key === "string" ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A random session key: 5 lowercase hex digits, like mirrord's.
 *
 * @returns the key
 */
export function generateSessionKey(): string {
  const n = crypto.getRandomValues(new Uint32Array(1))[0] & 0xfffff;
  return n.toString(16).padStart(5, "0");
}

interface FileStage {
  file: Record<string, unknown>;
  key: SessionKey;
}

async function loadFile(path: string, options: LoadOptions): Promise<FileStage> {
  const format = formatOfPath(path);
  if (format === null) {
    throw new ConfigError(`read config file "${path}"`, [{
      path: "",
      message: `unsupported file extension "${path.split(".").pop()}"`,
      hint: "use .json, .toml, .yaml or .yml",
    }]);
  }
  const text = await readConfigText(path, options.readStdin ?? readStdinText);
  const needsBranch = text.includes("git_branch");
  const gitBranch = needsBranch
    ? await (options.gitBranch ?? (() => currentGitBranch(options.env)))()
    : undefined;
  const getEnv = (name: string) => options.env.getProcess(name);
  const keyFromEnv = options.env.get("MIRRORD_KEY");
  let key: SessionKey;
  if (keyFromEnv !== undefined) key = { Provided: keyFromEnv };
  else {
    const raw = rawKey(text, format);
    key = raw === undefined
      ? { Generated: generateSessionKey() }
      : { Provided: renderConfigTemplate(raw, { gitBranch, getEnv }, `${path} (key)`) };
  }
  const keyValue = "Provided" in key ? key.Provided : key.Generated;
  const rendered = renderConfigTemplate(text, { key: keyValue, gitBranch, getEnv }, path);
  const parsed = parseConfigText(rendered, format, path);
  const problems = checkAgainstSchema(parsed);
  if (problems.length) throw new ConfigError(`use config file "${path}"`, problems);
  const file = parsed as Record<string, unknown>;
  return { file, key };
}

/**
 * Loads, resolves and verifies the configuration.
 *
 * @param options environment and how to treat a missing target
 * @returns the verified config with its warnings
 * @throws {ConfigError} for any problem, with its path and a hint
 * @example
 * ```ts
 * const env = ConfigEnv.fromProcess({ MIRRORD_CONFIG_FILE: ".mirrord/mirrord.json" });
 * const { config, warnings } = await loadConfig({ env, emptyTargetIsFinal: true });
 * ```
 */
export async function loadConfig(options: LoadOptions): Promise<LoadedConfig> {
  const path = options.env.get("MIRRORD_CONFIG_FILE") ?? null;
  const keyFromEnv = options.env.get("MIRRORD_KEY");
  const stage: FileStage = path === null
    ? {
      file: {},
      key: keyFromEnv !== undefined
        ? { Provided: keyFromEnv }
        : { Generated: generateSessionKey() },
    }
    : await loadFile(path, options);
  const config = inMirrordOrder(resolveConfig(stage.file, options.env, stage.key));
  const warnings = adjustConfig(config, options.env);
  warnings.push(...verifyConfig(config, { emptyTargetIsFinal: options.emptyTargetIsFinal }));
  return { config, warnings, path };
}
