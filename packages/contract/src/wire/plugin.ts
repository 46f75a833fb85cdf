/**
 * A host plugin's copy of our server: the build puts the bundle at `<plugin>/server/dist/` beside a
 * `<plugin>/server/package.json` of this name. That name is how a running server knows it came
 * from a plugin (whose own folder holds the sample pool agents, in `PLUGIN_POOL_DIR`).
 */
export const PLUGIN_SERVER_PACKAGE = "subagent-mcp-plugin";
/** The plugin's folder of pool agent definitions, searched after the user's own. */
export const PLUGIN_POOL_DIR = "pool";
