/**
 * The env feature: which of the target's variables a client gets for a
 * `GetEnvVarsRequest{env_vars_filter, env_vars_select}`.
 *
 * Quirk kept from mirrord (how-it-works Appendix E.1): the built-in exclusions win over an
 * explicit include.
 *
 * @module
 */

/** Variables the agent never exports, whatever the client selects. */
export const DEFAULT_ENV_EXCLUDES: readonly string[] = [
  "BUNDLER_ORIG_BUNDLER_ORIG_MANPATH",
  "BUNDLER_ORIG_BUNDLER_VERSION",
  "BUNDLER_ORIG_BUNDLE_BIN_PATH",
  "BUNDLER_ORIG_BUNDLE_GEMFILE",
  "BUNDLER_ORIG_GEM_HOME",
  "BUNDLER_ORIG_MANPATH",
  "BUNDLER_ORIG_PATH",
  "BUNDLER_ORIG_RB_USER_INSTALL",
  "BUNDLER_ORIG_RUBYLIB",
  "BUNDLER_ORIG_RUBYOPT",
  "BUNDLER_VERSION",
  "BUNDLE_APP_CONFIG",
  "BUNDLE_BIN_PATH",
  "BUNDLE_FORCE_RUBY_PLATFORM",
  "BUNDLE_GEMFILE",
  "BUNDLE_GEM_PATH",
  "BUNDLE_PATH",
  "BUNDLE_WITHOUT",
  "CATALINA_HOME",
  "CLASSPATH",
  "DOTNET_EnableDiagnostics",
  "DOTNET_STARTUP_HOOKS",
  "GEM_HOME",
  "GEM_PATH",
  "GOPATH",
  "GOMODCACHE",
  "HOME",
  "HOMEPATH",
  "JAVA_EXE",
  "JAVA_HOME",
  "JAVA_TOOL_OPTIONS",
  "PATH",
  "PWD",
  "PYTHONPATH",
  "RUBYLIB",
  "RUBYOPT",
  "MIRRORD_LOG",
  "RUST_LOG",
  "_JAVA_OPTIONS",
];

/**
 * Compiles a wildcard pattern (`*` any run, `?` one character; case-sensitive, whole name).
 *
 * @param pattern the pattern
 * @returns a matcher
 */
export function wildcard(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${source}$`, "s");
}

/**
 * Selects the variables a client may see.
 *
 * @param env the target's environment snapshot
 * @param filter deny patterns (`env_vars_filter`, the config's `exclude`)
 * @param select allow patterns (`env_vars_select`, the config's `include`); empty means all
 * @returns the selected variables
 * @example Include wins over nothing but the built-in list
 * ```ts
 * selectEnv({ A: "1", PATH: "/bin" }, [], ["*"]); // { A: "1" }
 * ```
 */
export function selectEnv(
  env: Record<string, string>,
  filter: readonly string[],
  select: readonly string[],
): Record<string, string> {
  const allow = (select.length === 0 ? ["*"] : select).map(wildcard);
  const deny = filter.map(wildcard);
  const excluded = new Set(DEFAULT_ENV_EXCLUDES);
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (excluded.has(name)) continue;
    if (!allow.some((re) => re.test(name))) continue;
    if (deny.some((re) => re.test(name))) continue;
    result[name] = value;
  }
  return result;
}
