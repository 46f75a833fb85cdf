import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError, SUPPORTED_PROTOCOL_VERSIONS, type RequestId } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Delivery } from "../transport/delivery.js";
import { guard } from "../answers/result.js";
import type { TaskStore, TaskWork } from "./store.js";
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
} from "./wire.js";

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

/** Where a tool call stands: its request, and what the host said it takes. */
export interface CallContext {
  requestId: RequestId;
  _meta?: unknown;
}

/**
 * Makes a tool call a task when its host takes tasks: starts `work` under `taskId`, and the answer
 * to the call becomes the task (the handler's own result, which the SDK checks, is not sent).
 * Returns false, and does nothing, for a host that does not (its call answers as always).
 */
export function delegate(
  deps: { tasks?: TaskStore; delivery: Delivery },
  call: CallContext,
  taskId: string,
  statusMessage: string,
  work: () => TaskWork,
): boolean {
  if (deps.tasks === undefined || !acceptsTasks(call._meta)) return false;
  const made = work();
  // Our errors end the task as they would have ended the call: a tool error saying what to fix.
  const task = deps.tasks.start(taskId, statusMessage, { run: (control) => guard(() => made.run(control)), cancel: () => made.cancel() });
  deps.delivery.instead(call.requestId, { resultType: "task", ...task });
  return true;
}
