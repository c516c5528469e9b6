import { describe, expect, it } from "vitest";
import { parsePsOutput } from "./top.js";

const psEf = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 19:06 ?        00:00:03 /sbin/init
root        7632    7620  0 19:20 ?        00:00:00 /sbin/docker-init -- sh -c while true; do sleep 5; done
root        7642    7632  0 19:20 ?        00:00:00 sh -c while true; do sleep 5; done
root        9000       1  0 19:21 pts/0    00:00:00 bash
`;

describe("parsePsOutput (Docker's top)", () => {
  it("keeps the container's rows under ps's titles, with the command line whole in the last column", () => {
    const t = parsePsOutput(psEf, [7632, 7642]);
    expect(t.Titles).toEqual(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]);
    expect(t.Processes).toEqual([
      [
        "root",
        "7632",
        "7620",
        "0",
        "19:20",
        "?",
        "00:00:00",
        "/sbin/docker-init -- sh -c while true; do sleep 5; done",
      ],
      ["root", "7642", "7632", "0", "19:20", "?", "00:00:00", "sh -c while true; do sleep 5; done"],
    ]);
  });

  it("finds the PID column wherever ps put it (-o comm,pid)", () => {
    const t = parsePsOutput("COMMAND             PID\nsleep              42\nbash               43\n", [42]);
    expect(t).toEqual({ Titles: ["COMMAND", "PID"], Processes: [["sleep", "42"]] });
  });

  it("refuses output without a PID column, saying which option is missing", () => {
    expect(() => parsePsOutput("COMMAND\nsleep\n", [42])).toThrow(/couldn't find PID field in ps output/);
  });
});
