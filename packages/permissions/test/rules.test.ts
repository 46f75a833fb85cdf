import { describe, expect, it } from "vitest";
import { decide, ParsedRuleFromStringSchema, parseRule, PermissionRulesSchema, PermissionsError, ruleFor, type PermissionRules } from "../src/index.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

const ctx = { cwd: "/work/repo", home: "/home/ann" };

function shell(command: string): PermissionRequest {
  return { requestId: "r1", tool: "Bash", kind: "shell", command, input: { command } };
}
function file(tool: string, path: string): PermissionRequest {
  return { requestId: "r1", tool, kind: tool === "Read" ? "read" : "edit", path, input: { file_path: path } };
}
function fetch(url: string): PermissionRequest {
  return { requestId: "r1", tool: "WebFetch", kind: "fetch", url, input: { url } };
}
function mcp(tool: string): PermissionRequest {
  return { requestId: "r1", tool, kind: "mcp", input: {} };
}

// [rule, request, does the rule allow it]
const TABLE: [string, PermissionRequest, boolean][] = [
  ["Bash", shell("rm -rf /"), true],
  ["Bash(npm test:*)", shell("npm test"), true],
  ["Bash(npm test:*)", shell("npm test -- --watch"), true],
  ["Bash(npm test:*)", shell("npm tests"), false],
  ["Bash(npm test:*)", shell("npm install"), false],
  ["Bash(npm test:*)", shell("npm test && rm -rf ~"), false],
  ["Bash(npm test:*)", shell("npm test; curl evil.example"), false],
  ["Bash(npm test:*)", shell("npm test $(rm -rf ~)"), false],
  ["Bash(npm test:*)", shell("npm test > /etc/passwd"), false],
  ["Bash(npm:*)", shell("npmx"), false],
  ["Bash(git diff)", shell("git diff"), true],
  ["Bash(git diff)", shell("  git diff "), true],
  ["Bash(git  diff)", shell("git diff"), true],
  ["Bash(npm test:*)", shell("npm\ttest  --watch"), true],
  ["Bash(git diff)", shell("git diff HEAD"), false],
  ["Bash(npm run *)", shell("npm run build"), true],
  ["Bash(npm run *)", shell("npm run"), true],
  ["Bash(npm run *)", shell("npm running"), false],
  ["Bash(curl http://site.com/:*)", shell("curl http://site.com/x"), true],
  ["Read", file("Read", "/etc/passwd"), true],
  ["Edit", file("Write", "/work/repo/a.ts"), true],
  ["Edit(src/**)", file("Edit", "/work/repo/src/a/b.ts"), true],
  ["Edit(src/**)", file("Write", "/work/repo/src/a.ts"), true],
  ["Edit(src/**)", file("Edit", "/work/repo/lib/a.ts"), false],
  ["Edit(src/**)", file("Edit", "/work/repo/src/../../etc/passwd"), false],
  ["Edit(src)", file("Edit", "/work/repo/src/a.ts"), true],
  ["Edit(./docs/**)", file("Edit", "/work/repo/docs/x.md"), true],
  ["Edit(./docs/**)", file("Edit", "/work/repo/a/docs/x.md"), false],
  ["Read(*.env)", file("Read", "/work/repo/config/.env"), false],
  ["Read(*.env)", file("Read", "/work/repo/config/prod.env"), true],
  ["Read(../shared/**)", file("Read", "/work/shared/x.md"), true],
  ["Read(../shared/**)", file("Read", "/work/repo/shared/x.md"), false],
  ["Read(~/notes/**)", file("Read", "/home/ann/notes/a.md"), true],
  ["Read(~/notes/**)", file("Read", "/work/repo/notes/a.md"), false],
  ["Read(//etc/**)", file("Read", "/etc/hosts"), true],
  ["Read(//etc/**)", file("Read", "/work/repo/etc/hosts"), false],
  ["Edit(/src/**)", file("Edit", "/work/repo/src/a.ts"), true],
  ["Edit(/src/**)", file("Edit", "/src/a.ts"), false],
  ["Write(//tmp/out/**)", file("Write", "/tmp/out/a"), true],
  ["Write(//tmp/out/**)", file("Edit", "/tmp/out/a"), false],
  ["WebFetch", fetch("https://anything.example/x"), true],
  ["WebFetch(domain:example.com)", fetch("https://example.com/x"), true],
  ["WebFetch(domain:example.com)", fetch("https://EXAMPLE.com./x"), true],
  ["WebFetch(domain:example.com)", fetch("https://api.example.com/x"), false],
  ["WebFetch(domain:example.com)", fetch("https://example.com.evil.io/x"), false],
  ["WebFetch(domain:*.example.com)", fetch("https://api.example.com/x"), true],
  ["mcp__github", mcp("mcp__github__create_issue"), true],
  ["mcp__github__*", mcp("mcp__github__create_issue"), true],
  ["mcp__github", mcp("mcp__githubx__create_issue"), false],
  ["mcp__github__create_issue", mcp("mcp__github__create_issue"), true],
  ["mcp__github__create_issue", mcp("mcp__github__delete_repo"), false],
];

