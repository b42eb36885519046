/**
 * `feature.magic.auto_mount` (how-it-works.md §2.3, §7.3): the target container's volume mounts
 * (ConfigMaps, Secrets, volumes) are read from the pod even where the default fs rules keep a
 * path local (`/etc`, `/opt`, …), by adding each mount path to `feature.fs.read_only`.
 *
 * @module
 */
import type { ResolvedConfig } from "../../schema/mod.ts";
import type { RuntimeData } from "./target.ts";

/**
 * The `read_only` patterns for the container's mounts.
 *
 * @param runtime the target's runtime data
 * @returns one anchored pattern per mount path, e.g. `^/etc/config(/|$)`
 * @example
 * ```ts
 * autoMountPatterns(runtime); // ["^/etc/mirrord\\.d(/|$)"]
 * ```
 */
export function autoMountPatterns(runtime: RuntimeData): string[] {
  const mounts = (runtime.containerSpec.volumeMounts as { mountPath?: string }[] | undefined) ?? [];
  return mounts
    .map((mount) => mount.mountPath?.replace(/\/+$/, ""))
    .filter((path): path is string => !!path)
    .map((path) => `^${path.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")}(/|$)`);
}

/**
 * Adds the mount patterns to `feature.fs.read_only` when `auto_mount` is on.
 *
 * @param config the resolved config (changed in place)
 * @param runtime the target's runtime data
 */
export function applyAutoMount(config: ResolvedConfig, runtime: RuntimeData): void {
  if (!config.feature.magic.auto_mount) return;
  const patterns = autoMountPatterns(runtime);
  if (patterns.length === 0) return;
  const fs = config.feature.fs;
  fs.read_only = [...(fs.read_only ?? []), ...patterns.filter((p) => !fs.read_only?.includes(p))];
}
