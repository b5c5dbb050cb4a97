import type { Source } from '../inputs.ts';

type Event = 'add' | 'update' | 'delete';

/** An informer stand-in: a list that a test replaces, telling the handlers as an informer would. */
export class FakeSource<T> implements Source<T> {
  private items: readonly T[];
  private readonly handlers = new Map<Event, ((obj: T) => void)[]>();

  constructor(items: readonly T[] = []) {
    this.items = items;
  }

  list(): readonly T[] {
    return this.items;
  }

  on(event: Event, handler: (obj: T) => void): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }

  /** Replaces the list: objects no longer in it are deleted, the others updated. */
  set(items: readonly T[]): void {
    const gone = this.items.filter((o) => !items.includes(o));
    this.items = items;
    for (const obj of gone) for (const h of this.handlers.get('delete') ?? []) h(obj);
    for (const obj of items) for (const h of this.handlers.get('update') ?? []) h(obj);
  }
}