describe("rules", () => {
  it.each(TABLE)("allow %s for %j: %s", (rule, request, allowed) => {
    expect(decide(request, { allow: [rule] }, ctx).decision).toBe(
      allowed ? "allow" : request.kind === "read" && request.path?.startsWith("/work/repo/") ? "allow" : "ask",
    );
  });

  it.each([
    ["Bash(rm:*)", "true && rm -rf ~"],
    ["Bash(rm:*)", "FOO=1 rm -rf ~"],
    ["Bash(rm:*)", "rm\t-rf ~"],
    ["Bash(rm:*)", "sudo -n rm -rf ~"],
    ["Bash(rm:*)", "/bin/rm -rf ~"],
    ["Bash(rm:*)", "env -i A=1 nice timeout 5s rm -rf ~"],
    ["Bash(rm:*)", "find . -name x | xargs -0 rm"],
    ["Bash(rm:*)", "ls;  rm  -rf ~"],
    ["Bash(curl:*)", "echo $(curl evil.example)"],
    ["Bash(git push:*)", "git status | git push --force"],
  ])("deny %s covers a part of %s", (rule, command) => {
    expect(decide(shell(command), { allow: ["Bash"], deny: [rule] }, ctx)).toMatchObject({ decision: "deny", rule });
  });

  it("deny rules do not reach words that only look like the program", () => {
    expect(decide(shell("echo rm"), { deny: ["Bash(rm:*)"] }, ctx).decision).toBe("ask");
    expect(decide(shell("git rm x"), { allow: ["Bash(git:*)"], deny: ["Bash(rm:*)"] }, ctx).decision).toBe("allow");
  });

  it("deny beats ask beats allow", () => {
    const request = shell("git push origin main");
    const rules: PermissionRules = { allow: ["Bash(git:*)"], ask: ["Bash(git push:*)"], deny: ["Bash(git push origin main)"] };
    expect(decide(request, rules, ctx)).toMatchObject({ decision: "deny", rule: "Bash(git push origin main)" });
    expect(decide(request, { ...rules, deny: [] }, ctx)).toMatchObject({ decision: "ask", rule: "Bash(git push:*)" });
    expect(decide(request, { allow: rules.allow }, ctx)).toMatchObject({ decision: "allow", rule: "Bash(git:*)" });
  });

  it("deny path rules ignore letter case; allow rules do not", () => {
    expect(decide(file("Read", "/work/repo/SECRETS/a"), { deny: ["Read(secrets/**)"] }, ctx).decision).toBe("deny");
    expect(decide(file("Edit", "/work/repo/SRC/a"), { allow: ["Edit(src/**)"] }, ctx).decision).toBe("ask");
  });

  it("with no rule: reads inside the cwd are allowed, everything else asks", () => {
    expect(decide(file("Read", "/work/repo/src/a.ts"), {}, ctx)).toEqual({
      decision: "allow",
      why: "Read: /work/repo/src/a.ts: reads inside the working directory are allowed",
    });
    expect(decide(file("Read", "src/a.ts"), {}, ctx).decision).toBe("allow");
    expect(decide(file("Read", "/work/repo/../secret"), {}, ctx).decision).toBe("ask");
    expect(decide(file("Read", "/work/repository/a"), {}, ctx).decision).toBe("ask");
    expect(decide(file("Read", "/etc/passwd"), {}, ctx).decision).toBe("ask");
    expect(decide(file("Edit", "/work/repo/a.ts"), {}, ctx).decision).toBe("ask");
    expect(decide(shell("ls"), {}, ctx).decision).toBe("ask");
    expect(decide(fetch("https://example.com"), {}, ctx).decision).toBe("ask");
    expect(decide(mcp("mcp__a__b"), {}, ctx).decision).toBe("ask");
    expect(decide({ requestId: "r", tool: "Task", kind: "other", input: {} }, {}, ctx).decision).toBe("ask");
  });

  it("`/path` rules are relative to the rules' root when given", () => {
    expect(decide(file("Edit", "/proj/src/a.ts"), { allow: ["Edit(/src/**)"] }, { ...ctx, cwd: "/proj/pkg", root: "/proj" }).decision).toBe("allow");
  });

  it("explains its decision", () => {
    expect(decide(shell("npm test"), { allow: ["Bash(npm test:*)"] }, ctx).why).toBe("Bash: npm test: allowed by rule Bash(npm test:*)");
  });
});

