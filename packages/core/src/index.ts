export * from "./errors.js";
export * from "./placement.js";
export * from "./filters.js";
export * from "./coalescer.js";
