/**
 * Writes OCI image archives by hand (no docker daemon or registry exists here): each layer is a
 * reproducible tar of a root-filesystem folder, and one archive may hold several images whose
 * shared layers are stored once. `ctr images import` reads the archive and takes each image's
 * name from its `io.containerd.image.name` annotation.
 *
 * @module
 */
import { runChecked } from "./command.ts";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** The runtime part of an image config (the subset the cluster's images use). */
export interface ImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
}

/** A content-addressed file inside the archive. */
export interface BlobDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** One image of an archive: a fully qualified name, layer tars bottom first, and its config. */
export interface ImageDefinition {
  /** e.g. `docker.io/mirrord-ts/agent:dev` (containerd and kubelet use the normalized form) */
  name: string;
  /** paths of layer tars written by {@link writeLayer}, bottom first */
  layers: string[];
  config: ImageConfig;
}

const LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar";
const CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
const MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
const INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";

/**
 * Hashes a file without loading it into memory.
 *
 * @param path file to hash
 * @returns `sha256:<hex>`
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Uint8Array);
  return `sha256:${hash.digest("hex")}`;
}

function sha256Text(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

/**
 * Tars a root-filesystem folder into an uncompressed layer whose bytes depend only on the
 * folder's names, contents, modes and link targets (sorted entries, owner root, mtime 0), so an
 * unchanged input gives the same digest and containerd can skip it.
 *
 * @param rootfs folder holding the layer's files
 * @param out path of the tar to write
 * @returns the layer's descriptor
 * @example Tar a folder
 * ```ts
 * const layer = await writeLayer("/tmp/rootfs", "/tmp/layer.tar");
 * console.log(layer.digest);
 * ```
 */
export async function writeLayer(rootfs: string, out: string): Promise<BlobDescriptor> {
  await runChecked("write an image layer", "tar", [
    "--create",
    `--file=${out}`,
    `--directory=${rootfs}`,
    "--sort=name",
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "--mtime=@0",
    "--format=gnu",
    ".",
  ]);
  const { size } = await Deno.stat(out);
  return { mediaType: LAYER_MEDIA_TYPE, digest: await sha256File(out), size };
}

/**
 * The JSON documents of one image: its config and manifest.
 *
 * @param layers descriptors of its layers, bottom first (for an uncompressed layer the digest is
 *   also its diff id)
 * @param config runtime settings
 * @returns the config and manifest texts with their descriptors
 */
export function imageDocuments(
  layers: BlobDescriptor[],
  config: ImageConfig,
): { config: string; manifest: string; manifestDescriptor: BlobDescriptor } {
  const configText = JSON.stringify({
    architecture: "amd64",
    os: "linux",
    config: {
      Entrypoint: config.entrypoint,
      Cmd: config.cmd,
      Env: config.env ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      WorkingDir: config.workingDir ?? "/",
    },
    rootfs: { type: "layers", diff_ids: layers.map((layer) => layer.digest) },
  });
  const configDescriptor = {
    mediaType: CONFIG_MEDIA_TYPE,
    digest: sha256Text(configText),
    size: new TextEncoder().encode(configText).length,
  };
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    config: configDescriptor,
    layers,
  });
  return {
    config: configText,
    manifest,
    manifestDescriptor: {
      mediaType: MANIFEST_MEDIA_TYPE,
      digest: sha256Text(manifest),
      size: new TextEncoder().encode(manifest).length,
    },
  };
}

async function linkBlob(blobDir: string, digest: string, source: string): Promise<void> {
  const target = `${blobDir}/${digest.slice("sha256:".length)}`;
  await Deno.remove(target).catch(() => {});
  await Deno.link(source, target);
}

async function writeBlob(blobDir: string, digest: string, text: string): Promise<void> {
  await Deno.writeTextFile(`${blobDir}/${digest.slice("sha256:".length)}`, text);
}

/**
 * Writes an OCI image-layout archive holding several images.
 *
 * @param images the images; layers shared between them are stored once
 * @param out path of the archive (a tar)
 * @returns each image name mapped to its manifest digest
 * @example Write one image
 * ```ts
 * const layer = await writeLayer("/tmp/rootfs", "/tmp/layer.tar");
 * await writeOciArchive(
 *   [{ name: "docker.io/me/app:dev", layers: ["/tmp/layer.tar"], config: { cmd: ["/app"] } }],
 *   "/tmp/images.tar",
 * );
 * ```
 */
export async function writeOciArchive(
  images: ImageDefinition[],
  out: string,
): Promise<Record<string, string>> {
  const staging = `${out}.d`;
  await Deno.remove(staging, { recursive: true }).catch(() => {});
  const blobDir = `${staging}/blobs/sha256`;
  await Deno.mkdir(blobDir, { recursive: true });
  const layerDescriptors = new Map<string, BlobDescriptor>();
  const manifests = [];
  const digests: Record<string, string> = {};
  for (const image of images) {
    const layers = [];
    for (const path of image.layers) {
      let descriptor = layerDescriptors.get(path);
      if (!descriptor) {
        const { size } = await Deno.stat(path);
        descriptor = { mediaType: LAYER_MEDIA_TYPE, digest: await sha256File(path), size };
        layerDescriptors.set(path, descriptor);
        await linkBlob(blobDir, descriptor.digest, path);
      }
      layers.push(descriptor);
    }
    const docs = imageDocuments(layers, image.config);
    const configDigest = JSON.parse(docs.manifest).config.digest;
    await writeBlob(blobDir, configDigest, docs.config);
    await writeBlob(blobDir, docs.manifestDescriptor.digest, docs.manifest);
    manifests.push({
      ...docs.manifestDescriptor,
      platform: { architecture: "amd64", os: "linux" },
      annotations: {
        "io.containerd.image.name": image.name,
        "org.opencontainers.image.ref.name": image.name.slice(image.name.lastIndexOf(":") + 1),
      },
    });
    digests[image.name] = docs.manifestDescriptor.digest;
  }
  await Deno.writeTextFile(
    `${staging}/oci-layout`,
    JSON.stringify({ imageLayoutVersion: "1.0.0" }),
  );
  await Deno.writeTextFile(
    `${staging}/index.json`,
    JSON.stringify({ schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests }),
  );
  await runChecked("write an image archive", "tar", [
    "--create",
    `--file=${out}`,
    `--directory=${staging}`,
    "--hard-dereference",
    ".",
  ]);
  await Deno.remove(staging, { recursive: true });
  return digests;
}
