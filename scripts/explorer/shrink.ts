// A failing seed's traffic cut down to the fewest items (calls, desk actions, faults) that still
// break the same invariant: first large chunks, then smaller ones, down to single items
// (delta debugging, simplified). Each candidate is a whole deterministic run, so what is left
// replays exactly with --keep.

export interface ShrinkOptions {
  /** the items of the failing run, in order */
  items: readonly string[];
  /** runs the kept items; true when the failure is still there */
  fails(keep: ReadonlySet<string>): Promise<boolean>;
  /** stop trying after this much real time, keeping the best so far */
  budgetMs: number;
  /** told of each smaller failing set */
  progress?(kept: number): void;
}

export interface ShrinkResult {
  kept: string[];
  runs: number;
  /** the budget ran out before single items were tried */
  partial: boolean;
}

export async function shrink(o: ShrinkOptions): Promise<ShrinkResult> {
  const deadline = Date.now() + o.budgetMs;
  let kept = [...o.items];
  let runs = 0;
  let chunks = 2;
  while (kept.length > 1) {
    const size = Math.ceil(kept.length / chunks);
    let removed = false;
    for (let start = 0; start < kept.length; start += size) {
      if (Date.now() > deadline) return { kept, runs, partial: true };
      const candidate = kept.slice(0, start).concat(kept.slice(start + size));
      if (candidate.length === 0) continue;
      runs++;
      if (await o.fails(new Set(candidate))) {
        kept = candidate;
        o.progress?.(kept.length);
        removed = true;
        // the same chunk index now names the next items
        start -= size;
      }
    }
    if (size === 1 && !removed) break;
    if (!removed) chunks = Math.min(kept.length, chunks * 2);
  }
  return { kept, runs, partial: false };
}
