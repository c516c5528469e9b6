import type { Static } from "@sinclair/typebox";
import { Type as T } from "@sinclair/typebox";
import {
  BoolOrString,
  ComposeObject,
  DriverOpts,
  External,
  ListOrDict,
  Nullable,
  StringEnum,
  StringOrNumber,
} from "./common.js";

/** A top-level `volumes:` entry (null means "a local volume with defaults"). */
export const VolumeSchema = Nullable(
  ComposeObject({
    name: T.String(),
    driver: T.String(),
    driver_opts: DriverOpts,
    external: External(true),
    labels: ListOrDict,
  }),
);

/** The kinds of mount a service's long-form volume entry can make. */
export const MOUNT_TYPES = ["bind", "volume", "tmpfs", "cluster", "npipe", "image"] as const;

/** The long form of a service's `volumes:` entry: a typed mount with per-type options. */
export const ServiceVolumeConfigSchema = ComposeObject(
  {
    type: StringEnum(MOUNT_TYPES),
    source: T.String(),
    target: T.String(),
    read_only: BoolOrString,
    consistency: T.String(),
    bind: ComposeObject({
      propagation: T.String(),
      create_host_path: BoolOrString,
      recursive: StringEnum(["enabled", "disabled", "writable", "readonly"]),
      selinux: StringEnum(["z", "Z"]),
    }),
    volume: ComposeObject({ labels: ListOrDict, nocopy: BoolOrString, subpath: T.String() }),
    tmpfs: ComposeObject({
      size: T.Union([T.Integer({ minimum: 0 }), T.String()]),
      mode: StringOrNumber,
    }),
    image: ComposeObject({ subpath: T.String() }),
  },
  { required: ["type"] },
);

/** One service `volumes:` entry: `[SOURCE:]TARGET[:MODE]` or the long form. */
export const ServiceVolumeSchema = T.Union([T.String(), ServiceVolumeConfigSchema]);

/** A top-level volume as written. */
export type VolumeInput = Static<typeof VolumeSchema>;
/** One service `volumes:` entry as written. */
export type ServiceVolumeInput = Static<typeof ServiceVolumeSchema>;
