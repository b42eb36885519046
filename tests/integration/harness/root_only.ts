/**
 * Integration tests need root (namespaces, veth, iptables); without it they are registered as
 * ignored and a loud notice is printed once per file.
 *
 * @module
 */
import { isRoot } from "../../setup/privileges.ts";

let warned = false;

/**
 * `Deno.test` for a test that needs root.
 *
 * @param name the test name
 * @param fn the test body
 */
export function rootTest(name: string, fn: () => Promise<void>): void {
  const root = isRoot();
  if (!root && !warned) {
    warned = true;
    console.warn(
      `!!! ${new URL(import.meta.url).pathname}: NOT ROOT — integration tests SKIPPED !!!`,
    );
  }
  Deno.test({ name, ignore: !root, fn, sanitizeOps: false, sanitizeResources: false });
}
