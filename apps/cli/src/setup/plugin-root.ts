import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PLUGIN_POOL_DIR, PLUGIN_SERVER_PACKAGE } from "@subagent-mcp/contract";

/**
 * The folder of the host plugin (or extension) this server was installed as, or undefined for an
 * npm install or a checkout. The build names the `package.json` beside a plugin's bundle for that.
 */
export function pluginRoot(): string | undefined {
  const require = createRequire(import.meta.url);
  const file = require.resolve("../package.json");
  return (require(file) as { name?: string }).name === PLUGIN_SERVER_PACKAGE ? dirname(dirname(file)) : undefined;
}

/** The sample pool agents a plugin ships, searched after the user's own definitions. */
export function pluginPoolDirs(): string[] {
  const root = pluginRoot();
  return root === undefined ? [] : [join(root, PLUGIN_POOL_DIR)];
}
