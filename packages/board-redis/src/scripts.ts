// The two Lua scripts of the board. Redis runs a script alone, so what one reads and writes is a
// single step for every client of the server, whichever connection it came on.

/**
 * Pushes ARGV[2] onto the journal KEYS[1] only while the journal holds exactly ARGV[1] entries:
 * the ones the operation was applied after. Returns the new length, or -1 when someone pushed
 * first (the caller catches up and applies its operation again).
 */
export const APPEND_AFTER = `
if redis.call('LLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return -1 end
return redis.call('RPUSH', KEYS[1], ARGV[2])
`;

/**
 * The journal KEYS[1] from entry ARGV[1] on, as {from, entries}. A journal shorter than ARGV[1]
 * was removed and started again: then `from` is 0 and the entries are all of it, folded anew.
 */
export const READ_FROM = `
local from = tonumber(ARGV[1])
if redis.call('LLEN', KEYS[1]) < from then from = 0 end
return {from, redis.call('LRANGE', KEYS[1], from, -1)}
`;
