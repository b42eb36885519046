/**
 * The `mirrord ci` state file (how-it-works.md §1.8): an intproxy started with
 * `--mirrord-for-ci` appends its PID to `intproxy_pids` so `mirrord ci stop` can kill it. The file
 * is JSON, written under an exclusive lock.
 *
 * @module
 */

/**
 * The CI store path: `$TMPDIR/mirrord/mirrord-for-ci.json`.
 *
 * @returns the path
 */
export function ciStorePath(): string {
  return `${Deno.env.get("TMPDIR") || "/tmp"}/mirrord/mirrord-for-ci.json`;
}

/**
 * Appends a PID to `intproxy_pids`, creating the file with every list empty when missing.
 *
 * @param pid the intproxy's PID
 * @param path the store file
 */
export async function recordIntproxyPid(pid: number, path = ciStorePath()): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  const file = await Deno.open(path, { read: true, write: true, create: true });
  try {
    await file.lock(true);
    // flock is advisory: reading through a second descriptor is fine while we hold the lock.
    const text = (await Deno.readTextFile(path)).trim();
    const store = text ? JSON.parse(text) : {};
    for (const key of ["intproxy_pids", "extproxy_pids", "sidecar_pids", "user_pids"]) {
      if (!Array.isArray(store[key])) store[key] = [];
    }
    if (!Array.isArray(store.sidecar_containers)) store.sidecar_containers = [];
    store.intproxy_pids.push(pid);
    const bytes = new TextEncoder().encode(JSON.stringify(store));
    await file.truncate(0);
    await file.seek(0, Deno.SeekMode.Start);
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } finally {
    file.close();
  }
}
