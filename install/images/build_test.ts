import assert from "node:assert/strict";
import { IMAGES, qualifiedImageName } from "./build.ts";

Deno.test("qualifiedImageName() adds docker.io to names without a registry, as containerd does", () => {
  assert.equal(qualifiedImageName("mirrord-ts/agent:dev"), "docker.io/mirrord-ts/agent:dev");
  assert.equal(
    qualifiedImageName("ghcr.io/metalbear-co/mirrord:3"),
    "ghcr.io/metalbear-co/mirrord:3",
  );
  assert.equal(qualifiedImageName("localhost:5000/x:1"), "localhost:5000/x:1");
});

Deno.test("IMAGES names are pinned tags, so pods use IfNotPresent and never pull", () => {
  for (const name of Object.values(IMAGES)) assert.doesNotMatch(name, /:latest$|^[^:]*$/);
});
