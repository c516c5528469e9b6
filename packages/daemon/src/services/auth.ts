import type { Credentials } from "@tsc/runtime";

/** Registry credentials a client sent (`{"username","password"}` JSON); undefined when none or malformed. */
export function parseAuth(text: string | undefined): Credentials | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<Credentials>;
    return v.username && v.password ? { username: v.username, password: v.password } : undefined;
  } catch {
    return undefined;
  }
}
