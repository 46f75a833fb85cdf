import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { PREMADE_SCHEMAS } from "./premade-schemas.js";

// Why: turning ~20 tools' zod schemas into JSON Schema is most of what a fresh server spends on
// tools/list (tens of ms, and all of it before its optimizing compiler is on), and the answer is
// the same for every run of one build. So the build makes it once (`listedSchemas`, on the real
// registrations) and a server answers from it; the descriptions, annotations and task support
// still come from each registration as it is now. A tool's schemas are module constants: what
// varies from run to run (a mailbox name) is in its description, never in its schemas.

/** A tool's listed JSON Schemas, under `${name}\n${title}` (one name may carry two tools, as `board` does for an orchestrator and a member). */
type Premade = Record<string, { inputSchema: unknown; outputSchema?: unknown }>;
type ListHandler = (request: unknown, extra: unknown) => Promise<unknown>;

interface Registered {
  title?: string;
  description?: string;
  outputSchema?: unknown;
  annotations?: unknown;
  execution?: unknown;
  _meta?: unknown;
  enabled: boolean;
}

const handlersOf = (server: McpServer): Map<string, ListHandler> | undefined =>
  (server.server as unknown as { _requestHandlers?: Map<string, ListHandler> })._requestHandlers;
const toolsOf = (server: McpServer): Record<string, Registered> => (server as unknown as { _registeredTools: Record<string, Registered> })._registeredTools;
const keyOf = (name: string, title: string): string => `${name}\n${title}`;
const answered = new WeakSet<ListHandler>();

/** The JSON Schemas a server lists for its tools, converted now by the SDK: what the build keeps. */
export async function listedSchemas(server: McpServer): Promise<Premade> {
  const list = handlersOf(server)?.get("tools/list");
  if (list === undefined) return {};
  const { tools } = (await list({ method: "tools/list", params: {} }, {})) as {
    tools: { name: string; title?: string; inputSchema: unknown; outputSchema?: unknown }[];
  };
  const made: Premade = {};
  for (const tool of tools) {
    if (tool.title === undefined) continue;
    made[keyOf(tool.name, tool.title)] = { inputSchema: tool.inputSchema, ...(tool.outputSchema === undefined ? {} : { outputSchema: tool.outputSchema }) };
  }
  return made;
}

/**
 * Has `server` answer tools/list from the build's schemas (the SDK's own answer, key for key), and
 * from the SDK whenever one of its tools was not in that build. Called once its tools are registered.
 */
export function listFromPremade(server: McpServer, premade: string | undefined = PREMADE_SCHEMAS): void {
  const handlers = handlersOf(server);
  const sdk = handlers?.get("tools/list");
  if (premade === undefined || handlers === undefined || sdk === undefined || answered.has(sdk)) return;
  const answer: ListHandler = async (request, extra) => {
    if ((request as { params?: { cursor?: unknown } }).params?.cursor !== undefined) return sdk(request, extra);
    const schemas = JSON.parse(premade) as Premade;
    const tools: Record<string, unknown>[] = [];
    for (const [name, tool] of Object.entries(toolsOf(server))) {
      if (!tool.enabled) continue;
      const made = tool.title === undefined ? undefined : schemas[keyOf(name, tool.title)];
      // A tool listed without its output schema (a sub-agent's server) leaves the made one out.
      const output = tool.outputSchema === undefined ? undefined : made?.outputSchema;
      if (made === undefined || (tool.outputSchema !== undefined && output === undefined)) return sdk(request, extra);
      const { title, description, annotations, execution, _meta } = tool;
      tools.push({
        name,
        title,
        description,
        inputSchema: made.inputSchema,
        annotations,
        execution,
        _meta,
        ...(output === undefined ? {} : { outputSchema: output }),
      });
    }
    return { tools };
  };
  answered.add(answer);
  handlers.set("tools/list", answer);
}
