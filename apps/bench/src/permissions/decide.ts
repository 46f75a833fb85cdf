import { decide, type PermissionRules } from "@subagent-mcp/permissions";
import { summarize, type Summary } from "../stats.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

// What a rule check costs per request, on the lines sub-agents send: a plain command, a compound
// one, Codex's `bash -lc` wrapping, a wrapper chain, and a read whose path is resolved on disk.

/** One kind of request and what deciding it took (milliseconds). */
export interface DecideResult {
  request: string;
  decision: string;
  ms: Summary;
}

const RULES: PermissionRules = {
  allow: ["Bash(npm test:*)", "Bash(npm run lint:*)", "Bash(git status:*)", "Edit(src/**)"],
  deny: ["Bash(rm:*)", "Bash(git push:*)", "Read(./.env)"],
  ask: ["WebFetch"],
};

const shell = (command: string): PermissionRequest => ({ requestId: "r", tool: "Bash", kind: "shell", command, input: { command } });

const REQUESTS: [string, PermissionRequest][] = [
  ["npm test", shell("npm test -- --watch=false")],
  ["compound", shell("git status && npm test && npm run lint")],
  ["codex bash -lc", shell(`/bin/bash -lc 'npm test -- --ci'`)],
  ["wrapped rm", shell(`sudo -u root env -u X timeout 5 rm -rf build`)],
  ["cat .env", shell("cat ./.env")],
  ["read (realpath)", { requestId: "r", tool: "Read", kind: "read", path: "package.json", input: {} }],
];

/** Times `decide` for each kind of request, `runs` times after a warm-up. */
export function decideBench(runs: number): DecideResult[] {
  const ctx = { cwd: process.cwd(), home: process.env.HOME ?? "/" };
  return REQUESTS.map(([name, request]) => {
    // Each run a line of its own (a trailing comment), so that the parser's cache of readings never answers.
    const nth = (i: number): PermissionRequest => (request.command === undefined ? request : { ...request, command: `${request.command} # run ${i}` });
    for (let i = 0; i < 50; i += 1) decide(nth(-i - 1), RULES, ctx);
    const samples: number[] = [];
    let decision = "";
    for (let i = 0; i < runs; i += 1) {
      const one = nth(i);
      const start = performance.now();
      decision = decide(one, RULES, ctx).decision;
      samples.push(performance.now() - start);
    }
    return { request: name, decision, ms: summarize(samples) };
  });
}
