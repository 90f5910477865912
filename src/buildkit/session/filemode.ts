/**
 * fsutil's `Stat.mode` is Go's `os.FileMode`, not POSIX `st_mode`: the file type and the setuid/setgid/
 * sticky bits live in the high bits. Sending POSIX modes makes every directory look like a regular file.
 */
import { constants } from "node:fs";

export const GO_MODE_DIR = 0x80000000;
export const GO_MODE_SYMLINK = 0x08000000;
export const GO_MODE_DEVICE = 0x04000000;
export const GO_MODE_NAMED_PIPE = 0x02000000;
export const GO_MODE_SOCKET = 0x01000000;
export const GO_MODE_SETUID = 0x00800000;
export const GO_MODE_SETGID = 0x00400000;
export const GO_MODE_CHAR_DEVICE = 0x00200000;
export const GO_MODE_STICKY = 0x00100000;
export const GO_MODE_IRREGULAR = 0x00080000;
/** Go's os.ModeType: any of these means "not a regular file" (no data is transferred for it). */
export const GO_MODE_TYPE =
  GO_MODE_DIR |
  GO_MODE_SYMLINK |
  GO_MODE_NAMED_PIPE |
  GO_MODE_SOCKET |
  GO_MODE_DEVICE |
  GO_MODE_CHAR_DEVICE |
  GO_MODE_IRREGULAR;

/** POSIX st_mode → Go os.FileMode (as an unsigned 32-bit number). */
export function goFileMode(posixMode: number): number {
  let mode = posixMode & 0o777;
  switch (posixMode & constants.S_IFMT) {
    case constants.S_IFDIR:
      mode |= GO_MODE_DIR;
      break;
    case constants.S_IFLNK:
      mode |= GO_MODE_SYMLINK;
      break;
    case constants.S_IFIFO:
      mode |= GO_MODE_NAMED_PIPE;
      break;
    case constants.S_IFBLK:
      mode |= GO_MODE_DEVICE;
      break;
    case constants.S_IFCHR:
      mode |= GO_MODE_DEVICE | GO_MODE_CHAR_DEVICE;
      break;
    case constants.S_IFSOCK:
      mode |= GO_MODE_SOCKET;
      break;
  }
  // setuid / setgid / sticky (not in Node's fs.constants typings).
  if (posixMode & 0o4000) mode |= GO_MODE_SETUID;
  if (posixMode & 0o2000) mode |= GO_MODE_SETGID;
  if (posixMode & 0o1000) mode |= GO_MODE_STICKY;
  return mode >>> 0;
}

/** The chmod value for a Go FileMode: permission bits plus setuid/setgid/sticky. */
export function posixPermissions(goMode: number): number {
  let mode = goMode & 0o777;
  if (goMode & GO_MODE_SETUID) mode |= 0o4000;
  if (goMode & GO_MODE_SETGID) mode |= 0o2000;
  if (goMode & GO_MODE_STICKY) mode |= 0o1000;
  return mode;
}

export const isGoDir = (goMode: number) => (goMode & GO_MODE_DIR) !== 0;
export const isGoSymlink = (goMode: number) => (goMode & GO_MODE_SYMLINK) !== 0;
/** Matches fsutil's "can request data": the only entries whose content is transferred. */
export const isGoRegular = (goMode: number) => (goMode & GO_MODE_TYPE) === 0;

/** Linux rdev split the way Go's fsutil does (glibc's major/minor for the classic encoding). */
export function deviceNumbers(rdev: bigint): { major: bigint; minor: bigint } {
  return { major: (rdev >> 8n) & 0xfffn, minor: (rdev & 0xffn) | ((rdev >> 12n) & 0xfff00n) };
}
