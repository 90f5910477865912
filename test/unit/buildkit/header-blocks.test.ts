import { describe, expect, test } from "vitest";
import { HeaderBlockJoiner } from "../../../src/buildkit/session/header-blocks.js";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

const settings = frame(0x4, 0, 0, Buffer.from([0, 4, 0, 0, 0xff, 0xff]));
const data = frame(0x0, 0x1, 3, Buffer.from("payload bytes"));
const fragments = [Buffer.from("first-"), Buffer.from("second-"), Buffer.from("third")];

function feed(chunks: Buffer[]): { out: Buffer; joiner: HeaderBlockJoiner } {
  const joiner = new HeaderBlockJoiner();
  const out = Buffer.concat(chunks.flatMap((chunk) => joiner.push(chunk)));
  return { out, joiner };
}

/** The input split into one-byte chunks: every state of the parser meets a chunk boundary. */
function bytewise(input: Buffer): Buffer[] {
  return Array.from(input, (byte) => Buffer.from([byte]));
}

describe("HeaderBlockJoiner", () => {
  const split = Buffer.concat([
    PREFACE,
    settings,
    frame(0x1, 0x1, 3, fragments[0]!), // HEADERS, END_STREAM, no END_HEADERS
    frame(0x9, 0, 3, fragments[1]!),
    frame(0x9, 0x4, 3, fragments[2]!),
    data,
  ]);
  const expected = Buffer.concat([PREFACE, settings, frame(0x1, 0x1 | 0x4, 3, Buffer.concat(fragments)), data]);

  test("joins HEADERS + CONTINUATIONs into one HEADERS frame and passes everything else unchanged", () => {
    const { out, joiner } = feed([split]);
    expect(out.equals(expected)).toBe(true);
    expect(joiner.joined).toBe(1);
  });

  test("gives the same bytes when the input arrives one byte at a time", () => {
    expect(feed(bytewise(split)).out.equals(expected)).toBe(true);
  });

  test("a block in one frame is not touched", () => {
    const single = Buffer.concat([PREFACE, frame(0x1, 0x4, 1, Buffer.from("whole")), data]);
    const { out, joiner } = feed(bytewise(single));
    expect(out.equals(single)).toBe(true);
    expect(joiner.joined).toBe(0);
  });

  test("drops HEADERS padding and keeps the priority fields in front of the joined block", () => {
    const priority = Buffer.from([0x80, 0, 0, 1, 15]);
    const padded = Buffer.concat([Buffer.from([3]), priority, fragments[0]!, Buffer.alloc(3)]);
    const input = Buffer.concat([PREFACE, frame(0x1, 0x8 | 0x20, 5, padded), frame(0x9, 0x4, 5, fragments[1]!)]);
    const joined = frame(0x1, 0x20 | 0x4, 5, Buffer.concat([priority, fragments[0]!, fragments[1]!]));
    expect(feed([input]).out.equals(Buffer.concat([PREFACE, joined]))).toBe(true);
  });

  test("an interrupted block (not valid HTTP/2) is handed on as received", () => {
    const input = Buffer.concat([PREFACE, frame(0x1, 0, 7, fragments[0]!), data]);
    expect(feed([input]).out.equals(input)).toBe(true);
  });
});
