/**
 * The mechanism every lazy DSL stage shares: the work runs on the first `run()` (or `await`), once, and every
 * later call returns the same promise — so reusing a stage never redoes the work. Awaiting a stage gives
 * `view(value)`: the value itself, or what a user wants to see of it (a promoter stage awaits to its table).
 */
export abstract class Lazy<T, V = T> implements PromiseLike<V> {
  private cached?: Promise<T>;

  /** The stage's work; called at most once. */
  protected abstract compute(): T | Promise<T>;

  /** What awaiting the stage gives (default: the computed value). */
  protected view(value: T): V | Promise<V> {
    return value as unknown as V;
  }

  /**
   * The stage's value, computed on the first call and shared by every later one.
   * @returns The computed value (for a promoter stage, its table, log and extras).
   */
  run(): Promise<T> {
    return (this.cached ??= Promise.resolve().then(() => this.compute()));
  }

  then<A = V, B = never>(
    onfulfilled?: ((value: V) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.run().then((value) => this.view(value)).then(onfulfilled, onrejected);
  }
}
