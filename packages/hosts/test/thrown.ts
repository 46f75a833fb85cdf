import { HostsError } from "../src/errors.js";

/** The HostsError an edit refuses with (fails the test when it throws nothing or something else). */
export function thrown(edit: () => unknown): HostsError {
  try {
    edit();
  } catch (error) {
    if (error instanceof HostsError) return error;
    throw error;
  }
  throw new Error("expected a HostsError, nothing was thrown");
}
