import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stateLayout, workerLayout } from "../src/index.js";

describe("workerLayout", () => {
  it("names a worker's files as they have always been on disk", () => {
    const dir = join(stateLayout("/s").workers, "helper");
    expect(workerLayout(dir)).toEqual({
      session: "/s/workers/helper/session.json",
      turns: "/s/workers/helper/turns.jsonl",
      lock: "/s/workers/helper/worker.lock",
      permissions: "/s/workers/helper/permissions",
      budget: "/s/workers/helper/budget.json",
      status: "/s/workers/helper/status.json",
    });
  });
});
