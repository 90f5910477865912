/**
 * Deterministic encoders for the LLB messages, field by field in field-number order (oneofs last), matching Go's
 * deterministic marshaling (see wire.ts for the rules). Field numbers are BuildKit's (proto/llb/ops.proto).
 */

import { ProtoWriter } from "../proto/writer.js";
import type {
  PbChownOpt,
  PbDefinition,
  PbExecOp,
  PbFileAction,
  PbFileOp,
  PbMeta,
  PbMount,
  PbOp,
  PbOpMetadata,
  PbPlatform,
  PbSecretOpt,
  PbUserOpt,
} from "./pb.js";

/**
 * Go's protobuf runtime writes regular fields in number order and the members of a oneof after them, so
 * an Op is inputs(1), platform(10), constraints(11), then its exec/source/file/merge/diff body.
 */
export function encodeOp(op: PbOp): Uint8Array {
  const w = new ProtoWriter();
  w.repeatedMessage(1, op.inputs, (iw, input) => {
    iw.string(1, input.digest);
    iw.int(2, input.index);
  });
  w.message(10, op.platform, writePlatform);
  w.message(11, op.constraints, (cw, c) => cw.repeatedString(1, c.filter));
  w.message(2, op.exec, writeExecOp);
  w.message(3, op.source, (sw, source) => {
    sw.string(1, source.identifier);
    sw.map(2, source.attrs, (mw, f, v) => mw.stringAlways(f, v));
  });
  w.message(4, op.file, writeFileOp);
  w.message(6, op.merge, (mw, merge) => {
    mw.repeatedMessage(1, merge.inputs, (iw, input) => iw.int(1, input.input));
  });
  w.message(7, op.diff, (dw, diff) => {
    dw.message(1, diff.lower, (lw, lower) => lw.int(1, lower.input));
    dw.message(2, diff.upper, (uw, upper) => uw.int(1, upper.input));
  });
  return w.finish();
}

function writePlatform(w: ProtoWriter, p: PbPlatform): void {
  w.string(1, p.Architecture);
  w.string(2, p.OS);
  w.string(3, p.Variant);
  w.string(4, p.OSVersion);
  w.repeatedString(5, p.OSFeatures);
}

function writeExecOp(w: ProtoWriter, exec: PbExecOp): void {
  w.message(1, exec.meta, writeMeta);
  w.repeatedMessage(2, exec.mounts, writeMount);
  w.int(3, exec.network);
  w.int(4, exec.security);
  w.repeatedMessage(5, exec.secretenv, (sw, s) => {
    sw.string(1, s.ID);
    sw.string(2, s.name);
    sw.bool(3, s.optional);
  });
  w.repeatedMessage(6, exec.cdiDevices, (cw, d) => {
    cw.string(1, d.name);
    cw.bool(2, d.optional);
  });
}

function writeMeta(w: ProtoWriter, meta: PbMeta): void {
  w.repeatedString(1, meta.args);
  w.repeatedString(2, meta.env);
  w.string(3, meta.cwd);
  w.string(4, meta.user);
  w.message(5, meta.proxy_env, (pw, p) => {
    pw.string(1, p.http_proxy);
    pw.string(2, p.https_proxy);
    pw.string(3, p.ftp_proxy);
    pw.string(4, p.no_proxy);
    pw.string(5, p.all_proxy);
  });
  w.repeatedMessage(6, meta.extraHosts, (hw, h) => {
    hw.string(1, h.Host);
    hw.string(2, h.IP);
  });
  w.string(7, meta.hostname);
  w.repeatedMessage(9, meta.ulimit, (uw, u) => {
    uw.string(1, u.Name);
    uw.int(2, u.Soft);
    uw.int(3, u.Hard);
  });
  w.string(10, meta.cgroupParent);
  w.bool(11, meta.removeMountStubsRecursive);
  w.packedInt(12, meta.validExitCodes);
}

function writeMount(w: ProtoWriter, m: PbMount): void {
  w.int(1, m.input);
  w.string(2, m.selector);
  w.string(3, m.dest);
  w.int(4, m.output);
  w.bool(5, m.readonly);
  w.int(6, m.mountType);
  w.message(19, m.TmpfsOpt, (tw, t) => tw.int(1, t.size));
  w.message(20, m.cacheOpt, (cw, c) => {
    cw.string(1, c.ID);
    cw.int(2, c.sharing);
  });
  w.message(21, m.secretOpt, writeSecretOpt);
  w.message(22, m.SSHOpt, writeSecretOpt);
  w.string(23, m.resultID);
  w.int(24, m.contentCache);
}

