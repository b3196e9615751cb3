/** One broken rule, found by a validator or the conformance kit. */
export interface ConformanceViolation {
  /** A stable rule id, e.g. 'range', 'determinism', 'active-segment'. */
  readonly rule: string;
  /** What went wrong, with the input that showed it. */
  readonly message: string;
}

/** Collects violations, keeping at most `perRule` of each rule so a broken plugin gives a readable list. */
export class ViolationCollector {
  private readonly items: ConformanceViolation[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly perRule = 3) {}

  add(rule: string, message: string): void {
    const count = (this.counts.get(rule) ?? 0) + 1;
    this.counts.set(rule, count);
    if (count <= this.perRule) this.items.push({ rule, message });
  }

  addAll(violations: readonly ConformanceViolation[], prefix = ''): void {
    for (const v of violations) this.add(v.rule, prefix + v.message);
  }

  has(rule: string): boolean {
    return this.counts.has(rule);
  }

  get size(): number {
    return this.items.length;
  }

  /** The kept violations, plus one summary line per rule that was cut short. */
  list(): ConformanceViolation[] {
    const summary: ConformanceViolation[] = [];
    for (const [rule, count] of this.counts) {
      if (count > this.perRule) summary.push({ rule, message: `… and ${count - this.perRule} more '${rule}' violations` });
    }
    return [...this.items, ...summary];
  }
}
