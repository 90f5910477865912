/**
 * Before a bootstrap runs in an image: can it start there? A dynamically linked (cgo) bootstrap needs the
 * loader it names and a glibc at least as new as the newest GLIBC_x.y it asks for. Left to the kernel and the
 * loader, a mismatch reads "no such file or directory" (no loader) or "version `GLIBC_2.34' not found" deep
 * in the function's output; rpk says it in one line first, naming the target, both versions and the way out.
 *
 * The image's glibc is read from the image itself (the GLIBC_x.y versions its libc.so.6 defines); only an
 * image without a libc (e.g. a stripped-down stand-in) falls back to Amazon Linux's known versions, by its
 * /etc/os-release or else by the target's runtime.
 */
import { UserError } from "../errors.js";
import type { FileStat, LLBBridge } from "../gateway/types.js";
import { compareDottedVersions, RUNTIME_GLIBC } from "../plan/images.js";
import type { LambdaRuntimeName } from "../plan/schema.js";
import { ElfFormatError, type ElfLinkInfo, type ReadRange, readElfLinkInfo } from "../runtime/elf-versions.js";

/** Where glibc installs libc.so.6: Amazon Linux's /lib64 (= /usr/lib64), Debian's multiarch dirs, plain /lib. */
const LIBC_DIRS = [
  "/lib64",
  "/usr/lib64",
  "/lib/x86_64-linux-gnu",
  "/usr/lib/x86_64-linux-gnu",
  "/lib/aarch64-linux-gnu",
  "/usr/lib/aarch64-linux-gnu",
  "/lib",
  "/usr/lib",
];

/** Amazon Linux releases (os-release VERSION_ID) of the Lambda OS-only runtimes. */
const AMAZON_LINUX_RUNTIME: Record<string, LambdaRuntimeName> = { "2": "provided.al2", "2023": "provided.al2023" };

/** The highest GLIBC_x.y among version names ("2.34"), or undefined when there is none. */
export function highestGlibc(names: readonly string[]): string | undefined {
  return names
    .filter((name) => /^GLIBC_\d+(\.\d+)*$/.test(name))
    .map((name) => name.slice("GLIBC_".length))
    .sort(compareDottedVersions)
    .pop();
}

/** What the image offers a dynamically linked bootstrap. */
export interface ImageLibc {
  /** The loader the bootstrap names (PT_INTERP) exists in the image. */
  loader: boolean;
  /** glibc version, when known. */
  glibc?: string;
  /** Where `glibc` was learnt, for the message: "/lib64/libc.so.6", "Amazon Linux 2's, per /etc/os-release". */
  source?: string;
  /** The Lambda runtime whose Amazon Linux the image's /etc/os-release names. */
  runtime?: LambdaRuntimeName;
}

export interface LibcProblemInput {
  target: string;
  runtime: LambdaRuntimeName;
  /** The image the bootstrap runs in, as the user names it. */
  imageName: string;
  /** The image is not the runtime's own (--base-image). */
  override: boolean;
  bootstrap: ElfLinkInfo;
  image: ImageLibc;
}

/** The one-line error for a bootstrap that cannot start in the image, or undefined when it can. */
export function bootstrapLibcProblem(input: LibcProblemInput): UserError | undefined {
  const { bootstrap, image } = input;
  if (!bootstrap.interpreter) return undefined;
  const needs = highestGlibc(Object.values(bootstrap.needs).flat());
  if (needs && image.glibc && compareDottedVersions(needs, image.glibc) > 0) {
    return new UserError(
      `target "${input.target}" needs glibc ${needs} (GLIBC_${needs}), and the image it runs in, ${input.imageName}, has glibc ${image.glibc} (${image.source})`,
      { hint: mismatchHint(input, needs, image.glibc) },
    );
  }
  if (!image.loader) {
    return new UserError(
      `target "${input.target}" is dynamically linked (cgo) and the image it runs in, ${input.imageName}, has no C library (no ${bootstrap.interpreter})`,
      {
        hint: `run it in an image with glibc${needs ? ` ${needs} or newer` : ""}${input.override ? " (--base-image)" : ""}, or build it with CGO_ENABLED=0`,
      },
    );
  }
  return undefined;
}

function mismatchHint(input: LibcProblemInput, needs: string, has: string): string {
  const fitting = (Object.keys(RUNTIME_GLIBC) as LambdaRuntimeName[]).filter(
    (runtime) => compareDottedVersions(RUNTIME_GLIBC[runtime], needs) >= 0,
  );
  const elsewhere = fitting.length
    ? `, or run it on ${fitting.map((r) => `${r} (glibc ${RUNTIME_GLIBC[r]})`).join(" or ")}`
    : ` (no Lambda runtime has glibc ${needs})`;
  if (input.override) {
    const runtime = input.image.runtime ? ` (--runtime ${input.image.runtime})` : "";
    return `run it in its runtime's own image (drop --base-image), or build it for the image's runtime${runtime} so it links against glibc ${has} or older`;
  }
  return `rebuild it against glibc ${has} or older (without --cgo-image/cgoImage rpk compiles cgo in AWS's build-provided.${input.runtime.slice("provided.".length)} image)${elsewhere}`;
}

