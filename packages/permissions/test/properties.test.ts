import { posix } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide, parseRule, ruleFor } from "../src/index.js";
import { WRAPPERS } from "../src/wrappers.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

const ctx = { cwd: "/work/repo", home: "/home/ann" };

const name = fc.stringMatching(/^[a-z0-9_][a-z0-9_.-]{0,7}$/).filter((n) => n !== "." && n !== "..");
const segment = fc.oneof({ weight: 4, arbitrary: name }, { weight: 1, arbitrary: fc.constantFrom("..", ".", "") });
const path = fc
  .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 6 }))
  .map(([absolute, parts]) => `${absolute ? "/work/repo/" : ""}${parts.join("/")}`);
// Plain program names and arguments: not the shell's reserved words (`in a -x` is no command), nor
// a wrapper the matcher looks through (every one of WRAPPERS: `su a`, `sudo`, `env` ...), nor the
// commands that run others (`sh -c`, `eval`, `find -exec` ...), whose rules differ.
const SPECIAL = new Set([
  ..."if then else elif fi do done case esac while until for in function select coproc eval watch sh bash zsh dash ksh mksh ash yash find source".split(" "),
  ...Object.keys(WRAPPERS),
]);
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/).filter((w) => !SPECIAL.has(w));
const meta = fc.constantFrom(" && ", "; ", " | ", " || ", " $(", " `", " > ", " < ", "\n", " & ");
const chain = fc.constantFrom(" && ", "; ", " | ", " || ", " $(", " `", "\n", " & ");
const command = fc
  .array(fc.oneof(word, fc.constantFrom("-x", "--watch", "a.txt", "*.ts")), { minLength: 1, maxLength: 5 })
  .chain((words) => fc.constantFrom(" ", "  ", "\t").map((blank) => words.join(blank)));

const shell = (cmd: string): PermissionRequest => ({ requestId: "r", tool: "Bash", kind: "shell", command: cmd, input: {} });
const edit = (p: string): PermissionRequest => ({ requestId: "r", tool: "Edit", kind: "edit", path: p, input: {} });
const read = (p: string): PermissionRequest => ({ requestId: "r", tool: "Read", kind: "read", path: p, input: {} });

const request: fc.Arbitrary<PermissionRequest> = fc.oneof(
  command.map(shell),
  fc.tuple(command, meta, command).map(([a, m, b]) => shell(`${a}${m}${b}`)),
  path.map(edit),
  path.map(read),
  fc.tuple(word, word).map(([s, t]) => ({ requestId: "r", tool: `mcp__${s}__${t}`, kind: "mcp" as const, input: {} })),
  fc
    .tuple(word, fc.constantFrom("com", "org"))
    .map(([d, tld]) => ({ requestId: "r", tool: "WebFetch", kind: "fetch" as const, url: `https://${d}.${tld}/x`, input: {} })),
);

const inside = (base: string, p: string): boolean => posix.resolve(ctx.cwd, p).startsWith(`${base}/`);

describe("matcher properties", () => {
  it("a folder rule allows exactly the paths that resolve under that folder (`..` never escapes into it)", () => {
    fc.assert(
      fc.property(name, path, (dir, p) => {
        const allowed = decide(edit(p), { allow: [`Edit(./${dir}/**)`] }, ctx).decision === "allow";
        expect(allowed).toBe(inside(`/work/repo/${dir}`, p));
      }),
    );
  });

  it("a prefix rule allows the prefix with any plain arguments, and nothing chained after it", () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 2 }), command, meta, command, (prefix, rest, op, tail) => {
        // A tail that is itself the prefixed command is allowed on its own (`b -x && b a` under `Bash(b:*)`).
        fc.pre(tail.split(/\s+/)[0] !== prefix[0]);
        const rule = `Bash(${prefix.join(" ")}:*)`;
        const plain = `${prefix.join(" ")} ${rest}`;
        expect(decide(shell(plain), { allow: [rule] }, ctx).decision).toBe("allow");
        expect(decide(shell(`${plain}${op}${tail}`), { allow: [rule] }, ctx).decision).toBe("ask");
        expect(decide(shell(`${prefix.join(" ")}x ${rest}`), { allow: [rule] }, ctx).decision).toBe("ask");
      }),
    );
  });

  it("a deny rule for a command denies it anywhere in a compound command, whatever allows", () => {
    fc.assert(
      fc.property(word, command, chain, command, (program, before, op, args) => {
        const outcome = decide(shell(`${before}${op}${program} ${args}`), { allow: ["Bash", `Bash(${before}:*)`], deny: [`Bash(${program}:*)`] }, ctx);
        expect(outcome.decision).toBe("deny");
      }),
    );
  });

  const rulePool = fc.constantFrom(
    "Bash",
    "Bash(npm:*)",
    "Bash(git diff)",
    "Read",
    "Edit(src/**)",
    "Read(//etc/**)",
    "Edit",
    "WebFetch(domain:ab.com)",
    "mcp__ab",
    "Bash(a*)",
    "Read(*.txt)",
  );
  const lists = fc.record({
    allow: fc.array(rulePool, { maxLength: 4 }),
    deny: fc.array(rulePool, { maxLength: 2 }),
    ask: fc.array(rulePool, { maxLength: 2 }),
  });

  it("deny beats ask beats allow, and each outcome names a rule of its own list", () => {
    fc.assert(
      fc.property(request, lists, (req, rules) => {
        const outcome = decide(req, rules, ctx);
        const denied = decide(req, { deny: rules.deny }, ctx).decision === "deny";
        const asked = decide(req, { ask: rules.ask }, ctx).rule !== undefined;
        if (denied) expect(outcome.decision).toBe("deny");
        else if (asked) expect(outcome.decision).toBe("ask");
        if (outcome.rule !== undefined) expect(rules[outcome.decision]).toContain(outcome.rule);
      }),
    );
  });

  it("with no rules only reads inside the cwd are allowed", () => {
    fc.assert(
      fc.property(request, (req) => {
        const expected = req.kind === "read" && req.path !== undefined && (posix.resolve(ctx.cwd, req.path) === ctx.cwd || inside(ctx.cwd, req.path));
        expect(decide(req, {}, ctx).decision).toBe(expected ? "allow" : "ask");
      }),
    );
  });

  it("the rule an allow_always adds parses and allows the request it came from", () => {
    fc.assert(
      fc.property(request, (req) => {
        const rule = ruleFor(req, ctx);
        if (rule === undefined) return;
        expect(() => parseRule(rule)).not.toThrow();
        expect(decide(req, { allow: [rule] }, ctx)).toMatchObject({ decision: "allow", rule });
      }),
    );
  });
});
