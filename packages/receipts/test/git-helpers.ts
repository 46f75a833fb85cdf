// Real repositories in temporary directories, with a git identity of their own (never the user's config).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const home = realpathSync(mkdtempSync(join(tmpdir(), "rc-home-")));
const globalConfig = join(home, "gitconfig");
writeFileSync(globalConfig, "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n");
process.env.GIT_CONFIG_GLOBAL = globalConfig;
process.env.GIT_CONFIG_NOSYSTEM = "1";

/** A fresh real directory (symlinks resolved, so paths compare equal to git's). */
export const tmp = (prefix: string): string => realpathSync(mkdtempSync(join(tmpdir(), prefix)));

/** `git -C dir ...args`, trimmed stdout. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Writes files (making directories) under root. */
export function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

/** A repository with one commit of `files` on main. */
export function makeRepo(files: Record<string, string | Buffer>): string {
  const root = tmp("rc-repo-");
  git(root, "init", "-q");
  write(root, files);
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "initial");
  return root;
}

/** What the user sees of a repository's git state: its index's bytes, `git status`, and its loose objects. */
export function userState(root: string): { index: string; status: string; looseObjects: number } {
  const objects = join(root, ".git", "objects");
  const looseObjects = readdirSync(objects)
    .filter((name) => /^[0-9a-f]{2}$/.test(name))
    .reduce((n, name) => n + readdirSync(join(objects, name)).length, 0);
  return {
    index: readFileSync(join(root, ".git", "index")).toString("base64"),
    status: git(root, "--no-optional-locks", "status", "--porcelain=v2", "--untracked-files=all"),
    looseObjects,
  };
}
