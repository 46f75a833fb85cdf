import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { agentDefinitionSource } from "@subagent-mcp/agents/pool";
import { serverHarness, type ServerHarness } from "./harness.js";

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("pool agents whose definition has a problem", () => {
  it("invoke, warmup and reset name the file and its problem instead of 'no pool agent'", async () => {
    const root = mkdtempSync(join(tmpdir(), "pool-problems-"));
    const cwd = join(root, "project");
    const agents = join(cwd, ".claude", "agents");
    mkdirSync(agents, { recursive: true });
    writeFileSync(join(agents, "broken.md"), "---\nname: broken\ntools: [Read\n---\nbody\n");
    writeFileSync(join(agents, "z.md"), "---\nname: zero\nreplicas: 0\n---\nbody\n");
    writeFileSync(join(agents, "ops.md"), "---\nname: ops\npermission_mode: bypassPermissions\n---\nbody\n");
    const env = { HOME: join(root, "home"), XDG_CONFIG_HOME: join(root, "home", ".config"), XDG_STATE_HOME: join(root, "home", "state") };
    const s = (h = await serverHarness({ server: { definitions: agentDefinitionSource({ cwd, home: env.HOME, env }) } }));

    expect(await s.callError("invoke", { agent: "broken", task: "x" })).toMatch(
      new RegExp(`^pool agent "broken" cannot be used: ${agents}/broken\\.md:\\d+: YAML: `),
    );
    expect(await s.callError("invoke", { agent: "zero", task: "x" })).toMatch(new RegExp(`^pool agent "zero" cannot be used: ${agents}/z\\.md:3: replicas: `));
    const ops = await s.callError("invoke", { agent: "ops", task: "x" });
    expect(ops).toContain(`pool agent "ops" cannot be used: ${agents}/ops.md: permission_mode bypassPermissions in a project's definition need your trust`);
    expect(ops).toContain(`subagent-mcp trust --root ${cwd}`);
    expect(await s.callError("warmup", { agent: "ops" })).toContain(`${agents}/ops.md: permission_mode bypassPermissions`);
    expect(await s.callError("reset", { agent: "zero" })).toContain(`${agents}/z.md:3: replicas: `);
    expect(await s.callError("invoke", { agent: "nobody", task: "x" })).toBe(
      'no pool agent named "nobody" (defined: none); list_pool shows 3 problem(s) with definition files',
    );

    const listed = await s.call<{ agents: unknown[]; problems: string[] }>("list_pool");
    expect(listed.agents).toEqual([]);
    expect(listed.problems).toHaveLength(3);
    expect(listed.problems.join("\n")).toContain(`${agents}/ops.md: permission_mode bypassPermissions`);
  });
});
