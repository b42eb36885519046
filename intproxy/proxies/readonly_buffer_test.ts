import assert from "node:assert/strict";
import { READ_ONLY } from "../_test/open_options.ts";
import { isReadOnlyOpen, ReadOnlyFile } from "./readonly_buffer.ts";

const bytes = new TextEncoder().encode("abcdefgh");

Deno.test("ReadOnlyFile serves consecutive reads from one fill and misses past its end", () => {
  const file = new ReadOnlyFile();
  assert.equal(file.take(2n), null, "empty cache");
  assert.deepEqual(file.fill(bytes, 3n), bytes.subarray(0, 3));
  assert.deepEqual(file.take(10n), bytes.subarray(3));
  assert.equal(file.position, 8n);
  assert.equal(file.take(1n), null, "past the cached bytes");
});

Deno.test("ReadOnlyFile.absoluteSeek() rewrites relative seeks and refuses negative ones", () => {
  const file = new ReadOnlyFile();
  file.seeked(5n);
  assert.deepEqual(file.absoluteSeek({ fd: 1n, seek_from: { Current: 2n } }), {
    fd: 1n,
    seek_from: { Start: 7n },
  });
  assert.deepEqual(file.absoluteSeek({ fd: 1n, seek_from: { End: -1n } }), {
    fd: 1n,
    seek_from: { End: -1n },
  });
  assert.equal(file.absoluteSeek({ fd: 1n, seek_from: { Current: -6n } }), null);
});

Deno.test("isReadOnlyOpen() is true only for plain reads", () => {
  assert.equal(isReadOnlyOpen(READ_ONLY), true);
  assert.equal(isReadOnlyOpen({ ...READ_ONLY, write: true }), false);
  assert.equal(isReadOnlyOpen({ ...READ_ONLY, create: true }), false);
});
