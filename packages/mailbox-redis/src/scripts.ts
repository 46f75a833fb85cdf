// Lua scripts run atomically in Redis: each mailbox operation that touches more than one key is one script.

/** The consumer of group "readers" that holds every waiting (unclaimed) entry of a mailbox stream. */
export const HOLDER = "~waiting";

const GROUP = `redis.pcall('XGROUP', 'CREATE', KEYS[1], 'readers', '0', 'MKSTREAM')`;
const HOLD = (key: string): string => `redis.call('XREADGROUP', 'GROUP', 'readers', '${HOLDER}', 'STREAMS', ${key}, '>')`;
const OWNER = (key: string, sid: string): string => `local p = redis.call('XPENDING', ${key}, 'readers', ${sid}, ${sid}, 1)`;

/** KEYS: stream, index, names. ARGV: json, message id, mailbox name. Appends, indexes and hands to the holder. */
export const SEND = `${GROUP}
local sid = redis.call('XADD', KEYS[1], '*', 'm', ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], sid)
redis.call('SADD', KEYS[3], ARGV[3])
${HOLD("KEYS[1]")}
return sid`;

/** KEYS: stream. ARGV: consumer, limit, entry ids in delivery order. Claims those still waiting, up to limit. */
export const CLAIM = `local got = {}
local limit = tonumber(ARGV[2])
for i = 3, #ARGV do
  if #got >= limit then break end
  local p = redis.call('XPENDING', KEYS[1], 'readers', ARGV[i], ARGV[i], 1, '${HOLDER}')
  if #p == 1 then
    redis.call('XCLAIM', KEYS[1], 'readers', ARGV[1], 0, ARGV[i], 'JUSTID')
    got[#got + 1] = ARGV[i]
  end
end
return got`;

/** KEYS: stream, index. ARGV: message id. Removes a claimed message for good; 0 if it was not claimed. */
export const ACK = `local sid = redis.call('HGET', KEYS[2], ARGV[1])
if not sid then return 0 end
${OWNER("KEYS[1]", "sid")}
if #p == 0 or p[1][2] == '${HOLDER}' then return 0 end
redis.call('XACK', KEYS[1], 'readers', sid)
redis.call('XDEL', KEYS[1], sid)
redis.call('HDEL', KEYS[2], ARGV[1])
return 1`;

/**
 * KEYS: source stream, index, target stream. ARGV: message id, entry id, new json, "1" if the source
 * entry must be a claim (else it must just exist), "1" if the target is a mailbox (else dead letters).
 * Replaces the entry by a new one at the target; false if the entry is not (or no longer) there.
 */
export const MOVE = `if ARGV[4] == '1' then
  ${OWNER("KEYS[1]", "ARGV[2]")}
  if #p == 0 or p[1][2] == '${HOLDER}' then return false end
  redis.call('XACK', KEYS[1], 'readers', ARGV[2])
elseif #redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2]) == 0 then
  return false
end
redis.call('XDEL', KEYS[1], ARGV[2])
if ARGV[5] == '1' then
  redis.pcall('XGROUP', 'CREATE', KEYS[3], 'readers', '0', 'MKSTREAM')
  local sid = redis.call('XADD', KEYS[3], '*', 'm', ARGV[3])
  redis.call('HSET', KEYS[2], ARGV[1], sid)
  ${HOLD("KEYS[3]")}
  return sid
end
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('XADD', KEYS[3], '*', 'm', ARGV[3])`;

/** The most entries that are not messages kept per mailbox (the newest); they go after RAW_TTL_MS without a new one. */
export const RAW_KEEP = 100;
export const RAW_TTL_MS = 7 * 24 * 3600 * 1000;

// Keeps an entry that is not a message in the mailbox's bounded, expiring stream of such entries.
const SET_ASIDE = (key: string, raw: string, note: string, from: string): string =>
  `redis.call('XADD', ${key}, 'MAXLEN', ${RAW_KEEP}, '*', 'm', ${raw}, 'note', ${note}, 'from', ${from})
redis.call('PEXPIRE', ${key}, ${RAW_TTL_MS})`;

/**
 * KEYS: stream, set-aside stream. ARGV: entry id, raw text, note. Moves an entry that is not a
 * message (written by something else than us) out of the mailbox into the set-aside stream, which
 * keeps the newest RAW_KEEP; entries of ours never go there.
 */
export const BURY = `${OWNER("KEYS[1]", "ARGV[1]")}
if #p == 0 then return 0 end
redis.call('XACK', KEYS[1], 'readers', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
${SET_ASIDE("KEYS[2]", "ARGV[2]", "ARGV[3]", "'new'")}
return 1`;

/** KEYS: dead letters, set-aside stream. ARGV: entry id, raw text, note. Moves a dead-letter entry that is not a message aside (an earlier version buried such entries among the dead letters). */
export const UNDEAD = `if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
${SET_ASIDE("KEYS[2]", "ARGV[2]", "ARGV[3]", "'dead'")}
return 1`;

/** KEYS: stream. ARGV: consumer, entry ids. Resets the idle time of those entries still claimed by the consumer. */
export const TOUCH = `local n = 0
for i = 2, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], 'readers', ARGV[i], ARGV[i], 1, ARGV[1])
  if #p == 1 then
    redis.call('XCLAIM', KEYS[1], 'readers', ARGV[1], 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n`;

/** KEYS: stream, index, dead letters, names, set-aside stream. ARGV: mailbox name. Deletes a mailbox with nothing in it; 0 if something is. */
export const FORGET = `if redis.call('XLEN', KEYS[1]) > 0 or redis.call('XLEN', KEYS[3]) > 0 or redis.call('XLEN', KEYS[5]) > 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[5])
redis.call('SREM', KEYS[4], ARGV[1])
return 1`;
