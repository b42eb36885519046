/**
 * The app's environment (how-it-works.md §1.5 step 13): the CLI's own, the remote variables over
 * it, the hand-off variables for the layer, minus `feature.env.unset`.
 *
 * @module
 */

/** What the layer needs from the CLI. */
export interface LayerHandOff {
  /** `MIRRORD_RESOLVED_CONFIG` (base64 JSON) */
  resolvedConfig: string;
  /** `127.0.0.1:<port>` the intproxy printed */
  intproxyAddress: string;
  /** the layer shared object */
  layerPath: string;
}

/**
 * Proxy variables blanked when `use_proxy` is false (any case of the names).
 *
 * @param env an environment
 * @returns the same with every http(s)_proxy variable set to ""
 */
export function withoutProxyVars(env: Record<string, string>): Record<string, string> {
  const out = { ...env };
  for (const name of Object.keys(out)) {
    if (/^https?_proxy$/i.test(name)) out[name] = "";
  }
  return out;
}

/**
 * Builds the app's environment.
 *
 * @param base the CLI's environment
 * @param remote the remote environment (wins over `base`)
 * @param handOff the layer's variables
 * @param unset `feature.env.unset` (exact names; the layer removes them case-insensitively later)
 * @returns the environment to spawn the app with
 * @example
 * ```ts
 * childEnvironment({ PATH: "/bin" }, { APP: "1" }, handOff, null).LD_PRELOAD; // handOff.layerPath
 * ```
 */
export function childEnvironment(
  base: Record<string, string>,
  remote: Record<string, string>,
  handOff: LayerHandOff,
  unset: string[] | null,
): Record<string, string> {
  const env: Record<string, string> = { ...base, ...remote };
  env.MIRRORD_RESOLVED_CONFIG = handOff.resolvedConfig;
  env.MIRRORD_LAYER_INTPROXY_ADDR = handOff.intproxyAddress;
  env.LD_PRELOAD = env.LD_PRELOAD ? `${env.LD_PRELOAD}:${handOff.layerPath}` : handOff.layerPath;
  env.MIRRORD_PROGRESS_MODE = "off";
  for (const name of unset ?? []) delete env[name];
  return env;
}
