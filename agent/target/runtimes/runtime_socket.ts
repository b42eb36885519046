/**
 * Shared bits of the container runtime lookups: socket discovery and the error they raise.
 *
 * @module
 */

/** A container runtime could not tell the agent where its target is. */
export class RuntimeLookupError extends Error {
  /** @param message what failed, naming the runtime and container */
  constructor(message: string) {
    super(message);
    this.name = "RuntimeLookupError";
  }
}

/**
 * The first path of `candidates` that exists.
 *
 * @param candidates socket paths in order of preference
 * @param runtime the runtime's name, for the error
 * @returns the path
 * @throws {RuntimeLookupError} when none exists
 */
export async function firstExistingPath(candidates: string[], runtime: string): Promise<string> {
  for (const path of candidates) {
    try {
      await Deno.stat(path);
      return path;
    } catch {
      // Try the next candidate.
    }
  }
  throw new RuntimeLookupError(
    `no ${runtime} socket found (looked at ${candidates.join(", ")}) — mount the host's /run and ` +
      `/var at /host/run and /host/var, or pick the right --container-runtime`,
  );
}
