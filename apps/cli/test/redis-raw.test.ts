import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { cli, freshPrefix, machine, useRedisBed } from "./redis-machines.js";

const bed = useRedisBed();
const { started } = bed;

describe("stream entries on Redis that are not our messages", () => {
  it("subagent-mcp mail sets them aside (the newest 100, said as quarantined) and keeps every message of ours", { timeout: 60_000 }, async () => {
    const prefix = freshPrefix();
    const m = await machine(started, bed.fake, bed.redis.url, prefix);
    expect((await cli(m, ["send", "w", "ours"])).exitCode).toBe(0);
    // Something else writing straight into the mailbox's stream.
    const redisCli = (input: string) => execa("redis-cli", ["-p", String(bed.redis.port)], { input });
    await redisCli(Array.from({ length: 250 }, (_, i) => `XADD ${prefix}:mb:w * m not-ours-${i}`).join("\n"));
    const out = await cli(m, ["mail", "w", "--json"]);
    expect(out.exitCode, out.stderr).toBe(0);
    const shown = JSON.parse(out.stdout) as { waiting: { body: string }[]; quarantined: { reason: string }[] };
    expect(shown.waiting.map((w) => w.body)).toEqual(["ours"]);
    expect(shown.quarantined).toHaveLength(100);
    const text = await cli(m, ["mail", "w"]);
    expect(text.stdout).toContain("1 waiting, 0 being answered, 0 dead, 100 quarantined");
    expect(text.stdout).toContain("the newest 100 kept in Redis for a week");
    expect((await redisCli(`XLEN ${prefix}:mb:w`)).stdout.trim()).toBe("1");
  });
});
