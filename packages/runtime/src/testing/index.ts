export { FakeContainerRuntime } from "./fake-runtime.js";
export { FakeProcess } from "./fake-process.js";
