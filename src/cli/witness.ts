/**
 * `npm run cli -- witness --url URL --state FILE --key FILE [--name NAME] [--log-key VKEY|FILE]`
 *
 * A witness of the platform's transparency log (c2sp.org/tlog-cosignature, cosignature/v1):
 * fetches the checkpoint, verifies the log's signature, proves it consistent with the last
 * checkpoint this witness cosigned (consistency proof computed from the tiles), records it in
 * --state, cosigns it and submits the cosignature to the platform, which serves it with the
 * checkpoint. The witness key (--key) is created on first use when --name is given; its verifier
 * key is printed, for the platform's TRANSPARENCY_WITNESSES. The log key is --log-key, or the one
 * recorded in --state, or on the very first run the one the log serves (trust on first use).
 *
 * Exit status: 0 cosigned; 1 error (nothing cosigned); 2 usage; 3 the log signed two
 * inconsistent checkpoints: both are kept as evidence files next to --state.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseCheckpoint } from '../server/modules/transparency/lib/checkpoint.js';
import { checkConsistency, LogClient, verifyCheckpoint } from '../server/modules/transparency/lib/client.js';
import {
  ALG_COSIGNATURE_V1,
  generateKey,
  signatureLine,
  signerFromPrivateKey,
  verifierFromKey,
} from '../server/modules/transparency/lib/note.js';
import { type CliIo, readKeyArg, writeFileAtomic } from './verify-log.js';

export const WITNESS_HELP = `Usage: npm run cli -- witness --url URL --state FILE --key FILE [--name NAME] [--log-key VKEY|FILE]
  --url       the platform (http://host:3000) or the log prefix (…/api/transparency/log)
  --state     the witness's record of the last checkpoint it cosigned (created on first run)
  --key       the witness's private key file; created when missing if --name is given
  --name      the witness's key name for a new key, e.g. witness.example.org/w1
  --log-key   the log's verifier key (or a file); default: the one in --state, else trust on first use
`;

interface WitnessState {
  origin: string;
  logKey: string;
  /** The last checkpoint cosigned, as the log served it. */
  checkpoint: string;
}

export async function runWitness(args: string[], io: CliIo): Promise<number> {
  let values: { url?: string; state?: string; key?: string; name?: string; 'log-key'?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        state: { type: 'string' },
        key: { type: 'string' },
        name: { type: 'string' },
        'log-key': { type: 'string' },
      },
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${WITNESS_HELP}`);
    return 2;
  }
  if (!values.url || !values.state || !values.key) {
    io.stderr(WITNESS_HELP);
    return 2;
  }
  const fail = (message: string) => {
    io.stderr(`witness: ${message}; nothing cosigned`);
    return 1;
  };

  if (!existsSync(values.key)) {
    if (!values.name) return fail(`no key file ${values.key}: pass --name to create one`);
    const { skey, vkey } = generateKey(values.name, ALG_COSIGNATURE_V1);
    writeFileSync(values.key, `${skey}\n`, { mode: 0o600, flag: 'wx' });
    io.stdout(
      `created witness key ${values.key}; add its verifier key to the platform's TRANSPARENCY_WITNESSES:\n${vkey}`,
    );
  }
  const signer = signerFromPrivateKey(readFileSync(values.key, 'utf8'));
  if (signer.type !== ALG_COSIGNATURE_V1)
    return fail(`${values.key} is not a cosignature/v1 (type 0x04) key`);

  const state: WitnessState | null = existsSync(values.state)
    ? JSON.parse(readFileSync(values.state, 'utf8'))
    : null;
  const client = new LogClient(values.url, io.fetch);
  let logKey = values['log-key'] ? readKeyArg(values['log-key']) : state?.logKey;
  if (state && logKey !== state.logKey)
    return fail(`--log-key ${logKey} is not the key ${state.logKey} recorded in ${values.state}`);
  if (!logKey) {
    try {
      logKey = await client.key();
    } catch (error) {
      return fail((error as Error).message);
    }
    io.stdout(`trusting the log key served on first use: ${logKey}`);
  }
  const log = verifierFromKey(logKey);

  let served: string;
  let next: ReturnType<typeof verifyCheckpoint>;
  try {
    served = await client.checkpoint();
    next = verifyCheckpoint(served, log);
  } catch (error) {
    return fail(`checkpoint: ${(error as Error).message}`);
  }

  if (state) {
    const previous = parseCheckpoint(verifyCheckpoint(state.checkpoint, log).opened.text);
    const consistency = await checkConsistency(client, previous, next.checkpoint);
    if (!consistency.ok && consistency.reason === 'tiles')
      return fail(
        `the log's tiles do not match its checkpoint of size ${next.checkpoint.size}: ${consistency.message}`,
      );
    if (!consistency.ok) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const oldFile = `${values.state}.evidence-${stamp}.previous.checkpoint`;
      const newFile = `${values.state}.evidence-${stamp}.new.checkpoint`;
      writeFileSync(oldFile, state.checkpoint);
      writeFileSync(newFile, served);
      io.stderr(
        `witness: INCONSISTENT LOG ${previous.origin}: it signed a checkpoint of size ${next.checkpoint.size} that does not extend the checkpoint of size ${previous.size} this witness cosigned (${consistency.message}). Both signed checkpoints are kept as evidence: ${oldFile} and ${newFile}. Not cosigned; ${values.state} unchanged.`,
      );
      return 3;
    }
    if (next.checkpoint.size > previous.size)
      io.stdout(
        `consistent with size ${previous.size} (proof of ${consistency.proofLength} hashes computed from the tiles)`,
      );
  }

  // The witness records what it cosigns before the cosignature leaves it.
  writeFileAtomic(
    values.state,
    `${JSON.stringify({ origin: next.checkpoint.origin, logKey, checkpoint: served } satisfies WitnessState, null, 2)}\n`,
  );
  const line = signatureLine(signer, next.opened.text);
  const res = await client.submitCosignature(`${next.opened.text}\n${line}`);
  if (res.status !== 200) {
    io.stderr(
      `witness: cosigned size ${next.checkpoint.size}, but the platform refused the cosignature: HTTP ${res.status} ${res.body}`,
    );
    return 1;
  }
  io.stdout(
    `cosigned ${next.checkpoint.origin} at size ${next.checkpoint.size} as ${signer.name}: ${line.trim()}`,
  );
  return 0;
}
