// A small seeded random generator (mulberry32): the same plan seed gives the same inputs and orders on every
// machine, so a report can be reproduced.

export function rng(seed) {
  let a = (Number(seed) >>> 0) || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi]. */
export function intBetween(next, lo, hi) {
  return lo + Math.floor(next() * (hi - lo + 1));
}

export function choice(next, items) {
  return items[Math.floor(next() * items.length)];
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled(next, items) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Mixes a string into a seed, so each function gets its own stream from one plan seed. */
export function seedFor(seed, text) {
  let h = (Number(seed) >>> 0) ^ 0x811c9dc5;
  for (const ch of String(text)) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
