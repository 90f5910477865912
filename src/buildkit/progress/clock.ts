/**
 * Time source for the renderers. Injected so tests drive redraws and durations deterministically; the
 * default uses the wall clock and unref'd timers (a pending redraw never keeps the process alive).
 */
export interface ProgressClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `fn` once after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: ProgressClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return () => clearTimeout(handle);
  },
};
