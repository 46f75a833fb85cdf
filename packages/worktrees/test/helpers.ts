// Real repositories in temporary directories, with a git identity of their own (never the user's config).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

const home = realpathSync(mkdtempSync(join(tmpdir(), "wt-home-")));
const globalConfig = join(home, "gitconfig");
writeFileSync(globalConfig, "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n");
process.env.GIT_CONFIG_GLOBAL = globalConfig;
process.env.GIT_CONFIG_NOSYSTEM = "1";

/** A fresh real directory (symlinks resolved, so paths compare equal to git's). */
export const tmp = (prefix: string): string => realpathSync(mkdtempSync(join(tmpdir(), prefix)));

/** `git -C dir ...args`, trimmed stdout. */
export function sh(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Writes files (making directories) under root. */
export function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

/** A repository with one commit of `files` on main. */
export function makeRepo(files: Record<string, string> = { "README.md": "hello\n", "src/app.ts": "export {};\n" }): string {
  const root = tmp("wt-repo-");
  sh(root, "init", "-q");
  write(root, files);
  sh(root, "add", "-A");
  sh(root, "commit", "-q", "-m", "initial");
  return root;
}

/** Every file's bytes under root (outside .git) plus `git status --porcelain`: the user's checkout as seen. */
export function checkoutState(root: string): { files: Record<string, string>; porcelain: string } {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === ".git") continue;
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path, "base64");
    }
  };
  walk(root);
  return { files, porcelain: sh(root, "status", "--porcelain", "--untracked-files=all") };
}

/** The pid of a process that has exited and been reaped. */
export function deadPid(): number {
  return spawnSync("true").pid;
}

/** Local branch names of a repository. */
export const branches = (root: string): string[] => sh(root, "for-each-ref", "--format=%(refname:short)", "refs/heads").split("\n").filter(Boolean);
