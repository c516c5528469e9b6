import { existsSync } from "node:fs";
import { readText } from "../util/fs.js";
import { join } from "node:path";
import { invalidArgument } from "@tsc/core";

/** A resolved process identity. */
export interface ProcessUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

/** The file in a rootfs, or in a stack of image layers (topmost first wins) without mounting them. */
async function findFile(rootfs: string | string[], rel: string): Promise<string> {
  if (typeof rootfs === "string") return join(rootfs, rel);
  for (const dir of [...rootfs].reverse()) {
    const file = join(dir, rel);
    if (existsSync(file)) return file;
  }
  return join(rootfs[0] ?? "/nonexistent", rel);
}

async function readLines(file: string): Promise<string[][]> {
  try {
    return readText(file)
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.split(":"));
  } catch {
    return [];
  }
}

/**
 * Resolves `user[:group]` (names or numbers) against the files in the container's rootfs (or its
 * image layers, lowest first), as Docker
 * does: a numeric uid absent from /etc/passwd is allowed (gid 0), a missing name is an error, and
 * the user's supplementary groups from /etc/group are added.
 */
export async function resolveUser(rootfs: string | string[], spec: string | undefined): Promise<ProcessUser> {
  const passwd = await readLines(await findFile(rootfs, "etc/passwd"));
  const groups = await readLines(await findFile(rootfs, "etc/group"));
  const [userPart = "0", groupPart] = (spec ?? "").split(":");
  const numeric = /^\d+$/;
  const entry = passwd.find((p) =>
    numeric.test(userPart) ? p[2] === userPart : p[0] === (userPart || "root"),
  );
  if (!entry && !numeric.test(userPart || "0"))
    throw invalidArgument(`unable to find user ${userPart}: no matching entries in passwd file`, {
      hint: "use a user that exists in the image, or a numeric uid",
    });
  const uid = entry ? Number(entry[2]) : Number(userPart || 0);
  let gid = entry ? Number(entry[3]) : 0;
  if (groupPart !== undefined && groupPart !== "") {
    const g = groups.find((x) => (numeric.test(groupPart) ? x[2] === groupPart : x[0] === groupPart));
    if (!g && !numeric.test(groupPart))
      throw invalidArgument(`unable to find group ${groupPart}: no matching entries in group file`);
    gid = g ? Number(g[2]) : Number(groupPart);
  }
  const name = entry?.[0];
  const additionalGids = name
    ? groups
        .filter((g) => (g[3] ?? "").split(",").includes(name))
        .map((g) => Number(g[2]))
        .filter((g) => g !== gid)
    : [];
  return { uid, gid, additionalGids, home: entry?.[5] || "/" };
}
