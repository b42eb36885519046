/**
 * The cluster's PKI, made with openssl like a kubeadm cluster's: a CA, serving certificates for
 * etcd, the apiserver and the kubelet, client certificates for every component and user, a
 * front-proxy CA for the aggregation layer and the ServiceAccount token signing key. Files are
 * created once and kept; the two certificates naming the node IP are renewed when it changes.
 *
 * @module
 */
import { runChecked } from "../../install/images/command.ts";
import { pathExists } from "../../install/images/path_exists.ts";
import { NARROW_USER, NETWORK, NODE_NAME, STATE } from "./layout.ts";

/** One leaf certificate to issue. */
export interface CertificateSpec {
  /** file stem: `<name>.crt` and `<name>.key` */
  name: string;
  commonName: string;
  organization?: string;
  /** which CA signs it */
  ca: "ca" | "front-proxy-ca";
  usage: "server" | "client" | "both";
  /** subjectAltName entries such as `DNS:localhost`, `IP:127.0.0.1` */
  altNames?: string[];
}

/**
 * Every leaf certificate of the cluster.
 *
 * @param nodeIp the node's address (in the apiserver and kubelet serving certificates)
 * @returns the specs in issue order
 */
export function certificateSpecs(nodeIp: string): CertificateSpec[] {
  const local = ["DNS:localhost", "IP:127.0.0.1"];
  const apiserverNames = [
    "DNS:kubernetes",
    "DNS:kubernetes.default",
    "DNS:kubernetes.default.svc",
    `DNS:kubernetes.default.svc.${NETWORK.clusterDomain}`,
    ...local,
    `IP:${NETWORK.apiServiceIp}`,
    `IP:${nodeIp}`,
  ];
  return [
    { name: "etcd-server", commonName: "etcd", ca: "ca", usage: "both", altNames: local },
    { name: "etcd-peer", commonName: "etcd-peer", ca: "ca", usage: "both", altNames: local },
    {
      name: "apiserver",
      commonName: "kube-apiserver",
      ca: "ca",
      usage: "server",
      altNames: apiserverNames,
    },
    {
      name: "apiserver-etcd-client",
      commonName: "kube-apiserver-etcd-client",
      ca: "ca",
      usage: "client",
    },
    {
      name: "apiserver-kubelet-client",
      commonName: "kube-apiserver-kubelet-client",
      organization: "system:masters",
      ca: "ca",
      usage: "client",
    },
    {
      name: "front-proxy-client",
      commonName: "front-proxy-client",
      ca: "front-proxy-ca",
      usage: "client",
    },
    {
      name: "admin",
      commonName: "mirrord-ts-admin",
      organization: "system:masters",
      ca: "ca",
      usage: "client",
    },
    {
      name: "controller-manager",
      commonName: "system:kube-controller-manager",
      ca: "ca",
      usage: "client",
    },
    { name: "scheduler", commonName: "system:kube-scheduler", ca: "ca", usage: "client" },
    {
      name: "kubelet-client",
      commonName: `system:node:${NODE_NAME}`,
      organization: "system:nodes",
      ca: "ca",
      usage: "client",
    },
    {
      name: "kubelet-server",
      commonName: NODE_NAME,
      ca: "ca",
      usage: "server",
      altNames: [`DNS:${NODE_NAME}`, ...local, `IP:${nodeIp}`],
    },
    { name: "kube-proxy", commonName: "system:kube-proxy", ca: "ca", usage: "client" },
    { name: "narrow", commonName: NARROW_USER, ca: "ca", usage: "client" },
  ];
}

/** Certificates that name the node IP (renewed when it changes). */
const NODE_IP_CERTIFICATES = ["apiserver", "kubelet-server"];

/**
 * The openssl extension file text of a leaf certificate.
 *
 * @param spec the certificate
 * @returns the `-extfile` contents
 */
