import { describe, expect, it } from "vitest";
import { parsePublish } from "./parse-run.js";

describe("-p port numbers", () => {
  it("refuses ports above 65535 and descending ranges with go-connections' words", () => {
    expect(() => parsePublish("99999:80")).toThrow(/^Invalid hostPort: 99999$/);
    expect(() => parsePublish("8080:99999")).toThrow(/^Invalid containerPort: 99999$/);
    expect(() => parsePublish("9001-9000:80-81")).toThrow(/^Invalid hostPort: 9001-9000$/);
    expect(parsePublish("65535:80")).toEqual([{ containerPort: 80, hostPort: 65535, protocol: "tcp" }]);
  });
});
