import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { afterEach, expect, it } from "vitest";
import { startE2E, TAKES_TASKS, type E2E } from "./e2e.js";

// The built server on stdio and the official MCP client speaking as a task-taking host (the
// `_meta` the interactive Claude Code puts on every request): a sub-agent's permission request is
// the task's input_required form, and only the form's own answer may close it. A tasks/update
// without that answer (none, another key, a malformed one) leaves it open for the real answer.
const Any = z.looseObject({});
interface Task {
  taskId: string;
  status: string;
  inputRequests?: Record<string, unknown>;
}

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

async function raw(s: E2E, method: string, params: Record<string, unknown>): Promise<Task> {
  return (await s.client.request({ method, params: { ...params, _meta: TAKES_TASKS } }, Any)) as unknown as Task;
}

// Asks after the task as the host does, until `done` holds.
async function until(s: E2E, taskId: string, done: (task: Task) => boolean): Promise<Task> {
  for (;;) {
    const task = await raw(s, "tasks/get", { taskId });
    if (done(task)) return task;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it("a stray tasks/update does not use up the permission form; the later real answer decides the request", { timeout: 180_000 }, async () => {
  const s = (e = await startE2E());
  const created = await raw(s, "tools/call", { name: "launch_agent", arguments: { provider: "claude", prompt: "[[shell:touch made-by-form.txt]]" } });
  const asked = await until(s, created.taskId, (t) => t.status === "input_required" || t.status === "completed" || t.status === "failed");
  expect(asked.status).toBe("input_required");
  const [key] = Object.keys(asked.inputRequests ?? {});
  expect(key).toMatch(/^permission-/);
  const strays: Record<string, unknown>[] = [
    {},
    { "permission-someone-else": { action: "accept", content: { decision: "allow" } } },
    { [key as string]: {} },
    { [key as string]: { action: "accept" } },
    { [key as string]: { action: "accept", content: { decision: "maybe" } } },
  ];
  for (const inputResponses of strays) {
    await raw(s, "tasks/update", { taskId: created.taskId, inputResponses });
    await raw(s, "tasks/update", { taskId: created.taskId });
    const still = await raw(s, "tasks/get", { taskId: created.taskId });
    expect(still.status, JSON.stringify(inputResponses)).toBe("input_required");
    expect(Object.keys(still.inputRequests ?? {})).toEqual([key]);
  }
  expect(existsSync(join(s.env.cwd, "made-by-form.txt"))).toBe(false);
  await raw(s, "tasks/update", { taskId: created.taskId, inputResponses: { [key as string]: { action: "accept", content: { decision: "allow" } } } });
  const done = await until(s, created.taskId, (t) => t.status !== "working" && t.status !== "input_required");
  expect(done.status).toBe("completed");
  expect(existsSync(join(s.env.cwd, "made-by-form.txt"))).toBe(true);
});
