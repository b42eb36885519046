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
    const text = new TextDecoder().decode(await readAll(file)).trim();
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

async function readAll(file: Deno.FsFile): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(16 * 1024);
  for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
    chunks.push(buffer.slice(0, n));
  }
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
