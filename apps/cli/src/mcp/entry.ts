import { defineCommand } from "citty";
import { openDoor } from "./door.js";
import { version } from "../version.js";

// The protocol versions the SDK negotiates, written in by the build (scripts/bundle.js): the door
// reads no SDK module to know them. From sources (no build) there are none, and the door answers nothing.
declare const __SUBAGENT_MCP_PROTOCOL_VERSIONS__: readonly string[] | undefined;
const protocolVersions = typeof __SUBAGENT_MCP_PROTOCOL_VERSIONS__ === "undefined" ? undefined : __SUBAGENT_MCP_PROTOCOL_VERSIONS__;

/** Serves MCP on stdio: `initialize` is answered at the door (door.ts), then the server loads and reads on. */
export async function serveThroughDoor(): Promise<void> {
  const handover = await openDoor({ stdin: process.stdin, stdout: process.stdout, env: process.env, version, protocolVersions });
  const { serveStdio } = await import("./mcp.js");
  await serveStdio(handover);
}

/** `subagent-mcp mcp`: serve the MCP tools on stdio. */
export const mcpCommand = defineCommand({
  meta: { name: "mcp", description: "Serve the subagent-mcp tools over MCP on stdio (the default command)." },
  run: serveThroughDoor,
});
