/**
 * Features that only the mirrord operator provides: copy target, queue splitting, database
 * branches and preview environments. mirrord-ts accepts and checks them so that existing
 * configs keep validating; running them needs the operator.
 *
 * @module
 */
import {
  constString,
  type JsonSchema,
  optBool,
  optString,
  optStringList,
  optStringMap,
  optUint,
  orNull,
  ref,
  strictObject,
  uint,
} from "./_builders.ts";

const STRING_MAP = { type: "object", additionalProperties: { type: "string" } };

function queue(type: string, extra: Record<string, JsonSchema> = {}, filterRequired = false) {
  const properties: Record<string, JsonSchema> = {
    queue_type: constString(type),
    message_filter: filterRequired ? STRING_MAP : optStringMap("Attribute name → regex."),
    ...(filterRequired
      ? {}
      : { jq_filter: optString("jq program selecting this session's messages.") }),
    ...extra,
  };
  return {
    type: "object",
    properties,
    required: filterRequired ? ["queue_type", "message_filter"] : ["queue_type"],
  };
}

const QUEUE_KINDS: JsonSchema[] = [
  queue("SQS"),
  queue("Kafka", { payload_protobuf: orNull(ref("KafkaPayloadProtobuf")) }),
  queue("RMQ", {}, true),
  queue("GCPPubSub"),
  queue("RedisPubSub"),
  queue("AzureServiceBus"),
  queue("Temporal"),
  queue("BullMQ"),
];

const QUEUE_MODE = { oneOf: [constString("steal"), constString("mirror")] };

/** Copy modes of a branch: `empty`, optionally `schema`, and `all`, with their item maps. */
function copyModes(items: "tables" | "collections", withSchema: boolean, dumpArgs: boolean) {
  const itemMap = {
    type: ["object", "null"],
    additionalProperties: strictObject({ filter: optString("Row filter (SQL WHERE clause).") }),
  };
  const extra: Record<string, JsonSchema> = dumpArgs
    ? { dump_args: optStringList("Extra arguments of the dump tool.") }
    : {};
  const mode = (name: string, withItems: boolean) =>
    strictObject(
      { mode: constString(name), ...(withItems ? { [items]: itemMap } : {}), ...extra },
      undefined,
      ["mode"],
    );
  const modes = [mode("empty", true)];
  if (withSchema) modes.push(mode("schema", true));
  modes.push(mode("all", false));
  return { oneOf: modes };
}

const BRANCH_COMMON: Record<string, JsonSchema> = {
  connection: ref("DbConnectionSource"),
  creation_timeout_secs: {
    ...uint("uint64"),
    description: "Seconds to wait for the branch. Default 60.",
  },
  id: optString("Branch id, to reuse a branch across sessions."),
  image: optString("Database image of the branch."),
  name: optString("Database name."),
  profile: optString("Branch profile."),
  ttl_mins: optUint("uint64", "Minutes the branch lives after the session."),
  ttl_secs: optUint("uint64", "Seconds the branch lives after the session."),
  version: optString("Database version."),
};
const MIGRATIONS = orNull(ref("SqlMigrations"));
const IAM = orNull(ref("IamAuth"));

function branch(
  type: string,
  props: Record<string, JsonSchema>,
  required = ["type", "connection"],
) {
  return strictObject({ type: constString(type), ...BRANCH_COMMON, ...props }, undefined, required);
}

const SOURCE_KIND = {
  oneOf: [
    strictObject(
      {
        type: constString("env"),
        variable: { type: "string" },
        container: optString(""),
        value: optString(""),
      },
      "Read from an environment variable of the target.",
      ["type", "variable"],
    ),
    strictObject(
      { type: constString("env_from"), variable: { type: "string" }, container: optString("") },
      "Read from an `envFrom` source of the target.",
      ["type", "variable"],
    ),
    strictObject(
      {
        type: constString("secret"),
        name: { type: "string" },
        key: { type: "string" },
        env_var_name: optString(""),
      },
      "Read from a Kubernetes Secret.",
      ["type", "name", "key"],
    ),
    strictObject(
      {
        type: constString("gcp_secret_manager"),
        secret_ref: { type: "string" },
        env_var_name: optString(""),
      },
      "Read from Google Secret Manager.",
      ["type", "secret_ref"],
    ),
  ],
};

