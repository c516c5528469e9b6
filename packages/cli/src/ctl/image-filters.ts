import { groupFilters, invalidArgument } from "@tsc/core";

/** One row of `images`: a tag of an image (`<none>` for an untagged one). */
export interface ImageRow {
  repo: string;
  tag: string;
  id: string;
  created: string;
  size: number;
}

/** Go's path.Match as a regular expression: `*` and `?` never cross a `/`, `[…]` is a class. */
function globRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0)
        throw invalidArgument(`invalid reference pattern ${JSON.stringify(pattern)}: unclosed [`, {
          hint: "close the class, as in busybox:[0-9]*",
        });
      // A class means the same in both (`^` negates, `\\` escapes).
      re += `[${pattern.slice(i + 1, end)}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  try {
    return new RegExp(`^${re}$`);
  } catch {
    throw invalidArgument(`invalid reference pattern ${JSON.stringify(pattern)}`, {
      hint: "use *, ? and [a-z] as in shell globs",
    });
  }
}

/** Docker's reference match: the pattern against `repo:tag`, or against `repo` alone when it names no tag. */
function referenceMatches(re: RegExp, row: ImageRow): boolean {
  return row.repo !== "<none>" && (re.test(`${row.repo}:${row.tag}`) || re.test(row.repo));
}

/** The creation time of the image `ref` names among `rows` (repo:tag, repo for :latest, or ID prefix). */
function createdOf(rows: ImageRow[], ref: string, key: string): number {
  const hex = ref.replace(/^sha256:/, "");
  const hit =
    rows.find((r) => `${r.repo}:${r.tag}` === ref) ??
    rows.find((r) => r.repo === ref && r.tag === "latest") ??
    rows.find((r) => /^[0-9a-f]+$/.test(hex) && r.id.replace(/^sha256:/, "").startsWith(hex));
  if (!hit) throw invalidArgument(`no such image: ${ref}`, { hint: `the ${key} filter names an image` });
  return Date.parse(hit.created);
}

/**
 * `images [REPOSITORY[:TAG]] [--filter …]` as Docker's: the argument and `reference=` are glob
 * patterns (`busybox`, `team/*:1.*`), `dangling=true|false` picks untagged images or not,
 * `before=`/`since=` compare creation times with a named image. Other keys are an error.
 */
export function filterImageRows<T extends ImageRow>(
  rows: T[],
  reference: string | undefined,
  filters: string[],
): T[] {
  const groups = groupFilters(filters);
  for (const key of groups.keys())
    if (!["reference", "dangling", "before", "since"].includes(key))
      throw invalidArgument(`invalid filter '${key}'`, {
        hint: "images filters are reference, dangling, before and since",
      });
  const refs = [...(groups.get("reference") ?? []), ...(reference ? [reference] : [])].map(globRegExp);
  const dangling = groups.get("dangling")?.[0];
  if (dangling !== undefined && !["true", "false", "1", "0"].includes(dangling))
    throw invalidArgument(`invalid filter 'dangling=${dangling}'`, {
      hint: "use dangling=true or dangling=false",
    });
  const before = groups.get("before")?.map((r) => createdOf(rows, r, "before"));
  const since = groups.get("since")?.map((r) => createdOf(rows, r, "since"));
  return rows.filter((row) => {
    if (refs.length && !refs.some((p) => referenceMatches(p, row))) return false;
    if (dangling !== undefined && (row.tag === "<none>") !== (dangling === "true" || dangling === "1"))
      return false;
    const t = Date.parse(row.created);
    if (before && !before.every((b) => t < b)) return false;
    if (since && !since.every((s) => t > s)) return false;
    return true;
  });
}
