// Shared vitest config. Tests import workspace packages from src/ through a custom export
// condition, so `vitest` never needs a build of the packages under test.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const conditions = ["@subagent-mcp/source", "import", "node", "default"];

/**
 * @param {{ maxWorkers?: number, testTimeout?: number }} [options]
 *   maxWorkers bounds parallel test files: a real agent CLI takes 150-320 MB and the machine has 2 cores.
 */
export function config(options = {}) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ["@subagent-mcp/source"] } },
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      // Each run's temporary files in one folder of its own, removed at its end (tmpdir.js).
      globalSetup: [fileURLToPath(new URL("./tmpdir.js", import.meta.url))],
      pool: "forks",
      maxWorkers: options.maxWorkers ?? 2,
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: options.testTimeout ?? 20_000,
      reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
    },
  });
}
