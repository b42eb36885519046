/**
 * Where the intproxy writes its log (how-it-works.md §4.1 step 2): `internal_proxy.log_destination`
 * when set; inside it with the default name when it is an existing directory or ends with `/`;
 * otherwise `<temp dir>/mirrord-intproxy-<unix seconds>-<7 random alnum>.log`. The CLI computes
 * the path (it prints it in the config summary) and hands it over as `--log-destination`.
 *
 * @module
 */

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Random alphanumeric text.
 *
 * @param length how many characters
 * @returns the text
 */
export function randomAlnum(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ALNUM[b % ALNUM.length]).join("");
}

function defaultFileName(now: Date): string {
  return `mirrord-intproxy-${Math.floor(now.getTime() / 1000)}-${randomAlnum(7)}.log`;
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/**
 * The log file path for a session.
 *
 * @param configured `internal_proxy.log_destination` (null: not set)
 * @param tempDir the temp directory (`TMPDIR` or `/tmp`)
 * @param now the clock, for the file name
 * @returns an absolute or relative file path
 * @example
 * ```ts
 * intproxyLogPath(null, "/tmp"); // "/tmp/mirrord-intproxy-1700000000-a1B2c3D.log"
 * ```
 */
export function intproxyLogPath(
  configured: string | null,
  tempDir = Deno.env.get("TMPDIR") || "/tmp",
  now = new Date(),
): string {
  if (configured === null || configured === "") {
    return `${tempDir.replace(/\/+$/, "")}/${defaultFileName(now)}`;
  }
  if (configured.endsWith("/") || isDirectory(configured)) {
    return `${configured.replace(/\/+$/, "")}/${defaultFileName(now)}`;
  }
  return configured;
}