export function extensionText(spec: CertificateSpec): string {
  const usage = { server: "serverAuth", client: "clientAuth", both: "serverAuth,clientAuth" };
  const lines = [
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    `extendedKeyUsage=${usage[spec.usage]}`,
  ];
  if (spec.altNames?.length) lines.push(`subjectAltName=${spec.altNames.join(",")}`);
  return lines.join("\n") + "\n";
}

async function openssl(args: string[]): Promise<void> {
  await runChecked("create the cluster PKI", "openssl", args);
}

async function newKey(path: string): Promise<void> {
  await openssl([
    "genpkey",
    "-algorithm",
    "EC",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-out",
    path,
  ]);
  await Deno.chmod(path, 0o600);
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  return "0x" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function ensureCa(name: string, commonName: string): Promise<void> {
  const dir = STATE.pki;
  if (await pathExists(`${dir}/${name}.crt`)) return;
  await newKey(`${dir}/${name}.key`);
  await openssl([
    "req",
    "-x509",
    "-new",
    "-key",
    `${dir}/${name}.key`,
    "-subj",
    `/CN=${commonName}`,
    "-days",
    "3650",
    "-set_serial",
    randomSerial(),
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,digitalSignature,keyCertSign,cRLSign",
    "-out",
    `${dir}/${name}.crt`,
  ]);
}

async function issue(spec: CertificateSpec): Promise<void> {
  const dir = STATE.pki;
  const subject = (spec.organization ? `/O=${spec.organization}` : "") + `/CN=${spec.commonName}`;
  await newKey(`${dir}/${spec.name}.key`);
  await openssl([
    "req",
    "-new",
    "-key",
    `${dir}/${spec.name}.key`,
    "-subj",
    subject,
    "-out",
    `${dir}/${spec.name}.csr`,
  ]);
  await Deno.writeTextFile(`${dir}/${spec.name}.ext`, extensionText(spec));
  await openssl([
    "x509",
    "-req",
    "-in",
    `${dir}/${spec.name}.csr`,
    "-CA",
    `${dir}/${spec.ca}.crt`,
    "-CAkey",
    `${dir}/${spec.ca}.key`,
    "-set_serial",
    randomSerial(),
    "-days",
    "365",
    "-extfile",
    `${dir}/${spec.name}.ext`,
    "-out",
    `${dir}/${spec.name}.crt`,
  ]);
  await Deno.remove(`${dir}/${spec.name}.csr`);
  await Deno.remove(`${dir}/${spec.name}.ext`);
}

/**
 * Creates whatever part of the PKI is missing.
 *
 * @param nodeIp the node's address
 * @returns how many certificates were issued (0 when everything existed)
 */
export async function ensurePki(nodeIp: string): Promise<number> {
  await Deno.mkdir(STATE.pki, { recursive: true, mode: 0o700 });
  await ensureCa("ca", "mirrord-ts-ca");
  await ensureCa("front-proxy-ca", "mirrord-ts-front-proxy-ca");
  if (!await pathExists(`${STATE.pki}/sa.key`)) {
    await newKey(`${STATE.pki}/sa.key`);
    await openssl(["pkey", "-in", `${STATE.pki}/sa.key`, "-pubout", "-out", `${STATE.pki}/sa.pub`]);
  }
  const ipMarker = `${STATE.pki}/node-ip`;
  const previousIp = await Deno.readTextFile(ipMarker).catch(() => nodeIp);
  let issued = 0;
  for (const spec of certificateSpecs(nodeIp)) {
    const stale = previousIp !== nodeIp && NODE_IP_CERTIFICATES.includes(spec.name);
    if (!stale && await pathExists(`${STATE.pki}/${spec.name}.crt`)) continue;
    await issue(spec);
    issued++;
  }
  await Deno.writeTextFile(ipMarker, nodeIp);
  return issued;
}

/**
 * Path of a PKI file.
 *
 * @param file e.g. `ca.crt`, `admin.key`
 * @returns its path in the state folder
 */
export function pkiPath(file: string): string {
  return `${STATE.pki}/${file}`;
}