function writeSecretOpt(w: ProtoWriter, s: PbSecretOpt): void {
  w.string(1, s.ID);
  w.int(2, s.uid);
  w.int(3, s.gid);
  w.int(4, s.mode);
  w.bool(5, s.optional);
}

function writeFileOp(w: ProtoWriter, file: PbFileOp): void {
  w.repeatedMessage(2, file.actions, writeFileAction);
}

function writeFileAction(w: ProtoWriter, a: PbFileAction): void {
  w.int(1, a.input);
  w.int(2, a.secondaryInput);
  w.int(3, a.output);
  w.message(4, a.copy, (cw, c) => {
    cw.string(1, c.src);
    cw.string(2, c.dest);
    cw.message(3, c.owner, writeChownOpt);
    cw.int(4, c.mode);
    cw.bool(5, c.followSymlink);
    cw.bool(6, c.dirCopyContents);
    cw.bool(7, c.attemptUnpackDockerCompatibility);
    cw.bool(8, c.createDestPath);
    cw.bool(9, c.allowWildcard);
    cw.bool(10, c.allowEmptyWildcard);
    cw.int(11, c.timestamp);
    cw.repeatedString(12, c.include_patterns);
    cw.repeatedString(13, c.exclude_patterns);
    cw.bool(14, c.alwaysReplaceExistingDestPaths);
    cw.string(15, c.modeStr);
    cw.repeatedString(16, c.required_paths);
  });
  w.message(5, a.mkfile, (fw, f) => {
    fw.string(1, f.path);
    fw.int(2, f.mode);
    fw.bytes(3, f.data);
    fw.message(4, f.owner, writeChownOpt);
    fw.int(5, f.timestamp);
  });
  w.message(6, a.mkdir, (dw, d) => {
    dw.string(1, d.path);
    dw.int(2, d.mode);
    dw.bool(3, d.makeParents);
    dw.message(4, d.owner, writeChownOpt);
    dw.int(5, d.timestamp);
  });
  w.message(7, a.rm, (rw, r) => {
    rw.string(1, r.path);
    rw.bool(2, r.allowNotFound);
    rw.bool(3, r.allowWildcard);
  });
  w.message(8, a.symlink, (sw, s) => {
    sw.string(1, s.oldpath);
    sw.string(2, s.newpath);
    sw.message(3, s.owner, writeChownOpt);
    sw.int(4, s.timestamp);
  });
}

function writeChownOpt(w: ProtoWriter, c: PbChownOpt): void {
  w.message(1, c.user, writeUserOpt);
  w.message(2, c.group, writeUserOpt);
}

function writeUserOpt(w: ProtoWriter, u: PbUserOpt): void {
  if (u.byName !== undefined) {
    w.message(1, u.byName, (nw, n) => {
      nw.string(1, n.name);
      nw.int(2, n.input);
    });
  } else if (u.byID !== undefined) {
    w.intAlways(2, u.byID);
  }
}

export function encodeOpMetadata(md: PbOpMetadata): Uint8Array {
  const w = new ProtoWriter();
  writeOpMetadata(w, md);
  return w.finish();
}

function writeOpMetadata(w: ProtoWriter, md: PbOpMetadata): void {
  w.bool(1, md.ignore_cache);
  w.map(2, md.description, (mw, f, v) => mw.stringAlways(f, v));
  w.message(4, md.export_cache, (ew, e) => ew.bool(1, e.Value));
  w.map(5, md.caps, (mw, f, v) => mw.boolAlways(f, v));
  w.message(6, md.progress_group, (pw, p) => {
    pw.string(1, p.id);
    pw.string(2, p.name);
    pw.bool(3, p.weak);
  });
}

export function encodeDefinition(def: PbDefinition): Uint8Array {
  const w = new ProtoWriter();
  for (const op of def.def) w.bytesAlways(1, op);
  w.map(2, def.metadata, (mw, f, v) => mw.message(f, v, writeOpMetadata));
  w.message(3, def.Source, (sw, source) => {
    sw.map(1, source.locations, (lw, f, v) => lw.message(f, v, () => {}));
  });
  return w.finish();
}
