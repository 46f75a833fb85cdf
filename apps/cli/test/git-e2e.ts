import { execa } from "execa";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

// Real git for the worktree tests: an identity of its own, files written with their folders, and a
// checkout's bytes to prove it untouched.

const IDENTITY = ["-c", "user.name=Test User", "-c", "user.email=test@example.com"];

/** Runs git in `dir` and returns its stdout. */
export async function git(dir: string, ...args: string[]): Promise<string> {
  return (await execa("git", [...IDENTITY, "-C", dir, ...args], { env: { LC_ALL: "C" } })).stdout;
}

/** Writes `text` to `path`, making its folders. */
export function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Every file of a checkout but .git, with its bytes: what "untouched" is measured against. */
export function snapshot(root: string, dir = root, out: Record<string, string> = {}): Record<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".git") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) snapshot(root, path, out);
    else out[relative(root, path)] = readFileSync(path).toString("base64");
  }
  return out;
}
