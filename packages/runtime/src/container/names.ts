import { randomBytes, randomInt } from "node:crypto";

const ADJECTIVES = [
  "brave",
  "calm",
  "eager",
  "fancy",
  "gentle",
  "happy",
  "jolly",
  "keen",
  "lucid",
  "merry",
  "nifty",
  "proud",
  "quirky",
  "serene",
  "tender",
  "vivid",
  "witty",
  "zen",
];
const NAMES = [
  "turing",
  "hopper",
  "lovelace",
  "ritchie",
  "thompson",
  "torvalds",
  "knuth",
  "liskov",
  "hamilton",
  "dijkstra",
  "lamport",
  "perlman",
  "allen",
  "wozniak",
  "cerf",
  "kahn",
];

/** A 64-hex-digit container ID. */
export function newContainerId(): string {
  return randomBytes(32).toString("hex");
}

/** A Docker-style random name such as `merry_lovelace`. */
export function randomName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${NAMES[randomInt(NAMES.length)]}`;
}

/** Container names Docker accepts: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`. */
export const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
