/** One thing wrong with an input, named by where it is and why it is refused. */
export interface Issue {
  /** Where in the input: `users[3] (id "u4").departmentIds[0]`, `roles[1].permissions`, `line 7`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown when input is refused. Carries every issue found, so one round trip names all of
 * them; the message names the first few.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly issues: readonly Issue[]) {
    super(summarize(issues));
  }
}

function summarize(issues: readonly Issue[]): string {
  const shown = issues.slice(0, 5).map((issue) => `${issue.path}: ${issue.message}`);
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
  return shown.join('; ') + more;
}

/** Collects issues while an input is checked, then throws them all at once. */
export class IssueList {
  readonly issues: Issue[] = [];
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }
  get isEmpty(): boolean {
    return this.issues.length === 0;
  }
  throwIfAny(): void {
    if (this.issues.length > 0) throw new ValidationError(this.issues);
  }
}
