/**
 * The statically-linked warning of `mirrord exec` (how-it-works.md §1.5 step 6): an ELF without a
 * `PT_DYNAMIC` program header never loads the layer. Scripts and non-ELF files pass silently.
 *
 * @module
 */

const PT_DYNAMIC = 2;

/**
 * Whether an executable is an ELF file without dynamic linking.
 *
 * @param bytes the file's first bytes (headers; 64 KiB is plenty)
 * @returns true only for a well-formed static ELF
 */
export function isStaticElf(bytes: Uint8Array): boolean {
  if (
    bytes.length < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c ||
    bytes[3] !== 0x46
  ) return false;
  const is64 = bytes[4] === 2;
  const little = bytes[5] === 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = is64 ? Number(view.getBigUint64(32, little)) : view.getUint32(28, little);
  const phentsize = view.getUint16(is64 ? 54 : 42, little);
  const phnum = view.getUint16(is64 ? 56 : 44, little);
  if (phentsize === 0 || phoff + phnum * phentsize > bytes.length) return false;
  for (let i = 0; i < phnum; i++) {
    if (view.getUint32(phoff + i * phentsize, little) === PT_DYNAMIC) return false;
  }
  return true;
}

/**
 * Finds a command the way a shell would: a name with a slash as given, else the first executable
 * in `PATH`.
 *
 * @param command the command as typed
 * @param path the `PATH` value
 * @returns the path, or null when not found
 */
export function which(command: string, path: string | undefined): string | null {
  const executable = (p: string) => {
    try {
      const info = Deno.statSync(p);
      return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
    } catch {
      return false;
    }
  };
  if (command.includes("/")) return executable(command) ? command : null;
  for (const dir of (path ?? "/usr/local/bin:/usr/bin:/bin").split(":")) {
    const candidate = `${dir || "."}/${command}`;
    if (executable(candidate)) return candidate;
  }
  return null;
}

/**
 * Reads the headers of `path` and tells whether it is a static ELF.
 *
 * @param path the executable
 * @returns true for a static ELF; false otherwise or when unreadable
 */
export function executableIsStatic(path: string): boolean {
  try {
    const file = Deno.openSync(path);
    try {
      const buffer = new Uint8Array(64 * 1024);
      const n = file.readSync(buffer) ?? 0;
      return isStaticElf(buffer.subarray(0, n));
    } finally {
      file.close();
    }
  } catch {
    return false;
  }
}
