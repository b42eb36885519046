import assert from "node:assert/strict";
import { imageDocuments, sha256File, writeLayer, writeOciArchive } from "./oci_image.ts";

async function tarList(archive: string): Promise<string[]> {
  const out = await new Deno.Command("tar", { args: ["-tf", archive], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
}

async function tarRead(archive: string, member: string): Promise<string> {
  const out = await new Deno.Command("tar", { args: ["-xOf", archive, member], stdout: "piped" })
    .output();
  return new TextDecoder().decode(out.stdout);
}

Deno.test("writeLayer() gives the same digest for the same files whatever their mtimes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/rootfs/bin`, { recursive: true });
    await Deno.writeTextFile(`${dir}/rootfs/bin/app`, "#!/bin/sh\necho hi\n");
    const first = await writeLayer(`${dir}/rootfs`, `${dir}/a.tar`);
    await Deno.utime(`${dir}/rootfs/bin/app`, new Date(), new Date());
    const second = await writeLayer(`${dir}/rootfs`, `${dir}/b.tar`);
    assert.equal(first.digest, second.digest);
    assert.equal(first.digest, await sha256File(`${dir}/a.tar`));
    assert.ok((await tarList(`${dir}/a.tar`)).includes("./bin/app"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("imageDocuments() lists layers as diff ids and digests the manifest", () => {
  const layer = {
    mediaType: "application/vnd.oci.image.layer.v1.tar",
    digest: "sha256:ab",
    size: 3,
  };
  const docs = imageDocuments([layer], { entrypoint: ["/pause"], workingDir: "/w" });
  const config = JSON.parse(docs.config);
  assert.deepEqual(config.rootfs, { type: "layers", diff_ids: ["sha256:ab"] });
  assert.deepEqual(config.config.Entrypoint, ["/pause"]);
  assert.equal(config.config.WorkingDir, "/w");
  const manifest = JSON.parse(docs.manifest);
  assert.deepEqual(manifest.layers, [layer]);
  assert.equal(docs.manifestDescriptor.size, new TextEncoder().encode(docs.manifest).length);
});

Deno.test("writeOciArchive() stores a shared layer once and names each image for containerd", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/rootfs`);
    await Deno.writeTextFile(`${dir}/rootfs/file`, "x");
    await writeLayer(`${dir}/rootfs`, `${dir}/layer.tar`);
    const digests = await writeOciArchive([
      { name: "docker.io/test/a:dev", layers: [`${dir}/layer.tar`], config: { cmd: ["a"] } },
      { name: "docker.io/test/b:dev", layers: [`${dir}/layer.tar`], config: { cmd: ["b"] } },
    ], `${dir}/images.tar`);
    const members = await tarList(`${dir}/images.tar`);
    const blobs = members.filter((m) => m.startsWith("./blobs/sha256/") && !m.endsWith("/"));
    // one layer, two configs, two manifests
    assert.equal(blobs.length, 5);
    const index = JSON.parse(await tarRead(`${dir}/images.tar`, "./index.json"));
    const names = index.manifests.map((m: { annotations: Record<string, string> }) =>
      m.annotations["io.containerd.image.name"]
    );
    assert.deepEqual(names, ["docker.io/test/a:dev", "docker.io/test/b:dev"]);
    assert.equal(index.manifests[0].digest, digests["docker.io/test/a:dev"]);
    assert.ok(members.includes("./oci-layout"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
