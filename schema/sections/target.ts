/**
 * The `target` section: which pod, workload or none ("targetless") the session impersonates.
 *
 * @module
 */
import { type JsonSchema, optString, ref, strictObject } from "./_builders.ts";

const CONTAINER = optString("Container of the target; unset: mirrord picks the first one.");

function workload(key: string, what: string, operatorOnly = false): JsonSchema {
  const suffix = operatorOnly ? " Needs the mirrord operator." : "";
  return strictObject(
    { [key]: { type: "string", description: `Name of the ${what}.` }, container: CONTAINER },
    `Target a ${what}.${suffix}`,
    [key],
  );
}

const PATH_FORMS =
  "`targetless`, `pod/<name>[/container/<c>]`, `deployment/<name>[/container/<c>]` " +
  "(or `deploy/…`), `rollout/…`, and with the operator `job/…`, `cronjob/…`, `statefulset/…`, " +
  "`service/…`, `replicaset/…`";

/** Definitions of the target section. */
export const targetDefs: Record<string, JsonSchema> = {
  TargetObject: {
    oneOf: [
      ref("DeploymentTarget"),
      ref("PodTarget"),
      ref("RolloutTarget"),
      ref("JobTarget"),
      ref("CronJobTarget"),
      ref("StatefulSetTarget"),
      ref("ServiceTarget"),
      ref("ReplicaSetTarget"),
      ref("LabelTarget"),
      { enum: ["targetless"] },
    ],
    description: "A target in object form, or `targetless`.",
  },
  DeploymentTarget: workload("deployment", "deployment (mirrord picks one of its pods)"),
  PodTarget: workload("pod", "pod"),
  RolloutTarget: workload("rollout", "Argo rollout (mirrord picks one of its pods)"),
  JobTarget: workload("job", "job", true),
  CronJobTarget: workload("cron_job", "cron job", true),
  StatefulSetTarget: workload("stateful_set", "stateful set", true),
  ServiceTarget: workload("service", "service", true),
  ReplicaSetTarget: workload("replica_set", "replica set", true),
  LabelTarget: strictObject(
    {
      labels: {
        type: "object",
        additionalProperties: { type: "string" },
        description: "Label selector: every pod with all these labels. Needs the mirrord operator.",
      },
      container: CONTAINER,
    },
    "Target the pods matched by labels. Needs the mirrord operator.",
    ["labels"],
  ),
  TargetPath: {
    anyOf: [ref("TargetObject"), { type: "null" }, { type: "string" }],
    description: `What to impersonate: ${PATH_FORMS}. Unset: targetless.`,
  },
  TargetSetting: {
    anyOf: [
      ref("TargetPath"),
      strictObject(
        {
          path: ref("TargetPath"),
          namespace: optString(
            "Namespace of the target (for targetless runs: where outgoing traffic and DNS happen). Env `MIRRORD_TARGET_NAMESPACE`. Unset: the context's namespace.",
          ),
        },
        "Target with its namespace.",
      ),
    ],
    description:
      `The target, as a path string (env \`MIRRORD_IMPERSONATED_TARGET\`) or \`{path, namespace}\`. Path forms: ${PATH_FORMS}.`,
  },
};
