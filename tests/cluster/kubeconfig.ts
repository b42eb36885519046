/**
 * Kubeconfig files with client-certificate auth and everything embedded, so each file works on
 * its own with kubectl, client libraries and mirrord.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { CLUSTER_NAME, PORTS } from "./layout.ts";
import { pkiPath } from "./pki.ts";
import { writeConfigFile } from "./config_file.ts";

function encodeBase64(text: string): string {
  return Buffer.from(text).toString("base64");
}

/** One kubeconfig to write. */
export interface KubeconfigSpec {
  /** user name in the file (the certificate's CN decides who the apiserver sees) */
  user: string;
  /** PKI file stem of the client certificate and key */
  certificate: string;
  /** context name (and current-context) */
  context: string;
  /** default namespace of the context */
  namespace?: string;
  /** apiserver URL; the local https://127.0.0.1:6443 by default */
  server?: string;
}

/**
 * The text of a kubeconfig.
 *
 * @param spec what it names
 * @param pem the CA certificate, client certificate and key (PEM)
 * @returns YAML text
 */
export function kubeconfigText(
  spec: KubeconfigSpec,
  pem: { ca: string; cert: string; key: string },
): string {
  const server = spec.server ?? `https://127.0.0.1:${PORTS.apiserver}`;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${CLUSTER_NAME}`,
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${encodeBase64(pem.ca)}`,
    "users:",
    `- name: ${spec.user}`,
    "  user:",
    `    client-certificate-data: ${encodeBase64(pem.cert)}`,
    `    client-key-data: ${encodeBase64(pem.key)}`,
    "contexts:",
    `- name: ${spec.context}`,
    "  context:",
    `    cluster: ${CLUSTER_NAME}`,
    `    user: ${spec.user}`,
    `    namespace: ${spec.namespace ?? "default"}`,
    `current-context: ${spec.context}`,
    "preferences: {}",
    "",
  ].join("\n");
}

/**
 * Writes a kubeconfig (mode 0600: it holds a private key) unless it is unchanged.
 *
 * @param path where to write it
 * @param spec what it names
 */
export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<void> {
  const pem = {
    ca: await Deno.readTextFile(pkiPath("ca.crt")),
    cert: await Deno.readTextFile(pkiPath(`${spec.certificate}.crt`)),
    key: await Deno.readTextFile(pkiPath(`${spec.certificate}.key`)),
  };
  await writeConfigFile(path, kubeconfigText(spec, pem), 0o600);
}
