/**
 * resume-tokens.js: where a player's place in a game is kept between page loads, so a
 * reload or a Wi-Fi drop resumes instead of joining again.
 *
 *   const tokens = tokenStore("local" | "session" | "memory");   // "memory" never touches storage
 *   tokens.get(pin) -> {token, saved_at, ...} | null; tokens.set(pin, {token, ...});
 *   tokens.forget(pin); tokens.latest(maxAgeMs, filter?) -> {pin, token, ...} | null; tokens.clear().
 *
 * Keys are "qk.resume.<PIN>". Storage that is off (private mode) or full falls back to memory.
 * tokenStore(kind, prefix, storage) takes a Storage-like object instead (tests).
 */

function storageOf(kind) {
  try {
    const storage = kind === "local" ? window.localStorage : window.sessionStorage;
    const probe = "qk.probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch (error) {
    return null; // private mode or storage disabled: memory only
  }
}

export function tokenStore(kind, prefix, given) {
  const keyPrefix = prefix || "qk.resume.";
  const storage = given || (kind === "memory" ? null : storageOf(kind));
  const memory = new Map();

  function read(key) {
    const raw = storage ? storage.getItem(key) : memory.get(key);
    if (!raw) return null;
    try {
      const value = JSON.parse(raw);
      return value && typeof value.token === "string" ? value : null;
    } catch (error) {
      return null;
    }
  }

  function keys() {
    if (!storage) return Array.from(memory.keys());
    const found = [];
    for (let i = 0; i < storage.length; i += 1) {
      const key = storage.key(i);
      if (key && key.indexOf(keyPrefix) === 0) found.push(key);
    }
    return found;
  }

  return {
    get(pin) {
      return pin ? read(keyPrefix + pin) : null;
    },
    set(pin, data) {
      const value = JSON.stringify(Object.assign({}, data, { saved_at: Date.now() }));
      if (storage) {
        try {
          storage.setItem(keyPrefix + pin, value);
          return;
        } catch (error) {
          /* full: keep it in memory */
        }
      }
      memory.set(keyPrefix + pin, value);
    },
    forget(pin) {
      if (storage) storage.removeItem(keyPrefix + pin);
      memory.delete(keyPrefix + pin);
    },
    latest(maxAgeMs, filter) {
      let best = null;
      for (const key of keys()) {
        const value = read(key);
        if (!value || Date.now() - (value.saved_at || 0) > maxAgeMs) continue;
        if (filter && !filter(value)) continue;
        if (!best || value.saved_at > best.saved_at) {
          best = Object.assign({ pin: key.slice(keyPrefix.length) }, value);
        }
      }
      return best;
    },
    clear() {
      for (const key of keys()) {
        if (storage) storage.removeItem(key);
      }
      memory.clear();
    },
  };
}
