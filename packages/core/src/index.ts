export * from "./errors.js";
export * from "./placement.js";
