/**
 * The target path grammar (`target.path`, `-t`, `MIRRORD_IMPERSONATED_TARGET`):
 * `targetless`, or `<type>/<name>[/container/<container>]`.
 *
 * @module
 */
import type { TargetObject } from "../../schema/mod.ts";

const TYPE_KEYS: Record<string, string> = {
  pod: "pod",
  deployment: "deployment",
  deploy: "deployment",
  rollout: "rollout",
  job: "job",
  cronjob: "cron_job",
  statefulset: "stateful_set",
  service: "service",
  replicaset: "replica_set",
};

/** The accepted forms, for error messages. */
export const TARGET_FORMS =
  "targetless, pod/<name>[/container/<c>], deployment/<name>[/container/<c>], rollout/…, job/…, cronjob/…, statefulset/…, service/…, replicaset/…";

/** Thrown by {@link parseTargetPath}. */
export class TargetPathError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`target "${path}" ${reason}`);
    this.name = "TargetPathError";
  }
}

/**
 * Parses a target path string.
 *
 * @param path e.g. `pod/api-7f/container/main`
 * @returns the target object, or `"targetless"`
 * @throws {TargetPathError} when the string does not fit the grammar
 * @example
 * ```ts
 * parseTargetPath("deploy/api"); // { deployment: "api", container: null }
 * ```
 */
export function parseTargetPath(path: string): TargetObject | "targetless" {
  if (path === "targetless") return "targetless";
  const parts = path.split("/");
  const key = TYPE_KEYS[parts[0]];
  if (key === undefined || parts.length < 2) {
    const hint = parts.length === 1 ? ` (did you mean "pod/${path}"?)` : "";
    throw new TargetPathError(path, `has no known type${hint}`);
  }
  const name = parts[1];
  if (!name) throw new TargetPathError(path, "has an empty name");
  if (parts.length === 2) return { [key]: name, container: null } as TargetObject;
  if (parts.length === 4 && parts[2] === "container" && parts[3]) {
    return { [key]: name, container: parts[3] } as TargetObject;
  }
  throw new TargetPathError(path, "has extra parts (only /container/<name> may follow the name)");
}

/**
 * The type word of a target object (`pod`, `deployment`, `cronjob`, `label` …).
 *
 * @param target a target object
 * @returns the type as users write it in a path
 */
export function targetType(target: TargetObject): string {
  const key = Object.keys(target).find((k) => k !== "container") ?? "";
  if (key === "labels") return "label";
  return Object.entries(TYPE_KEYS).find(([word, k]) => k === key && word !== "deploy")?.[0] ?? key;
}

/** Target types that need the mirrord operator. */
export const OPERATOR_TARGET_TYPES = new Set([
  "job",
  "cronjob",
  "statefulset",
  "service",
  "replicaset",
  "label",
]);