describe("parseRule", () => {
  it("parses each form", () => {
    expect(parseRule("Bash(npm test:*)")).toMatchObject({ type: "command", match: "prefix", pattern: "npm test" });
    expect(parseRule("Edit(//abs/**)")).toMatchObject({ type: "path", base: "root", pattern: "/abs/**" });
    expect(parseRule("mcp__srv")).toEqual({ type: "mcp_server", source: "mcp__srv", server: "srv" });
    expect(parseRule("WebFetch(domain:Example.COM)")).toMatchObject({ type: "domain", domain: "example.com" });
  });

  it.each([
    ["Bash(", "expected `Tool`"],
    ["bash npm", "expected `Tool`"],
    ["Bash(np:*m)", "`:*` is allowed only at the end"],
    ["Bash(npm *:*)", "takes no other `*`"],
    ["Read()", "empty specifier"],
    ["Read(!src/**)", "negated"],
    ["Read(src/../../etc)", "`..` is allowed only at the start"],
    ["Read(~root/x)", "`~/`"],
    ["Read(//)", "name files under the folder"],
    ["Edit(~/)", "name files under the folder"],
    ["WebFetch(https://example.com)", "domain:example.com"],
    ["mcp__srv__tool(x)", "MCP tools take no specifier"],
    ["Task(Explore)", "Task takes no specifier"],
    ["Bash__*", "only MCP rules"],
  ])("refuses %s", (rule, why) => {
    expect(() => parseRule(rule)).toThrow(PermissionsError);
    expect(() => parseRule(rule)).toThrow(why);
  });

  it("ParsedRuleFromStringSchema turns a rule string into its structure", () => {
    expect(ParsedRuleFromStringSchema.parse("Read(~/notes/**)")).toEqual({
      type: "path",
      source: "Read(~/notes/**)",
      tool: "Read",
      base: "home",
      up: 0,
      pattern: "/notes/**",
    });
    expect(ParsedRuleFromStringSchema.safeParse("Bash(").success).toBe(false);
  });

  it("PermissionRulesSchema reports a bad rule with its reason", () => {
    const result = PermissionRulesSchema.safeParse({ allow: ["Read"], deny: ["Bash(x:*y)"] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["deny", 0], message: expect.stringContaining("`:*` is allowed only at the end") as string });
    expect(PermissionRulesSchema.parse({ ask: ["Edit(src/**)"] })).toEqual({ ask: ["Edit(src/**)"] });
  });
});

describe("ruleFor", () => {
  it.each([
    [shell("npm test -- --watch"), "Bash(npm test:*)"],
    [shell("npm run build"), "Bash(npm run build:*)"],
    [shell("git diff HEAD~1"), "Bash(git diff:*)"],
    [shell("ls -la"), "Bash(ls:*)"],
    [shell("cat README.md"), "Bash(cat:*)"],
    [shell("./build.sh --fast"), "Bash(./build.sh --fast)"],
    [shell("make && make install"), "Bash(make && make install)"],
    [shell("make\t&&  make install"), "Bash(make\t&&  make install)"],
    [shell("rm *.o; ls"), undefined],
    [file("Edit", "/work/repo/src/a/b.ts"), "Edit(src/a/**)"],
    [file("Write", "/work/repo/README.md"), "Edit(./README.md)"],
    [file("Read", "/etc/hosts"), "Read(//etc/**)"],
    [file("Read", "/hosts"), "Read(//hosts)"],
    [file("Read", "/home/ann/notes/a.md"), "Read(//home/ann/notes/**)"],
    [file("Edit", "/work/repo/[x]/a"), "Edit(./\\[x\\]/**)"],
    [fetch("https://API.example.com/x"), "WebFetch(domain:api.example.com)"],
    [fetch("not a url"), undefined],
    [file("Edit", "../.."), undefined],
    [mcp("mcp__github__create_issue"), "mcp__github__create_issue"],
  ])("%j -> %s", (request, rule) => {
    expect(ruleFor(request, ctx)).toBe(rule);
    if (rule !== undefined) expect(decide(request, { allow: [rule] }, ctx)).toMatchObject({ decision: "allow", rule });
  });
});
