// The traffic driver: a few virtual users shopping against the gateway, so a newcomer sees a
// realistic mix within a minute: successful checkouts, unknown tokens (401), an item that is out
// of stock (409), database timeouts and slow queries (500 / >1 s), declined cards in the worker.
// Not instrumented itself: the gateway is where traces start.
import { parseArgs } from 'node:util';
import { sleep } from './lib/http-json.js';
import { urlOf } from './lib/settings.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '4' },
    rps: { type: 'string', default: '8' },
    duration: { type: 'string' },
    // With --duration: keep going past it until this many checkouts succeeded (a short run is random
    // enough to place none on a slow machine), for at most two more minutes.
    'min-checkouts': { type: 'string', default: '0' },
  },
});
const users = Number(values.users);
const pauseMillis = (1000 * users) / Number(values.rps);
const minCheckouts = Number(values['min-checkouts']);
const deadline = values.duration ? Date.now() + Number(values.duration) * 1000 : Number.POSITIVE_INFINITY;
const hardDeadline = deadline + 120_000;

const TOKENS = ['tok-alice', 'tok-bob', 'tok-carol', 'tok-dave', 'tok-u42', 'tok-expired'];
const ITEMS = ['book', 'book', 'mug', 'poster', 'limited-vinyl'];
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];

const counts = new Map<string, number>();
const done = () => {
  const now = Date.now();
  return now >= hardDeadline || (now >= deadline && (counts.get('checkout 201') ?? 0) >= minCheckouts);
};
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});
process.on('SIGINT', () => {
  stopping = true;
});

async function virtualUser(index: number): Promise<void> {
  const placed: string[] = [];
  await sleep(index * (pauseMillis / users));
  while (!stopping && !done()) {
    const token = pick(TOKENS);
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-correlation-id': `c-${crypto.randomUUID().slice(0, 8)}`,
    };
    let outcome: string;
    try {
      const lookup = placed.length > 0 && Math.random() < 0.25;
      const response = lookup
        ? await fetch(`${urlOf('gateway')}/api/orders/${pick(placed)}`, { headers })
        : await fetch(`${urlOf('gateway')}/api/checkout`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ item: pick(ITEMS), quantity: 1 + Math.floor(Math.random() * 2) }),
          });
      const body = (await response.json()) as { id?: string };
      if (!lookup && response.status === 201 && body.id) placed.push(body.id);
      outcome = `${lookup ? 'GET order' : 'checkout'} ${response.status}`;
    } catch {
      outcome = 'connection error';
    }
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    await sleep(pauseMillis * (0.5 + Math.random()));
  }
}

const report = setInterval(() => {
  const summary = [...counts].map(([outcome, count]) => `${outcome}: ${count}`).join(', ');
  console.log(`traffic: ${summary || 'starting'}`);
}, 10_000);

await Promise.all(Array.from({ length: users }, (_, index) => virtualUser(index)));
clearInterval(report);
console.log(`traffic done: ${[...counts].map(([outcome, count]) => `${outcome}: ${count}`).join(', ')}`);
