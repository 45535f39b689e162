// Flushes telemetry when the process is asked to stop. Batch processors hold up to several seconds
// of spans and logs in memory; without this, a deploy (SIGTERM) or Ctrl-C (SIGINT) loses them.
import { constants } from 'node:os';

export interface SignalHandling {
  uninstall(): void;
}

/**
 * On SIGTERM/SIGINT: flush and shut down (bounded by the caller's timeout), then exit with
 * 128 + signal number, the code the default handler would have produced. A second signal during
 * the flush takes the default path (immediate exit), so a stuck flush can always be interrupted.
 * On `beforeExit` (the event loop ran dry): flush, so short scripts lose nothing either.
 */
export function installSignalHandlers(shutdown: () => Promise<void>, exit: (code: number) => void): SignalHandling {
  const onSignal = (signal: NodeJS.Signals) => {
    const code = 128 + (constants.signals[signal] ?? 0);
    shutdown().then(
      () => exit(code),
      () => exit(code),
    );
  };
  const onBeforeExit = () => {
    void shutdown();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  process.once('beforeExit', onBeforeExit);
  return {
    uninstall() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.off('beforeExit', onBeforeExit);
    },
  };
}
