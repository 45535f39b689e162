import { parseArgs } from 'node:util';
import { ruleFileYaml } from '@tracehouse/alerting';
import { loadSlos, sloGroups } from '../alerting/load';
import { loadConfig } from '../config/load';

const USAGE = `Usage: tracehouse slo rules [--config FILE] [--set key=value ...]

Prints the recording and burn-rate alerting rules that tracehouse generates for the
configured SLOs (\`slos\`), as a Prometheus rule file, for users who run their own Prometheus
scraping tracehouse's /metrics.`;

/** `tracehouse slo rules`: the generated SLO rules as a Prometheus rule file on stdout. */
export function sloCommand(args: string[]): number {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    console.log(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'rules') {
    console.error(`tracehouse slo: unknown command "${sub}"\n\n${USAGE}`);
    return 2;
  }
  try {
    const { values } = parseArgs({
      args: rest,
      options: { config: { type: 'string' }, set: { type: 'string', multiple: true } },
      strict: true,
    });
    const config = loadConfig({ file: values.config, env: process.env, sets: values.set });
    const slos = loadSlos(config);
    if (slos.length === 0) {
      console.error('tracehouse slo rules: no SLOs configured (slos in --config FILE, or --set slos=[...])');
      return 1;
    }
    process.stdout.write(ruleFileYaml(sloGroups(config, slos)));
    return 0;
  } catch (err) {
    console.error(`tracehouse slo rules: ${(err as Error).message}`);
    return 2;
  }
}
