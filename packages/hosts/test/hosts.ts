import type { HostAdapter } from "../src/adapter.js";
import { hostAdapter, type Host } from "../src/registry.js";

/** A host's server part. */
export function serverOf(host: Host): HostAdapter["server"] {
  return hostAdapter(host).server;
}

/** A host's hooks part (fails the test for a host without hooks). */
export function hooksOf(host: Host): NonNullable<HostAdapter["hooks"]> {
  const hooks = hostAdapter(host).hooks;
  if (hooks === undefined) throw new Error(`${host} has no hooks`);
  return hooks;
}