const redisSource = { anyOf: [{ type: "string" }, ref("RedisEnvSource")] };

/** Definitions of the operator-only features. */
export const operatorDefs: Record<string, JsonSchema> = {
  CopyTargetSetting: {
    anyOf: [
      { type: "boolean" },
      strictObject({
        enabled: optBool("Run the session on a copy of the target pod. Default true in this form."),
        exclude_containers: optStringList("Containers left out of the copy."),
        exclude_init_containers: optStringList("Init containers left out of the copy."),
        scale_down: optBool("Scale the original workload to zero while the session runs."),
      }),
    ],
    description: "Operator only: run on a copy of the target (true, or an object).",
  },
  SplitQueues: {
    anyOf: [
      {
        type: "object",
        additionalProperties: {
          type: "object",
          properties: { queue_mode: QUEUE_MODE },
          oneOf: QUEUE_KINDS,
        },
      },
      {
        type: "array",
        items: {
          type: "object",
          properties: { queue_id: { type: "string" }, queue_mode: QUEUE_MODE },
          required: ["queue_id"],
          oneOf: QUEUE_KINDS,
        },
      },
    ],
    description: "Operator only: queues whose matching messages go to this session, by queue id.",
  },
  KafkaPayloadProtobuf: strictObject(
    {
      descriptor_base64: optString("Base64 of a compiled descriptor set."),
      include_directories: { type: "array", items: { type: "string" } },
      message_type: { type: "string" },
      schema_file: optString("A .proto file."),
    },
    "Decode Kafka payloads as protobuf before filtering.",
    ["message_type"],
  ),
  DbBranches: {
    type: "array",
    items: ref("DbBranch"),
    description: "Operator only: databases branched for this session.",
  },
  DbBranch: {
    oneOf: [
      branch("clickhouse", { copy: copyModes("tables", true, false) }),
      branch("cockroachdb", { copy: copyModes("tables", true, false), migrations: MIGRATIONS }),
      branch("dynamodb", { copy: copyModes("collections", false, false), iam_auth: IAM }),
      branch("generic", {
        args: optStringList(""),
        command: optStringList(""),
        env: STRING_MAP,
        port: uint("uint16"),
        readiness: orNull(ref("GenericReadiness")),
      }, ["type", "connection", "port"]),
      branch("mariadb", {
        copy: copyModes("tables", true, true),
        iam_auth: IAM,
        migrations: MIGRATIONS,
      }),
      branch("mongodb", { copy: copyModes("collections", false, false) }),
      branch("mssql", { copy: copyModes("tables", true, false), migrations: MIGRATIONS }),
      branch("mysql", {
        copy: copyModes("tables", true, true),
        iam_auth: IAM,
        migrations: MIGRATIONS,
      }),
      branch("pg", {
        connection_settings: STRING_MAP,
        copy: copyModes("tables", true, true),
        iam_auth: IAM,
        migrations: MIGRATIONS,
        query_params: STRING_MAP,
      }),
      ref("RedisBranch"),
      branch("spanner", {
        copy: copyModes("tables", true, false),
        emulator_host: { type: "string" },
      }),
    ],
  },
  RedisBranch: {
    type: "object",
    properties: { type: constString("redis") },
    required: ["type"],
    oneOf: [
      {
        type: "object",
        properties: {
          location: constString("local"),
          id: optString(""),
          connection: strictObject({
            database: optUint("uint16", ""),
            host: orNull(redisSource),
            password: orNull(redisSource),
            port: optUint("uint16", ""),
            tls: optBool(""),
            url: orNull(redisSource),
            username: orNull(redisSource),
          }),
          local: strictObject({
            container_command: optString(""),
            container_runtime: {
              oneOf: [constString("docker"), constString("podman"), constString("nerdctl")],
            },
            options: strictObject({ args: { type: "array", items: { type: "string" } } }),
            port: uint("uint16"),
            runtime: { type: "string", enum: ["container", "redis_server", "auto"] },
            server_command: optString(""),
            version: { type: "string" },
          }),
        },
      },
      {
        type: "object",
        properties: {
          location: constString("remote"),
          ...BRANCH_COMMON,
          copy: {
            oneOf: [
              strictObject({ mode: constString("empty") }, undefined, ["mode"]),
              strictObject({ mode: constString("all"), patterns: optStringList("") }, undefined, [
                "mode",
              ]),
            ],
          },
        },
        required: ["connection"],
      },
    ],
  },
  RedisEnvSource: strictObject(
    {
      container: optString(""),
      type: { type: "string", enum: ["env"] },
      variable: { type: "string" },
    },
    "Read from an environment variable of the target.",
    ["type", "variable"],
  ),
  DbConnectionSource: {
    anyOf: [
      strictObject({ url: SOURCE_KIND }, undefined, ["url"]),
      strictObject(
        {
          type: orNull({ type: "string", enum: ["env", "env_from"] }),
          url: { "x-kubernetes-preserve-unknown-fields": true },
        },
        undefined,
        ["url"],
      ),
      strictObject(
        {
          params: {
            type: "object",
            properties: Object.fromEntries(
              ["database", "host", "password", "port", "user"].map((
                k,
              ) => [k, orNull(ref("AnyValue"))]),
            ),
            additionalProperties: ref("AnyValue"),
          },
          type: orNull({ type: "string", enum: ["env", "env_from"] }),
        },
        undefined,
        ["params"],
      ),
    ],
    description: "Where the target's connection string (or its parts) comes from.",
  },
  AnyValue: { "x-kubernetes-preserve-unknown-fields": true },
  IamAuth: {
    oneOf: [
      strictObject(
        {
          type: constString("aws_rds"),
          access_key_id: orNull(SOURCE_KIND),
          region: orNull(SOURCE_KIND),
          secret_access_key: orNull(SOURCE_KIND),
          session_token: orNull(SOURCE_KIND),
        },
        undefined,
        ["type"],
      ),
      strictObject(
        {
          type: constString("gcp_cloud_sql"),
          credentials_json: orNull(SOURCE_KIND),
          credentials_path: orNull(SOURCE_KIND),
          project: orNull(SOURCE_KIND),
        },
        undefined,
        ["type"],
      ),
    ],
  },
  SqlMigrations: {
    oneOf: [
      strictObject(
        {
          flavor: constString("flyway"),
          image: optString(""),
          locations: { type: "array", items: { type: "string" } },
          path: optString(""),
        },
        undefined,
        ["flavor"],
      ),
      strictObject(
        {
          flavor: constString("container"),
          args: optStringList(""),
          command: optStringList(""),
          env: STRING_MAP,
          image: { type: "string" },
        },
        undefined,
        ["flavor", "image"],
      ),
    ],
  },
  GenericReadiness: {
    oneOf: [
      strictObject({ type: constString("tcp") }, undefined, ["type"]),
      strictObject(
        { type: constString("exec"), command: { type: "array", items: { type: "string" } } },
        undefined,
        ["type", "command"],
      ),
      strictObject(
        { type: constString("http_get"), path: { type: "string" }, port: optUint("uint16", "") },
        undefined,
        ["type", "path"],
      ),
    ],
  },
  Preview: strictObject(
    {
      config_mounts: { type: ["array", "null"], items: ref("PreviewMount") },
      creation_timeout_secs: optUint("uint64", "Seconds to wait for the preview pod."),
      idle: orNull(
        strictObject({
          sleep_after_secs: optUint("uint64", ""),
          start_idle: optBool(""),
          wake_timeout_secs: optUint("uint64", ""),
        }),
      ),
      image: optString("Image of the preview pod."),
      labels: orNull(
        strictObject({
          exclude: orNull(ref("StringOrList")),
          include: orNull(ref("StringOrList")),
        }),
      ),
      replicas: { type: ["integer", "null"], format: "int32" },
      secret_mounts: { type: ["array", "null"], items: ref("PreviewMount") },
      ttl_mins: orNull(ref("PreviewTtl")),
      ttl_secs: orNull(ref("PreviewTtl")),
    },
    "Operator only: preview environments (`mirrord preview`).",
  ),
  PreviewTtl: { anyOf: [uint("uint64"), { type: "string", enum: ["infinite"] }] },
  PreviewMount: {
    type: "object",
    properties: {
      from_file: optString(""),
      mount_at: { type: "string" },
      payload: optString(""),
      type: orNull({ oneOf: [constString("text"), constString("binary")] }),
    },
    required: ["mount_at"],
  },
};
