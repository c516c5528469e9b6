/** @tsc/store: typed, versioned state in etcd (transactions on mod_revision, resumable watches) and an embedded etcd. */

/** A supervised etcd child process on loopback ports, and how to start one. */
export { EmbeddedEtcd, type EmbeddedEtcdOptions } from "./embedded-etcd.js";
/** The etcd-backed store, its options, and the shapes it hands out. */
export { EtcdStore, type EtcdStoreOptions, type Versioned, type WatchEvent } from "./store.js";
/** The typed values of one kind in an EtcdStore. */
export { Collection, prefixEnd } from "./collection.js";
/** An in-memory copy of a collection kept current by its watch. */
export { ChangeFeed, CollectionCache } from "./cache.js";
