import { HostConfigError } from "../src/errors.js";

/** The HostConfigError an edit refuses with (fails the test when it throws nothing or something else). */
export function thrown(edit: () => unknown): HostConfigError {
  try {
    edit();
  } catch (error) {
    if (error instanceof HostConfigError) return error;
    throw error;
  }
  throw new Error("expected a HostConfigError, nothing was thrown");
}
