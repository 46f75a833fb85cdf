import type { Session } from "../driver/driver.js";

/**
 * `session` with its turns held back until `ready` settles: what is sent meanwhile goes to the CLI
 * then, in order, and a reset waits behind it. Everything else (interrupt, close, kill, its pid)
 * reaches the CLI at once. Why: a witness reads an agent's tree before its first turn can write
 * (see TurnWitness.begin), so the first prompt cannot reach the CLI before that read is done.
 */
export function heldUntil(session: Session, ready: Promise<void>): Session {
  let held: string[] | undefined = [];
  const released = ready.then(
    () => undefined,
    () => undefined,
  );
  void released.then(() => {
    const texts = held ?? [];
    held = undefined;
    for (const text of texts) session.send(text);
  });
  const send = (text: string): void => {
    if (held === undefined) session.send(text);
    else held.push(text);
  };
  const reset = async (): Promise<void> => {
    await released;
    await session.reset();
  };
  return new Proxy(session, {
    get(target, key) {
      if (key === "send") return send;
      if (key === "reset") return reset;
      const value: unknown = Reflect.get(target, key, target);
      // Its methods run on the session itself: a driver's session keeps its state in private fields.
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
