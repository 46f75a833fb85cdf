import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { TaskStore } from "./task-store.js";
import {
  acceptsTasks,
  CancelTaskRequestSchema,
  DiscoverRequestSchema,
  GetTaskRequestSchema,
  META_PROTOCOL,
  PROTOCOL_2026,
  TASKS_EXTENSION,
  UpdateTaskRequestSchema,
  type WireTask,
} from "./tasks-wire.js";

/** What `server/discover` tells a 2026-07-28 client about us. */
export interface DiscoverInfo {
  name: string;
  version: string;
  instructions: string;
  /** Added to the instructions for a client that takes tasks. */
  taskInstructions: string;
}

/**
 * Serves the 2026-07-28 handshake and the tasks extension on one MCP server (`initialize` stays the
 * SDK's, for older clients). A client that discovers us learns we take tasks; whether a given call
 * becomes one is decided per request, from the capabilities that request carries.
 */
export function serveTasks(server: McpServer, store: TaskStore, info: DiscoverInfo): void {
  const handlers: Record<string, (request: unknown) => unknown> = {
    "server/discover": (request) => {
      const { params } = DiscoverRequestSchema.parse(request);
      return {
        _meta: { [META_PROTOCOL]: PROTOCOL_2026 },
        protocolVersion: PROTOCOL_2026,
        supportedVersions: [PROTOCOL_2026, ...SUPPORTED_PROTOCOL_VERSIONS],
        capabilities: { tools: {}, extensions: { [TASKS_EXTENSION]: {} } },
        serverInfo: { name: info.name, version: info.version },
        instructions: acceptsTasks(params?._meta) ? `${info.instructions} ${info.taskInstructions}` : info.instructions,
      };
    },
    "tasks/get": (request) => {
      const { taskId } = GetTaskRequestSchema.parse(request).params;
      return known(store.get(taskId), taskId);
    },
    "tasks/cancel": async (request) => {
      const { taskId } = CancelTaskRequestSchema.parse(request).params;
      return known(await store.cancel(taskId), taskId);
    },
    "tasks/update": (request) => {
      const { taskId, inputResponses } = UpdateTaskRequestSchema.parse(request).params;
      known(store.get(taskId), taskId);
      // An answer to a question no longer asked (answered elsewhere meanwhile) is dropped, not an error.
      store.update(taskId, inputResponses ?? {});
      return {};
    },
  };
  // The SDK's own registration refuses tasks/* unless the server declares 2025-11-25's tasks
  // capability, which would invite task-augmented calls of that version from older clients. Methods
  // the SDK has no handler for come here instead.
  server.server.fallbackRequestHandler = async (request) => {
    const handler = handlers[request.method];
    if (handler === undefined) throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`);
    try {
      return (await handler(request)) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof z.ZodError) throw new McpError(ErrorCode.InvalidParams, `Invalid ${request.method} request: ${z.prettifyError(error)}`);
      throw error;
    }
  };
}

function known(task: WireTask | undefined, taskId: string): WireTask & Record<string, unknown> {
  if (task === undefined) throw new McpError(ErrorCode.InvalidParams, `no task ${taskId} (unknown, or expired an hour after it finished)`);
  return { ...task };
}
