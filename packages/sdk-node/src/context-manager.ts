// The context manager: OpenTelemetry's AsyncLocalStorageContextManager (Node 20 has no cheaper
// primitive: AsyncLocalStorage is the async-hooks-based one until AsyncContextFrame in Node 22+),
// with one hot path made cheaper. Upstream's `with(ctx, fn, thisArg, ...args)` creates a bound
// function on every call that passes `thisArg`; the HTTP instrumentations do that for every event a
// request or response emits. This runs the function with its receiver through one static helper
// instead. Everything else (active, bind, attach, enable, disable) is upstream's.
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, ContextManager } from '@opentelemetry/api';
import type { OtelModules } from './otel-modules.js';

export function createContextManager({ contextAsyncHooks }: Pick<OtelModules, 'contextAsyncHooks'>): ContextManager {
  class LeanContextManager extends contextAsyncHooks.AsyncLocalStorageContextManager {
    /** Upstream's storage (a private field); when it is not there, `with` falls back to upstream's. */
    private readonly storage = (this as unknown as { _asyncLocalStorage?: AsyncLocalStorage<Context> })
      ._asyncLocalStorage;

    override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
      context: Context,
      fn: F,
      thisArg?: ThisParameterType<F>,
      ...args: A
    ): ReturnType<F> {
      const storage = this.storage;
      if (!storage) return super.with(context, fn, thisArg, ...args);
      if (thisArg == null) return storage.run(context, fn, ...args);
      return storage.run(context, callWith, fn, thisArg, args) as ReturnType<F>;
    }
  }
  return new LeanContextManager();
}

function callWith(fn: (...args: never[]) => unknown, thisArg: unknown, args: unknown[]): unknown {
  return Reflect.apply(fn, thisArg, args as never[]);
}
