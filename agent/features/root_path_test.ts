import { equal, throws } from "node:assert/strict";
import { clientPathAt, resolveUnderRoot } from "./root_path.ts";
import { ErrnoError } from "./io_error.ts";

const roots: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const root of roots) Deno.removeSync(root, { recursive: true });
});

function fixture(): string {
  const root = Deno.makeTempDirSync({ prefix: "root_path_test_" });
  roots.push(root);
  Deno.mkdirSync(`${root}/etc/sub`, { recursive: true });
  Deno.writeTextFileSync(`${root}/etc/hosts`, "x");
  Deno.symlinkSync("/etc/hosts", `${root}/etc/absolute-link`);
  Deno.symlinkSync("sub", `${root}/etc/relative-link`);
  Deno.symlinkSync("../../../../../../etc", `${root}/climb-link`);
  Deno.symlinkSync("/loop-b", `${root}/loop-a`);
  Deno.symlinkSync("/loop-a", `${root}/loop-b`);
  return root;
}

const follow = { followLast: true };

Deno.test("resolveUnderRoot() keeps plain paths under the root", () => {
  const root = fixture();
  equal(resolveUnderRoot(root, "/etc/hosts", follow), `${root}/etc/hosts`);
  equal(resolveUnderRoot(root, "etc/./hosts", follow), `${root}/etc/hosts`);
  equal(resolveUnderRoot(root, "/", follow), root);
  equal(resolveUnderRoot(root, "/etc/sub/", follow), `${root}/etc/sub/`);
});

Deno.test("resolveUnderRoot() resolves absolute symlinks relative to the root", () => {
  const root = fixture();
  equal(resolveUnderRoot(root, "/etc/absolute-link", follow), `${root}/etc/hosts`);
  equal(resolveUnderRoot(root, "/etc/relative-link/", follow), `${root}/etc/sub/`);
});

Deno.test("resolveUnderRoot() leaves the last symlink alone when not following", () => {
  const root = fixture();
  equal(
    resolveUnderRoot(root, "/etc/absolute-link", { followLast: false }),
    `${root}/etc/absolute-link`,
  );
});

Deno.test("resolveUnderRoot() refuses .. above the root with ENOENT", () => {
  const root = fixture();
  const escape = (e: unknown) => e instanceof ErrnoError && e.errno === 2;
  throws(() => resolveUnderRoot(root, "/../etc/passwd", follow), escape);
  throws(() => resolveUnderRoot(root, "/etc/../../x", follow), escape);
  throws(() => resolveUnderRoot(root, "/climb-link/passwd", follow), escape);
  equal(resolveUnderRoot(root, "/etc/sub/../hosts", follow), `${root}/etc/hosts`);
});

Deno.test("resolveUnderRoot() stops symlink loops with ELOOP", () => {
  const root = fixture();
  throws(
    () => resolveUnderRoot(root, "/loop-a", follow),
    (e: unknown) => e instanceof ErrnoError && e.errno === 40,
  );
});

Deno.test("clientPathAt() joins relative paths and keeps absolute ones", () => {
  equal(clientPathAt("/etc/", "hosts"), "/etc/hosts");
  equal(clientPathAt("/etc", "/var/x"), "/var/x");
});
