/**
 * The mechanism every lazy DSL stage shares: the work runs on the first `run()` (or `await`), once, and every
 * later call returns the same promise — so reusing a stage never redoes the work.
 */
export abstract class Lazy<T> implements PromiseLike<T> {
  private cached?: Promise<T>;

  /** The stage's work; called at most once. */
  protected abstract compute(): T | Promise<T>;

  run(): Promise<T> {
    return (this.cached ??= Promise.resolve().then(() => this.compute()));
  }

  then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.run().then(onfulfilled, onrejected);
  }
}
