import type { FactoryProvider, InjectionToken } from '@nestjs/common';

/**
 * The provider of a class built from what the container holds: `deps` are injected and passed to
 * its constructor in this order (the order of its parameters, as a hand-written factory would).
 * For use cases that take only injected dependencies; where settings are derived from the config,
 * write the factory.
 */
export function constructedFrom<T>(cls: new (...args: never[]) => T, deps: InjectionToken[]): FactoryProvider<T> {
  return { provide: cls, inject: deps, useFactory: (...args: unknown[]) => new cls(...(args as never[])) };
}
