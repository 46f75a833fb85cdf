import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { LookupContext } from "../src/index.js";

/** A temporary home and a git project (cwd one folder below its root), removed by `cleanup`. */
export interface Fixture extends LookupContext {
  root: string;
  /** Writes a file under the home. */
  inHome(path: string, text: string): string;
  /** Writes a file under the project's root. */
  inProject(path: string, text: string): string;
  cleanup(): void;
}

function write(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

export function fixture(env: Record<string, string | undefined> = {}): Fixture {
  const base = mkdtempSync(join(tmpdir(), "hosts-mcp-"));
  const home = join(base, "home");
  const root = join(base, "repo");
  const cwd = join(root, "pkg");
  mkdirSync(join(root, ".git"), { recursive: true });
  mkdirSync(cwd, { recursive: true });
  mkdirSync(home, { recursive: true });
  return {
    home,
    cwd,
    root,
    env,
    inHome: (path, text) => write(join(home, path), text),
    inProject: (path, text) => write(join(root, path), text),
    cleanup: () => {
      rmSync(base, { recursive: true, force: true });
    },
  };
}
