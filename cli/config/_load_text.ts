/**
 * Test aid: loads a config given as text, against an explicit environment (never the real
 * one), the way `exec` would.
 *
 * @module
 */
import { ConfigEnv } from "./config_env.ts";
import { loadConfig, type LoadedConfig } from "./load_config.ts";

/** Options of {@link loadConfigText}. */
export interface LoadTextOptions {
  /** file extension, default `json` */
  extension?: string;
  /** the process environment seen by resolution */
  env?: Record<string, string>;
  /** overrides from CLI flags */
  overrides?: Record<string, string>;
  /** branch returned by git */
  gitBranch?: string;
  /** verify-config --ide: a missing target is not targetless */
  ide?: boolean;
}

/**
 * Writes the text to a temporary file and loads it.
 *
 * @param text file contents; null loads without a file
 * @param options environment and format
 * @returns the loaded config
 */
export async function loadConfigText(
  text: string | null,
  options: LoadTextOptions = {},
): Promise<LoadedConfig> {
  const dir = await Deno.makeTempDir({ prefix: "mirrord-config-test-" });
  try {
    const overrides = { ...options.overrides };
    if (text !== null) {
      const path = `${dir}/mirrord.${options.extension ?? "json"}`;
      await Deno.writeTextFile(path, text);
      overrides.MIRRORD_CONFIG_FILE ??= path;
    }
    return await loadConfig({
      env: new ConfigEnv(overrides, options.env ?? {}),
      emptyTargetIsFinal: !options.ide,
      gitBranch: () => Promise.resolve(options.gitBranch),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
