import type { Supervisor, WaitResult } from "@subagent-mcp/core";
import { WaitOutput } from "@subagent-mcp/contract";
import { describe, expect, it } from "vitest";
import type { ToolDeps } from "../src/deps.js";
import { waitAnswer } from "../src/answers/wait-answer.js";
import type { AgentWorktrees } from "@subagent-mcp/worktrees";
import { isMadeToSchema } from "@subagent-mcp/mcp-transport";
import { objectOf } from "../src/answers/schemas.js";

// `wait`'s answer is marked as built from its output schema's types, so the SDK skips parsing it
// again: every answer it gives must still parse against that schema.

const deps: Pick<ToolDeps, "maxResultChars"> = { maxResultChars: 2_000 };
// No agent of these has a worktree.
const worktrees = { fresh: () => Promise.resolve(undefined) } as unknown as AgentWorktrees;

function supervisorWith(budget?: { exceeded?: string; warnings: string[] }): Supervisor {
  return { get: (id: string) => ({ id, status: "processing", budget, mcpFailed: [{ server: "s", error: "no" }], permissions: [] }) } as unknown as Supervisor;
}

const turn = (agentId: string, result: string): WaitResult["finished"][number] => ({
  agentId,
  status: "finished",
  turn: 2,
  result,
  isError: false,
  interrupted: false,
  usage: { input: 10, output: 5, cacheRead: 1, cacheWrite: 0 },
  costUsd: 0.0123456,
  durationMs: 1234.5,
});

const results: [string, WaitResult, { messages_waiting?: number }][] = [
  ["nothing", { finished: [], permissionRequests: [], stillRunning: [], timedOut: true }, {}],
  [
    "turns, one cut, a request and mail",
    {
      finished: [turn("a1", "done"), turn("a2", "x".repeat(10_000))],
      permissionRequests: [{ agentId: "a3", askedAt: 1, request: { requestId: "r1", tool: "Bash", kind: "shell", command: "ls", input: { command: "ls" } } }],
      stillRunning: ["a3"],
      timedOut: false,
    },
    { messages_waiting: 2 },
  ],
];

describe("waitAnswer", () => {
  for (const [name, result, waiting] of results)
    it(`is marked made to schema and parses against WaitOutput (${name})`, async () => {
      for (const budget of [undefined, { warnings: ["80% of max_turns"] }, { exceeded: "max_turns 2", warnings: [] }]) {
        const answer = await waitAnswer(deps, { supervisor: supervisorWith(budget), worktrees }, result, waiting);
        expect(isMadeToSchema(answer)).toBe(true);
        expect(objectOf(WaitOutput).safeParse(answer.structuredContent).error).toBeUndefined();
      }
    });
});
