/**
 * Which layer library the app is started with: `MIRRORD_LAYER_FILE` when set (mirrord's debug
 * override), else the one `deno task build:layer` builds in this checkout.
 *
 * @module
 */
import { CliError } from "../_errors.ts";

/** The layer built from this checkout. */
export const BUILT_LAYER =
  new URL("../../layer/build/libmirrord_layer.so", import.meta.url).pathname;

/**
 * Finds the layer.
 *
 * @param env the CLI's environment
 * @returns an absolute path to an existing file
 * @throws {CliError} when it does not exist
 */
export function layerPath(env: Record<string, string>): string {
  const override = env.MIRRORD_LAYER_FILE;
  const path = override
    ? (override.startsWith("/") ? override : `${Deno.cwd()}/${override}`)
    : BUILT_LAYER;
  try {
    if (Deno.statSync(path).isFile) return path;
  } catch {
    // Reported below.
  }
  throw new CliError(`Cannot find the mirrord layer at ${path}`, {
    hint: override
      ? "check MIRRORD_LAYER_FILE"
      : 'build it with "deno task build:layer" or point MIRRORD_LAYER_FILE at one',
  });
}
