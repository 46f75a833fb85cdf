import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CodedError, isCodedError } from "@subagent-mcp/errors";
import { describe, expect, it } from "vitest";

// Every error a package exports must be one of ours (the server's guard() answers only branded errors
// and calls the rest bugs). The classes are found, not listed: every entry point each workspace
// package exports is imported from its sources, so a new package's error is held to this unedited.
const packagesDir = join(import.meta.dirname, "..", "..", "..", "packages");

type ErrorClass = new (...args: never[]) => Error;

/** Constructor arguments of the classes that do not take `(code, message)`, and the code they set. */
const samples: Record<string, { args: unknown[]; code: string }> = {
  CliRunError: { args: ["claude", "start", { stdout: "", stderr: "" }, "exited"], code: "CLI_RUN_FAILED" },
};

/** Each exported entry point of each package, as `@subagent-mcp/x` or `@subagent-mcp/x/sub` and its source file. */
function entryPoints(): { entry: string; file: string }[] {
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((dir) => dir.isDirectory())
    .flatMap((dir) => {
      const manifest = JSON.parse(readFileSync(join(packagesDir, dir.name, "package.json"), "utf8")) as {
        name: string;
        exports?: Record<string, Record<string, string>>;
      };
      return Object.entries(manifest.exports ?? {}).map(([path, conditions]) => ({
        entry: join(manifest.name, path),
        file: join(packagesDir, dir.name, conditions["@subagent-mcp/source"] ?? conditions.default ?? ""),
      }));
    });
}

/** The classes each package's src/errors.ts declares. */
function declaredErrorClasses(): string[] {
  return readdirSync(packagesDir).flatMap((name) => {
    const file = join(packagesDir, name, "src", "errors.ts");
    if (!existsSync(file)) return [];
    return [...readFileSync(file, "utf8").matchAll(/^export class (\w+)/gm)].map((match) => match[1] ?? "");
  });
}

/** The exported classes whose prototype chain reaches Error, by entry point and export name. */
async function exportedErrorClasses(): Promise<{ where: string; cls: ErrorClass }[]> {
  const found = new Map<ErrorClass, string>();
  for (const { entry, file } of entryPoints()) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== "function" || !(value.prototype instanceof Error) || value === CodedError) continue;
      if (!found.has(value as ErrorClass)) found.set(value as ErrorClass, `${entry} ${name}`);
    }
  }
  return [...found].map(([cls, where]) => ({ where, cls }));
}

/** What is wrong with `cls` as an exported error of ours; empty when nothing is. */
function brandProblems(cls: ErrorClass): string[] {
  const sample = samples[cls.name] ?? { args: ["BRAND_CHECK", "brand check"], code: "BRAND_CHECK" };
  let error: Error;
  try {
    error = new (cls as new (...args: unknown[]) => Error)(...sample.args);
  } catch (cause) {
    return [`its constructor does not take (code, message); add its arguments to \`samples\` (${String(cause)})`];
  }
  const problems: string[] = [];
  if (!(cls.prototype instanceof CodedError)) problems.push("does not extend CodedError (@subagent-mcp/errors)");
  if (!isCodedError(error)) problems.push("an instance is not branded (isCodedError is false)");
  if ((error as { code?: unknown }).code !== sample.code)
    problems.push(`code is ${String((error as { code?: unknown }).code)}, not the ${sample.code} it was given`);
  if (error.name !== cls.name) problems.push(`name is "${error.name}", not its own "${cls.name}"`);
  return problems;
}

describe("every exported error", () => {
  it("is a branded CodedError with its code and its own name", async () => {
    const classes = await exportedErrorClasses();
    // Each package's one error class (src/errors.ts) is found: a miss means the discovery broke.
    const found = classes.map(({ cls }) => cls.name);
    expect(found).toEqual(expect.arrayContaining(declaredErrorClasses()));
    const problems = classes.flatMap(({ where, cls }) => brandProblems(cls).map((problem) => `${where}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it("finds an Error subclass that is not ours", () => {
    class PlainError extends Error {}
    class UnnamedError extends CodedError<"X"> {}
    expect(brandProblems(PlainError)).toContain("does not extend CodedError (@subagent-mcp/errors)");
    expect(brandProblems(UnnamedError)).toEqual([`name is "Error", not its own "UnnamedError"`]);
  });
});
