/**
 * Whether a process with this pid exists on this machine. Signal 0 only checks; EPERM means it
 * exists under another user. A pid of 0 or less names a group, never one process: not alive.
 */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
