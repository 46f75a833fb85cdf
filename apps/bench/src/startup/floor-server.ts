// The least a server made with the official MCP SDK holds: one tool, stdio, the same V8 settings
// as ours (apps/cli/src/v8-tiers.ts). serve.ts bundles it the way our CLI is bundled and measures
// it beside ours, so "idle RSS over a bare node" and "a tool call, 3 at once" have a floor that
// no server on this SDK goes under on the machine of the run.
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--semi-space-growth-factor=1");
setFlagsFromString("--no-opt");
setFlagsFromString("--no-sparkplug");
const { McpServer } = await import("@modelcontextprotocol/sdk/server/mcp.js");
const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
const { z } = await import("zod");

const server = new McpServer({ name: "floor", version: "1" });
server.registerTool("echo", { description: "Answers with its text.", inputSchema: { text: z.string() }, outputSchema: { text: z.string() } }, ({ text }) => ({
  content: [{ type: "text", text }],
  structuredContent: { text },
}));
await server.connect(new StdioServerTransport());
setFlagsFromString("--opt");
setFlagsFromString("--sparkplug");
