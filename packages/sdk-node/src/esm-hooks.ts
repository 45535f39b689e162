// Services here are ES modules, and an `import` is invisible to require-in-the-middle. The
// import-in-the-middle loader makes ESM imports patchable; registering it with a message channel
// limits it to the modules the instrumentations actually hook, so application files (including
// TypeScript run through tsx) are loaded untouched.
import { type RegisterOptions, register } from 'node:module';
import { loadImportInTheMiddle } from './otel-modules.js';

let registered = false;

/**
 * Registers the loader (once per process). Call before the instrumentations are created: their
 * Hook() calls are forwarded to the loader through the channel. The returned function resolves
 * once the loader has acknowledged every hooked module name.
 */
export function registerEsmHooks(): () => Promise<void> {
  const iitm = loadImportInTheMiddle();
  if (registered) return () => Promise.resolve();
  registered = true;
  const { registerOptions, waitForAllMessagesAcknowledged } = iitm.createAddHookMessageChannel();
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, registerOptions as RegisterOptions<unknown>);
  return waitForAllMessagesAcknowledged;
}
