import { describe, expect, expectTypeOf, it } from "vitest";
import {
  machineOut,
  MachineSchema,
  NodeInfoSchema,
  RemoteWorktreeSchema,
  worktreeOut,
  WorktreeOutSchema,
  type NodeInfo,
  type RemoteWorktree,
  type WorktreeOut,
} from "../src/index.js";

describe("the machine and the remote worktree, one definition each", () => {
  it("shows a node's heartbeat as list_machines does, aged from its time", () => {
    const beat: NodeInfo = NodeInfoSchema.parse({
      name: "b",
      host: "h",
      pid: 1,
      providers: [{ provider: "claude", version: "2", cap: 2, free: 1 }],
      load: 0.5,
      labels: ["gpu"],
      startedAt: 0,
      at: 1_000,
    });
    const shown = machineOut(beat, 3_500);
    expect(MachineSchema.parse(shown)).toEqual({ name: "b", host: "h", providers: beat.providers, load: 0.5, labels: ["gpu"], seconds_since_heartbeat: 2.5 });
    expectTypeOf<NodeInfo>().toExtend<Parameters<typeof machineOut>[0]>();
  });

  it("reports a node's worktree in the tools' shape, counts only once read", () => {
    const where = { path: "/w", branch: "subagent/w", base: "HEAD" };
    const active: RemoteWorktree = RemoteWorktreeSchema.parse(worktreeOut(where, "active", undefined));
    expect(active).toEqual({ ...where, state: "active" });
    const counted = worktreeOut(where, "kept", { head: "abc", changed_files: 2, uncommitted: 1, ahead: 1 });
    expect(WorktreeOutSchema.parse(counted)).toEqual({ ...where, state: "kept", head: "abc", changed_files: 2, uncommitted: 1, ahead: 1 });
    // A node's worktree is never "releasing" and carries no pool task.
    expect(RemoteWorktreeSchema.safeParse({ ...where, state: "releasing" }).success).toBe(false);
    expectTypeOf<RemoteWorktree>().toExtend<WorktreeOut>();
  });
});
