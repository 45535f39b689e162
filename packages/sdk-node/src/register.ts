// `node --import @tracehouse/node/register app.js`: starts the SDK from OTEL_* variables before
// the application's modules load, which is what lets ESM imports be instrumented.
import { init } from './sdk.js';

await init().ready;
