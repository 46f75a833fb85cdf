import { HooksError } from "../src/errors.js";

/** The HooksError an edit refuses with (fails the test when it throws nothing or something else). */
export function thrown(edit: () => unknown): HooksError {
  try {
    edit();
  } catch (error) {
    if (error instanceof HooksError) return error;
    throw error;
  }
  throw new Error("expected a HooksError, nothing was thrown");
}
