import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type HostPort,
  loadPbxEmergencyNumbers,
  parseHostPort,
  renderKamailioConfig,
} from '../../telephony/pbx-config.js';
import { emergencyPatternsOf } from '../../telephony/pbx-emergency.js';
import { type Command, UsageError, requireOption } from '../command.js';
import { readInputFile } from '../read-input.js';

/** The template beside the package: dist/src/cli/commands → the repository's integrations/. */
export const KAMAILIO_TEMPLATE = fileURLToPath(
  new URL('../../../../integrations/kamailio/callgate.cfg.template', import.meta.url),
);

export const pbxKamailioConfig: Command = {
  name: 'pbx kamailio-config',
  usage:
    'pbx kamailio-config --account ID --token-file PATH|- [--callgate-url http://127.0.0.1:3000]\n' +
    '       [--listen 127.0.0.1:5060] [--carrier 127.0.0.1:5070] [--children 16] [--timeout 1]\n' +
    '       [--no-keep-alive] [--no-callgate] [--out FILE]',
  summary:
    "write the Kamailio configuration that asks Callgate before every outbound call, with the account's emergency numbers (integrations/kamailio)",
  options: {
    'callgate-url': { type: 'string' },
    'token-file': { type: 'string' },
    listen: { type: 'string' },
    carrier: { type: 'string' },
    children: { type: 'string' },
    timeout: { type: 'string' },
    'no-keep-alive': { type: 'boolean' },
    'no-callgate': { type: 'boolean' },
    out: { type: 'string' },
  },
  async run({ options, openStore, out }) {
    const accountId = requireOption(options, 'account');
    const callgate = options['no-callgate'] !== true;
    const tokenFile = options['token-file'];
    if (callgate && typeof tokenFile !== 'string')
      throw new UsageError('--token-file is required (a pbx application token; - reads stdin)');
    // The token stays off the command line (visible to `ps`, kept in shell history).
    const token =
      callgate && typeof tokenFile === 'string'
        ? (await readInputFile(tokenFile)).trim()
        : undefined;
    const hostPort = (name: string, fallback: string): HostPort => {
      const value = options[name];
      const parsed = parseHostPort(typeof value === 'string' ? value : fallback);
      if (!parsed) throw new UsageError(`--${name} must be HOST:PORT`);
      return parsed;
    };
    const count = (name: string, fallback: number, max: number): number => {
      const value = options[name];
      const n = typeof value === 'string' ? Number(value) : fallback;
      if (!Number.isInteger(n) || n < 1 || n > max)
        throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
      return n;
    };
    const callgateUrl =
      typeof options['callgate-url'] === 'string'
        ? options['callgate-url']
        : 'http://127.0.0.1:3000';
    if (!URL.canParse(callgateUrl) || !/^https?:$/.test(new URL(callgateUrl).protocol))
      throw new UsageError('--callgate-url must be an http:// or https:// URL');
    const store = await openStore();
    const emergency = await loadPbxEmergencyNumbers(store.db, accountId, emergencyPatternsOf);
    const config = renderKamailioConfig(
      await readFile(KAMAILIO_TEMPLATE, 'utf8'),
      {
        accountId,
        callgateUrl,
        token,
        listen: hostPort('listen', '127.0.0.1:5060'),
        carrier: hostPort('carrier', '127.0.0.1:5070'),
        // Each worker waits on one query at a time: the count bounds the calls waiting on a
        // slow Callgate (4, 16 and 32 all held 1,800 calls/s on two shared cores; bench/sip.ts).
        children: count('children', 16, 256),
        timeoutSeconds: count('timeout', 1, 60),
        callgate,
        // One kept-alive connection per worker carried more calls in every run (bench/sip.ts).
        keepAlive: options['no-keep-alive'] !== true,
      },
      emergency,
      new Date(),
    );
    if (typeof options.out === 'string') {
      // The file holds the token: readable by its owner only.
      await writeFile(options.out, config, { mode: 0o600 });
      out(`wrote ${options.out}`);
    } else {
      out(config.trimEnd());
    }
  },
};