/** The files of one BuildKit ref, as the glibc check reads them. */
export interface RefFiles {
  /** Undefined when the path does not exist. */
  stat(path: string): Promise<FileStat | undefined>;
  range(path: string): ReadRange;
}

export function refFiles(bridge: Pick<LLBBridge, "statFile" | "readFile">, ref: string): RefFiles {
  return {
    stat: async (path) => {
      try {
        return await bridge.statFile(ref, path);
      } catch (error) {
        if (/no such file or directory|not a directory/i.test(String((error as Error).message))) return undefined;
        throw error;
      }
    },
    range: (path) => async (offset, length) => Buffer.from(await bridge.readFile(ref, path, { offset, length })),
  };
}

/** What `root` offers the bootstrap: its loader, and its glibc from libc.so.6 or, without one, Amazon Linux's. */
export async function inspectImageLibc(
  root: RefFiles,
  options: { interpreter: string; runtime?: LambdaRuntimeName },
): Promise<ImageLibc> {
  const loader = (await root.stat(options.interpreter)) !== undefined;
  const release = await amazonLinuxRelease(root);
  const runtime = release ? { runtime: AMAZON_LINUX_RUNTIME[release]! } : {};
  for (const dir of LIBC_DIRS) {
    const path = `${dir}/libc.so.6`;
    if (!(await root.stat(path))) continue;
    const glibc = await definedGlibc(root.range(path));
    if (glibc) return { loader, glibc, source: path, ...runtime };
  }
  if (release) {
    const glibc = RUNTIME_GLIBC[AMAZON_LINUX_RUNTIME[release]!];
    return {
      loader,
      glibc,
      source: `Amazon Linux ${release}'s, per its /etc/os-release; it has no libc.so.6`,
      ...runtime,
    };
  }
  if (options.runtime) {
    return { loader, glibc: RUNTIME_GLIBC[options.runtime], source: `${options.runtime}'s; it has no libc.so.6` };
  }
  return { loader };
}

/** The highest GLIBC_x.y a libc defines; undefined for a file that is no readable ELF (not glibc's libc). */
async function definedGlibc(read: ReadRange): Promise<string | undefined> {
  try {
    return highestGlibc((await readElfLinkInfo(read))?.defines ?? []);
  } catch (error) {
    if (error instanceof ElfFormatError) return undefined;
    throw error;
  }
}

/** "2" or "2023" when /etc/os-release says Amazon Linux 2 or 2023. */
async function amazonLinuxRelease(root: RefFiles): Promise<string | undefined> {
  const stat = await root.stat("/etc/os-release");
  if (!stat || stat.size > 64 * 1024) return undefined;
  const text = (await root.range("/etc/os-release")(0, stat.size)).toString("utf8");
  const fields = parseOsRelease(text);
  const release = fields.VERSION_ID;
  return fields.ID === "amzn" && release && release in AMAZON_LINUX_RUNTIME ? release : undefined;
}

/** KEY=VALUE lines of os-release(5), values unquoted. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    fields[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, "$2");
  }
  return fields;
}

export interface CheckBootstrapOptions {
  bridge: Pick<LLBBridge, "statFile" | "readFile">;
  target: string;
  runtime: LambdaRuntimeName;
  /** The ref holding the bootstrap at `bootstrapPath`. */
  bootstrapRef: string;
  bootstrapPath: string;
  /** The ref of the rootfs it runs in, and that image's name. */
  rootRef: string;
  imageName: string;
  override: boolean;
}

/** Throws the one-line UserError when the bootstrap cannot start in the image (see bootstrapLibcProblem). */
export async function checkBootstrapLibc(options: CheckBootstrapOptions): Promise<void> {
  let bootstrap: ElfLinkInfo | undefined;
  try {
    bootstrap = await readElfLinkInfo(refFiles(options.bridge, options.bootstrapRef).range(options.bootstrapPath));
  } catch (error) {
    // A malformed binary is the kernel's to reject when it starts; the check only judges what it can read.
    if (error instanceof ElfFormatError) return;
    throw error;
  }
  if (!bootstrap?.interpreter) return;
  const image = await inspectImageLibc(refFiles(options.bridge, options.rootRef), {
    interpreter: bootstrap.interpreter,
    ...(options.override ? {} : { runtime: options.runtime }),
  });
  const problem = bootstrapLibcProblem({ ...options, bootstrap, image });
  if (problem) throw problem;
}
