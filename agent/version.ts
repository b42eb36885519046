/**
 * The agent's release version, printed in its ready line (`agent ready - version <v>`); the CLI
 * warns when it differs from its own. We track the mirrord release we are compatible with.
 *
 * @module
 */
export const AGENT_VERSION = "3.250.0";
