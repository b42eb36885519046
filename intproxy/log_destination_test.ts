import assert from "node:assert/strict";
import { intproxyLogPath } from "./log_destination.ts";

const NOW = new Date(1_700_000_000_000);

Deno.test("intproxyLogPath() defaults to a timestamped file in the temp dir", () => {
  assert.match(
    intproxyLogPath(null, "/var/tmp/", NOW),
    /^\/var\/tmp\/mirrord-intproxy-1700000000-[A-Za-z0-9]{7}\.log$/,
  );
});

Deno.test("intproxyLogPath() uses a configured file as given", () => {
  assert.equal(intproxyLogPath("/tmp/my.log", "/tmp", NOW), "/tmp/my.log");
});

Deno.test("intproxyLogPath() puts the default name inside a directory or a path ending with /", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.match(
      intproxyLogPath(dir, "/tmp", NOW),
      new RegExp(`^${dir}/mirrord-intproxy-1700000000-`),
    );
    assert.match(
      intproxyLogPath("/nowhere/logs/", "/tmp", NOW),
      /^\/nowhere\/logs\/mirrord-intproxy-/,
    );
  } finally {
    await Deno.remove(dir);
  }
});
