import { z } from "zod";
import { afterEach, expect, it } from "vitest";
import { startE2E, TAKES_TASKS, type E2E } from "./e2e.js";
import { memberScript } from "./team-driver.js";

// launch_team for a host that takes MCP tasks (the `_meta` the interactive Claude Code puts on every
// request): the call becomes a task that follows the board, its status each change, and completes
// with the board once all is done.
const Any = z.looseObject({});
interface Task {
  taskId: string;
  status: string;
  statusMessage?: string;
  result?: { structuredContent?: { tasks: { key: string; status: string }[] } };
}

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

const raw = async (s: E2E, method: string, params: Record<string, unknown>): Promise<Task> =>
  (await s.client.request({ method, params: { ...params, _meta: TAKES_TASKS } }, Any)) as unknown as Task;

it("launch_team is a task that follows the board to its end", { timeout: 180_000 }, async () => {
  const s = (e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }));
  s.fakes.claude.script(memberScript("claude"));
  await s.call("board_add", {
    board: "tasked",
    tasks: [
      { key: "a", title: "first" },
      { key: "b", title: "second", depends_on: ["a"] },
    ],
  });
  const created = await raw(s, "tools/call", { name: "launch_team", arguments: { board: "tasked", members: [{ provider: "claude" }] } });
  expect(created.taskId).toMatch(/^team-tasked-/);
  const seen = new Set<string>();
  let task = created;
  while (task.status === "working") {
    task = await raw(s, "tasks/get", { taskId: created.taskId });
    if (task.statusMessage !== undefined) seen.add(task.statusMessage);
    if (task.status === "working") await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(task.status).toBe("completed");
  expect(task.result?.structuredContent?.tasks.map((t) => [t.key, t.status])).toEqual([
    ["a", "done"],
    ["b", "done"],
  ]);
  expect([...seen].some((m) => m.startsWith('board "tasked": done a'))).toBe(true);
});
