/**
 * What the bench prints while it runs: a line when a scenario starts and ends, and for long
 * ones a counter (rewritten in place on a terminal, a line every 10 % otherwise).
 */
export class Progress {
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  #label = '';
  #started = 0;
  #lastDecile = -1;

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.#out = out;
    this.#tty = Boolean(out.isTTY);
  }

  /** A scenario starts: `[2/6] heap per live workflow`. */
  start(index: number, total: number, label: string): void {
    this.#label = label;
    this.#started = performance.now();
    this.#lastDecile = -1;
    this.#out.write(`[${index}/${total}] ${label}\n`);
  }

  /** `done` of `total` steps of the current scenario; `what` names the step. */
  count(done: number, total: number, what = ''): void {
    const suffix = what ? ` ${what}` : '';
    if (this.#tty) {
      this.#out.write(`\r      ${done}/${total}${suffix}\u001b[K`);
      if (done >= total) this.#out.write('\n');
      return;
    }
    const decile = Math.floor((done / total) * 10);
    if (decile === this.#lastDecile && done < total) return;
    this.#lastDecile = decile;
    this.#out.write(`      ${done}/${total}${suffix}\n`);
  }

  /** A line of detail under the current scenario. */
  note(text: string): void {
    this.#out.write(`      ${text}\n`);
  }

  /** The current scenario ended; prints how long it took. */
  end(summary: string): void {
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(1);
    this.#out.write(`      ${this.#label}: ${summary} (${seconds} s)\n`);
  }
}
