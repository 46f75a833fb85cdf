import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { isCodedError } from "@subagent-mcp/errors";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TeamHub } from "../src/hub.js";
import { registerTeamTools } from "../src/tools.js";
import { receipt, team, type Team } from "./fakes.js";

// The board tools through a real MCP round trip: a member's refusals come back as the tool's error
// with the board's stable code, and the orchestrator's board_add adds all of its tasks or none.

vi.mock("@subagent-mcp/board", async (importOriginal) => {
  const { withTurnSignal } = await import("./turn-signal.js");
  return withTurnSignal(await importOriginal());
});

let t: Team;
const clients: Client[] = [];
beforeEach(async () => {
  t = await team();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await t.close();
});

type Call = (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;

async function connect(hub: TeamHub, role: Parameters<typeof registerTeamTools>[2]): Promise<Call> {
  const server = new McpServer({ name: "team-test", version: "1.0.0" });
  registerTeamTools(server, hub, role);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientSide);
  clients.push(client);
  return async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function text(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

const tasks = (n: number, prefix = "t"): { key: string; title: string }[] =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, title: `Task ${i}` }));

describe("a member's board tools", () => {
  let call: Call;
  beforeEach(async () => {
    await t.hub.store("team", { max_result_chars: 1000 });
    await t.hub.apply("team", {
      type: "add",
      tasks: [
        { key: "a", title: "Task A", detail: "Write a." },
        { key: "b", title: "Task B" },
      ],
    });
    t.supervisor.add("m1");
    await t.hub.join("team", [{ id: "m1", vendor: "claude" }]);
    call = await connect(t.hub, { self: "m1" });
  });

  it("refuses to claim an unknown key", async () => {
    const r = await call("board_claim", { key: "nope" });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^UNKNOWN_KEY: /);
  });

  it("refuses board_done on a task it did not claim", async () => {
    const r = await call("board_done", { key: "a", result: "did a" });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^NOT_CLAIMER: /);
  });

  it("refuses a result over the board's max_result_chars", async () => {
    expect((await call("board_claim", { key: "a" })).isError).toBeFalsy();
    const r = await call("board_done", { key: "a", result: "x".repeat(1001) });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^RESULT_TOO_LARGE: /);
  });

  it("claims, and records board_done when the turn ends with its receipt", async () => {
    const claimed = await call("board_claim", { key: "a" });
    expect(claimed.isError).toBeFalsy();
    expect(claimed.structuredContent).toMatchObject({ board: "team", claimed: { key: "a", kind: "task", detail: "Write a." } });
    const done = await call("board_done", { key: "a", result: "wrote a" });
    expect(done.isError).toBeFalsy();
    expect(done.structuredContent).toMatchObject({ board: "team", key: "a", recorded: true });
    const before = await call("board", {});
    expect(before.structuredContent).toMatchObject({ holding: ["a"] });
    const r = receipt();
    await t.supervisor.endTurn("m1", { receipt: r });
    const a = (await t.hub.read("team")).tasks.find((x) => x.key === "a");
    expect(a?.state).toMatchObject({ status: "done", by: "m1", result: "wrote a", receipt: r });
  });
});

describe("members claiming at once", () => {
  it("gives a task to exactly one of two members claiming it together", async () => {
    await t.hub.apply("team", { type: "add", tasks: [{ key: "a", title: "Task A" }] });
    t.supervisor.add("m1");
    t.supervisor.add("m2");
    await t.hub.join("team", [
      { id: "m1", vendor: "claude" },
      { id: "m2", vendor: "codex" },
    ]);
    const [one, two] = await Promise.all([connect(t.hub, { self: "m1" }), connect(t.hub, { self: "m2" })]);
    const answers = await Promise.all([one("board_claim", { key: "a" }), two("board_claim", { key: "a" })]);
    expect(answers.filter((r) => r.isError !== true)).toHaveLength(1);
    const refused = answers.find((r) => r.isError === true);
    expect(refused === undefined ? "" : text(refused)).toMatch(/^NOT_CLAIMABLE: /);
    const a = (await t.hub.read("team")).tasks.find((x) => x.key === "a");
    expect(a?.state.status).toBe("claimed");
    // The loser's board shows nothing to take, the winner's what it holds.
    const winner = answers[0].isError === true ? two : one;
    const loser = winner === one ? two : one;
    expect((await winner("board", {})).structuredContent).toMatchObject({ may_take: [], holding: ["a"] });
    expect((await loser("board", {})).structuredContent).toMatchObject({ may_take: [], holding: [] });
  });
});

describe("the orchestrator's board_add", () => {
  let call: Call;
  beforeEach(async () => {
    call = await connect(t.hub, { launch: undefined });
  });

  // A board that a refused add did not make has no tasks.
  const count = async (board = "team"): Promise<number> =>
    (
      await t.hub.read(board).catch((error: unknown) => {
        if (isCodedError(error) && error.code === "UNKNOWN_BOARD") return { tasks: [] };
        throw error;
      })
    ).tasks.length;

  it("refuses a dependency cycle and adds nothing", async () => {
    const r = await call("board_add", {
      tasks: [
        { key: "x", title: "X" },
        { key: "y", title: "Y", depends_on: ["z"] },
        { key: "z", title: "Z", depends_on: ["y"] },
      ],
    });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^DEPENDENCY_CYCLE: /);
    expect(await count()).toBe(0);
  });

  it("refuses more than 1000 tasks, in one add or over several", async () => {
    const one = await call("board_add", { tasks: tasks(1001) });
    expect(one.isError).toBe(true);
    expect(await count()).toBe(0);

    expect((await call("board_add", { tasks: tasks(999) })).isError).toBeFalsy();
    const over = await call("board_add", { tasks: tasks(2, "more") });
    expect(over.isError).toBe(true);
    expect(text(over)).toMatch(/^TOO_MANY_TASKS: /);
    expect(await count()).toBe(999);
  });

  it("refuses a duplicate key, on the board or twice in one add", async () => {
    expect((await call("board_add", { tasks: [{ key: "a", title: "A" }] })).isError).toBeFalsy();
    const again = await call("board_add", {
      tasks: [
        { key: "b", title: "B" },
        { key: "a", title: "A again" },
      ],
    });
    expect(again.isError).toBe(true);
    expect(text(again)).toMatch(/^DUPLICATE_KEY: /);
    const twice = await call("board_add", {
      tasks: [
        { key: "c", title: "C" },
        { key: "c", title: "C again" },
      ],
    });
    expect(text(twice)).toMatch(/^DUPLICATE_KEY: /);
    expect(await count()).toBe(1);
  });

  it("adds to the named board, made with the first add's options", async () => {
    const r = await call("board_add", { board: "plan", max_tries: 5, tasks: tasks(2) });
    expect(r.structuredContent).toEqual({ board: "plan", added: ["t0", "t1"], total: 2 });
    expect((await t.hub.read("plan")).options.max_tries).toBe(5);
    expect(await count("team")).toBe(0);
  });
});
