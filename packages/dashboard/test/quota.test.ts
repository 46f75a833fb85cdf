import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stateLayout } from "@subagent-mcp/state";
import { afterEach, describe, expect, it } from "vitest";
import type { DashboardState } from "@subagent-mcp/contract";
import { quotaNow } from "../src/quota.js";
import { setup, type Setup } from "./helpers.js";

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

// What a server writes when its CLIs report windows: by provider, each window with its percent and reset.
function report(stateDir: string, windows: Record<string, object[]>): void {
  const path = stateLayout(stateDir).rateLimits;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(windows)}\n`);
}

describe("subscription windows on the page", () => {
  it("shows each provider's windows in force with used percent and reset time; an ended one is left out", async () => {
    s = await setup();
    const now = Date.now();
    const resets = now + 2 * 3_600_000;
    report(s.stateDir, {
      codex: [
        { window: "primary", status: "warning", usedPercent: 95, resetsAt: resets, at: now },
        { window: "secondary", status: "ok", usedPercent: 10, resetsAt: now - 1, at: now - 10 },
      ],
      gemini: [{ window: "quota", status: "exhausted", at: now }],
    });
    const state = (await (await fetch(s.at("/api/state"))).json()) as DashboardState;
    expect(state.quota).toEqual([
      { provider: "codex", window: "primary", status: "warning", used_percent: 95, resets_at: new Date(resets).toISOString() },
      { provider: "gemini", window: "quota", status: "exhausted" },
    ]);
  });

  it("is empty without a report, or with a file that cannot be read", () => {
    const dir = `/nonexistent-${process.pid}`;
    expect(quotaNow(dir)).toEqual([]);
  });
});
