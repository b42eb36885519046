/**
 * The `feature` section and its two simplest parts, `env` and `fs`; networking and the
 * operator-only features have their own files.
 *
 * @module
 */
import {
  type JsonSchema,
  oneOfStrings,
  optBool,
  optString,
  optStringMap,
  optUint,
  orNull,
  ref,
  strictObject,
  toggle,
} from "./_builders.ts";

const REGEX_LIST = "Regexes (one or a list) matched against the absolute path, case-insensitive.";

/** Definitions of `feature`, `feature.env` and `feature.fs`. */
export const featureDefs: Record<string, JsonSchema> = {
  Feature: strictObject(
    {
      copy_target: orNull(ref("CopyTargetSetting")),
      db_branches: orNull(ref("DbBranches")),
      env: orNull(
        toggle(
          "Env",
          "Remote environment variables: true fetches all of them, false none, or an object to choose.",
        ),
      ),
      fs: orNull(
        toggle(
          "FsSetting",
          "File access: true = default (`read`), false = everything local, a mode string, or an object.",
        ),
      ),
      hostname: optBool("Make the app see the target pod's hostname. Default true."),
      magic: orNull(ref("Magic")),
      network: orNull(
        toggle(
          "Network",
          "Network features: true = defaults, false turns off incoming, outgoing and DNS.",
        ),
      ),
      preview: orNull(ref("Preview")),
      split_queues: orNull(ref("SplitQueues")),
    },
    "What the local process gets from the target: environment, files, network and more.",
  ),
  Env: strictObject(
    {
      env_file: optString(
        "A dotenv file whose variables are applied over the remote ones (env `MIRRORD_OVERRIDE_ENV_VARS_FILE`).",
      ),
      exclude: orNull(
        ref("StringOrList"),
        "Remote variables NOT to fetch, a list or a `;`-separated string; `*` wildcards allowed (env `MIRRORD_OVERRIDE_ENV_VARS_EXCLUDE`). Not with `include`.",
      ),
      include: orNull(
        ref("StringOrList"),
        "Only these remote variables are fetched, a list or a `;`-separated string; `*` wildcards allowed (env `MIRRORD_OVERRIDE_ENV_VARS_INCLUDE`). Not with `exclude`.",
      ),
      load_from_process: optBool(
        "Let the layer load the remote environment inside the process instead of the CLI passing it at exec (env `MIRRORD_ENV_LOAD_FROM_PROCESS`). Default false.",
      ),
      mapping: optStringMap(
        "Regex on a variable name → new value; the first matching regex replaces the value of the remote variable.",
      ),
      override: optStringMap("Variables set to these values after everything else."),
      unset: orNull(
        ref("StringOrList"),
        "Variables removed from the process environment (case-insensitive).",
      ),
    },
    "Which environment variables of the target the local process gets.",
  ),
  FsMode: oneOfStrings(
    {
      local: "Every file is local.",
      localwithoverrides: "Files are local except the patterns listed as remote.",
      read: "Files are read from the target, writes stay local (default).",
      write: "Files are read from and written to the target.",
    },
    "Default route for file operations (env `MIRRORD_FILE_MODE`).",
  ),
  FsSetting: { anyOf: [ref("FsMode"), ref("Fs")] },
  Fs: strictObject(
    {
      local: orNull(ref("StringOrList"), `Paths always opened locally. ${REGEX_LIST}`),
      mapping: optStringMap(
        "Regex → replacement applied to paths before they are opened (`$1` refers to groups).",
      ),
      mode: orNull(ref("FsMode")),
      not_found: orNull(ref("StringOrList"), `Paths that pretend not to exist. ${REGEX_LIST}`),
      read_only: orNull(
        ref("StringOrList"),
        `Paths read from the target, written locally. ${REGEX_LIST}`,
      ),
      read_write: orNull(
        ref("StringOrList"),
        `Paths read from and written to the target. ${REGEX_LIST}`,
      ),
      readonly_file_buffer: optUint(
        "uint64",
        "Bytes read ahead per call for remote read-only files (0 disables; over 1 MiB warns, over 15 MiB is an error). Default 128000.",
      ),
    },
    "File access in detail: a mode and path patterns that override it.",
  ),
  Magic: strictObject(
    {
      auto_mount: optBool("Read the target container's volume mounts remotely. Default true."),
      aws: optBool(
        "Hide the local AWS config (unset `AWS_PROFILE`, map `~/.aws` away) so the pod's credentials are used. Default true.",
      ),
      turbo: optBool("Operator only: faster start-up by reusing sessions. Default true."),
    },
    "Presets that make common setups work without more configuration.",
  ),
};
