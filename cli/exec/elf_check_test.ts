import assert from "node:assert/strict";
import { executableIsStatic, isStaticElf, which } from "./elf_check.ts";

Deno.test("executableIsStatic() is false for dynamically linked programs and scripts", () => {
  assert.equal(executableIsStatic(which("ls", "/usr/bin:/bin")!), false);
  assert.equal(executableIsStatic(Deno.execPath()), false);
  assert.equal(isStaticElf(new TextEncoder().encode("#!/bin/sh\necho hi\n".padEnd(64))), false);
});

Deno.test("isStaticElf() is true for an ELF whose program headers have no PT_DYNAMIC", () => {
  const bytes = new Uint8Array(64 + 56);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(32, 64n, true); // e_phoff
  view.setUint16(54, 56, true); // e_phentsize
  view.setUint16(56, 1, true); // e_phnum
  view.setUint32(64, 1, true); // PT_LOAD
  assert.equal(isStaticElf(bytes), true);
  view.setUint32(64, 2, true); // PT_DYNAMIC
  assert.equal(isStaticElf(bytes), false);
});

Deno.test("which() searches PATH for bare names and checks paths with a slash", () => {
  assert.equal(which("sh", "/nonexistent:/bin"), "/bin/sh");
  assert.equal(which("/bin/sh", ""), "/bin/sh");
  assert.equal(which("no-such-program-xyz", "/bin:/usr/bin"), null);
});
