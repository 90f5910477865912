/** Merge (layer states on top of each other) and diff (what `upper` changed relative to `lower`). */
import { Caps } from "./caps.js";
import { type ConstraintOptions, constraintsFrom, type OpConstraints } from "./constraints.js";
import { EMPTY_INPUT, type PbInput } from "./pb.js";
import { State } from "./state.js";
import {
  type MarshalContext,
  type MarshaledVertex,
  memoized,
  type Output,
  opEnvelope,
  toInput,
  type Vertex,
} from "./vertex.js";

class MergeOp implements Vertex {
  readonly output: Output;

  constructor(
    private readonly sources: readonly Output[],
    private readonly constraints: OpConstraints,
  ) {
    this.output = Object.freeze({ vertex: this, index: 0 });
    Object.freeze(this);
  }

  inputs(): readonly Output[] {
    return this.sources;
  }

  marshal(ctx: MarshalContext): MarshaledVertex {
    return memoized(this, ctx, () => {
      const { op, metadata } = opEnvelope(ctx, this.constraints);
      delete op.platform; // merge is not platform specific
      // Unlike exec and file ops, merge keeps duplicate inputs: each layer is its own input.
      const inputs: PbInput[] = this.sources.map((s) => toInput(s, ctx));
      op.inputs = inputs;
      op.merge = { inputs: inputs.map((_, i) => ({ input: i })) };
      return { op, metadata };
    });
  }
}

class DiffOp implements Vertex {
  readonly output: Output;

  constructor(
    private readonly lower: Output | undefined,
    private readonly upper: Output | undefined,
    private readonly constraints: OpConstraints,
  ) {
    this.output = Object.freeze({ vertex: this, index: 0 });
    Object.freeze(this);
  }

  inputs(): readonly Output[] {
    return [this.lower, this.upper].filter((o): o is Output => o !== undefined);
  }

  marshal(ctx: MarshalContext): MarshaledVertex {
    return memoized(this, ctx, () => {
      const { op, metadata } = opEnvelope(ctx, this.constraints);
      delete op.platform; // diff is not platform specific
      const inputs: PbInput[] = [];
      const indexOf = (o: Output | undefined): number => {
        if (!o) return EMPTY_INPUT;
        inputs.push(toInput(o, ctx));
        return inputs.length - 1;
      };
      const lower = indexOf(this.lower);
      const upper = indexOf(this.upper);
      op.inputs = inputs;
      op.diff = { lower: { input: lower }, upper: { input: upper } };
      return { op, metadata };
    });
  }
}

/**
 * Layers `states` in order (later ones win). Scratch states are dropped; zero states give scratch and a
 * single state is returned as is. The result keeps the first state's settings (env, dir, …).
 */
export function merge(states: readonly State[], options?: ConstraintOptions): State {
  const nonEmpty = states.filter((s) => !s.isScratch);
  const first = nonEmpty[0];
  if (!first) return State.fromOutput(undefined);
  if (nonEmpty.length === 1) return first;
  const op = new MergeOp(
    nonEmpty.map((s) => s.output as Output),
    constraintsFrom(options, [Caps.mergeOp]),
  );
  return first.withOutput(op.output);
}

/**
 * The changes that turn `lower` into `upper`, as a state. With a scratch `lower` this is just `upper`.
 * The result keeps `lower`'s settings.
 */
export function diff(lower: State, upper: State, options?: ConstraintOptions): State {
  if (lower.isScratch) return upper.isScratch ? State.fromOutput(undefined) : upper;
  const op = new DiffOp(lower.output, upper.output, constraintsFrom(options, [Caps.diffOp]));
  return lower.withOutput(op.output);
}
