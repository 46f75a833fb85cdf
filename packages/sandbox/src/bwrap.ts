// Linux: bubblewrap (Debian's `bubblewrap`). The CLI runs in a user and mount namespace of its
// own: the whole filesystem as it is, but with the view's hidden folders replaced by empty tmpfs
// mounts. A process in a child user namespace cannot reach back through /proc/<pid>/root or
// /proc/<pid>/environ of our processes (ptrace access across user namespaces is refused), holds
// no capability to unmount what covers a secret, and cannot make user namespaces of its own.
import type { SandboxView } from "./view.js";

/** Options every bubblewrap sandbox of ours starts with: the host's files, our namespaces, no capabilities. */
export const BWRAP_BASE = ["--dev-bind", "/", "/", "--unshare-user", "--disable-userns", "--cap-drop", "ALL"] as const;

/** bubblewrap's arguments for `view`, then the command. `ownPids`: a pid namespace, so that nothing it starts outlives it. */
export function bwrapArgs(view: SandboxView, command: { executable: string; args: readonly string[]; cwd: string; ownPids?: boolean }): string[] {
  const out: string[] = [...BWRAP_BASE];
  // With pids of its own, everything in it ends with bubblewrap, which ends with us. Without, the
  // CLI outlives a sudden death of ours for the guardian to kill its whole tree (bash, tail and all):
  // dying with us at once would orphan its children before the guardian could find them.
  if (command.ownPids === true) out.push("--unshare-pid", "--proc", "/proc", "--die-with-parent");
  // Parents before children: a tmpfs first, then what is shown inside it.
  for (const dir of view.hidden) out.push("--tmpfs", dir);
  for (const { path, writable } of view.shown) out.push(writable ? "--bind" : "--ro-bind", path, path);
  for (const { source, target } of view.replaced) out.push("--ro-bind", source, target);
  // Where the agent works stays as it is, even inside a hidden folder.
  if (view.hidden.some((dir) => inside(command.cwd, dir))) out.push("--bind", command.cwd, command.cwd);
  out.push("--chdir", command.cwd, "--", command.executable, ...command.args);
  return out;
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}
