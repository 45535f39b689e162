// auth: verifies API tokens for the gateway. Token checks are usually fast, but a cold cache means
// a slow "password hash" path now and then.
import { createLogger, withSpan } from '@tracehouse/node';
import { HttpError, JsonRouter, readJson, sleep } from './lib/http-json.js';
import { HOST, PORTS } from './lib/settings.js';

const logger = createLogger();

/** The demo's users: token -> user id. The traffic driver also sends tokens that are not here. */
const TOKENS: Record<string, string> = {
  'tok-alice': 'u-alice',
  'tok-bob': 'u-bob',
  'tok-carol': 'u-carol',
  'tok-dave': 'u-dave',
  'tok-u42': 'u-42',
};

const router = new JsonRouter().on('POST', '/verify', async (request) => {
  const { token } = await readJson<{ token?: string }>(request);
  const userId = await withSpan('verify token', async (span) => {
    const cacheHit = Math.random() > 0.08;
    span.setAttribute('auth.cache_hit', cacheHit);
    // A cache miss re-derives the token hash, which is deliberately slow.
    await sleep(cacheHit ? 1 + Math.random() * 3 : 250 + Math.random() * 400);
    return token ? TOKENS[token] : undefined;
  });
  if (!userId) {
    logger.warn({ token_prefix: token?.slice(0, 4) }, 'rejected unknown token');
    throw new HttpError(401, 'invalid token');
  }
  logger.info({ userId }, 'token verified');
  return { body: { userId } };
});

await router.listen(PORTS.auth, HOST, (error) => {
  if (!(error instanceof HttpError) || error.status >= 500) logger.error({ err: error }, 'request failed');
});
logger.info({ port: PORTS.auth }, 'auth listening');
