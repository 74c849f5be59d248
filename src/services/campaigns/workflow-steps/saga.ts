/** An undo step of the campaign saga. */
export interface Compensation {
  name: string;
  undo: () => Promise<unknown>;
}

/**
 * The campaign's compensations, run in reverse order of registration however
 * the campaign ends (Restate's sagas/booking_workflow.ts). Each is registered
 * before its step runs: a lost answer may still have done the step.
 */
export class Saga {
  private readonly compensations: Compensation[] = [];

  register(name: string, undo: () => Promise<unknown>): Compensation {
    const compensation = { name, undo };
    this.compensations.push(compensation);
    return compensation;
  }

  /** A step undone by its own outcome (a decided approval) leaves the saga. */
  forget(compensation: Compensation): void {
    const index = this.compensations.indexOf(compensation);
    if (index >= 0) this.compensations.splice(index, 1);
  }

  get names(): string[] {
    return this.compensations.map((compensation) => compensation.name);
  }

  async compensate(): Promise<void> {
    while (this.compensations.length) await this.compensations.pop()!.undo();
  }
}
