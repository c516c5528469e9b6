export { NetworkManager, sandboxName } from "./manager.js";
export type { NetworkAttachment, NetworkRecord } from "./manager.js";
export type { PortMapping } from "./ports.js";
export { LocalIpam } from "./ipam.js";
export { addNetwork, delNetwork, invokePlugin, CNI_PATH } from "./cni.js";
export type { NetworkConfList, PluginConf } from "./cni.js";
export { addNetns, deleteNetns, netnsPath } from "./netns.js";
