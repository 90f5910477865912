import { constants } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  deviceNumbers,
  goFileMode,
  isGoDir,
  isGoRegular,
  isGoSymlink,
  posixPermissions,
} from "../../../src/buildkit/session/filemode.js";

describe("Go FileMode conversion", () => {
  test.each([
    ["regular 0644", constants.S_IFREG | 0o644, 420],
    ["regular 0755", constants.S_IFREG | 0o755, 493],
    ["directory 0755", constants.S_IFDIR | 0o755, 2147484141],
    ["symlink", constants.S_IFLNK | 0o777, 0x080001ff],
    ["setuid 0755 file", constants.S_IFREG | 0o4755, 0x008001ed],
    ["char device 0666", constants.S_IFCHR | 0o666, 0x042001b6],
    ["sticky directory 1777", constants.S_IFDIR | 0o1777, (0x80000000 | 0x00100000 | 0o777) >>> 0],
    ["fifo 0600", constants.S_IFIFO | 0o600, 0x02000180],
  ])("%s", (_name, posix, go) => {
    expect(goFileMode(posix)).toBe(go);
  });

  test("classifies entries the way fsutil decides whether to transfer data", () => {
    expect(isGoRegular(goFileMode(constants.S_IFREG | 0o4755))).toBe(true);
    expect(isGoRegular(goFileMode(constants.S_IFDIR | 0o755))).toBe(false);
    expect(isGoRegular(goFileMode(constants.S_IFIFO | 0o644))).toBe(false);
    expect(isGoDir(2147484141)).toBe(true);
    expect(isGoSymlink(0x080001ff)).toBe(true);
  });

  test("chmod values keep setuid, setgid and sticky", () => {
    for (const mode of [0o644, 0o755, 0o4755, 0o2750, 0o1777, 0o6711]) {
      expect(posixPermissions(goFileMode(constants.S_IFREG | mode))).toBe(mode);
    }
  });

  test("device numbers split like glibc's major/minor", () => {
    expect(deviceNumbers(0x0103n)).toEqual({ major: 1n, minor: 3n });
    expect(deviceNumbers((8n << 8n) | 0x11n | (0x12n << 20n))).toEqual({ major: 8n, minor: 0x1211n });
  });
});
