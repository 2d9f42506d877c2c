/**
 * `npm run cli -- verify-log --url URL --key VKEY|FILE [--state FILE] [--full] [--witness VKEY …]`
 *
 * Checks the platform's transparency log through its public endpoints only: the checkpoint's
 * signature (and each required witness's cosignature), its consistency with the checkpoint saved
 * in --state (updated when everything verifies), and with --full every tile and entry bundle,
 * naming the first entry whose content no longer matches the signed tree.
 * Exit status: 0 verified, 1 verification failed, 2 usage.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseCheckpoint } from '../server/modules/transparency/lib/checkpoint.js';
import {
  checkConsistency,
  type Fetch,
  LogClient,
  verifyCheckpoint,
  verifyFull,
} from '../server/modules/transparency/lib/client.js';
import { verifierFromKey } from '../server/modules/transparency/lib/note.js';

export const VERIFY_LOG_HELP = `Usage: npm run cli -- verify-log --url URL --key VKEY|FILE [--state FILE] [--full] [--witness VKEY]…
  --url       the platform (http://host:3000) or the log prefix (…/api/transparency/log)
  --key       the log's verifier key, or a file holding it (printed by the server at start)
  --state     a file keeping the last verified checkpoint: the new one must be consistent with it
  --full      also fetch every tile and entry bundle and check every entry against the signed tree
  --witness   a witness verifier key (or file) whose cosignature the checkpoint must carry; repeatable
`;

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  fetch?: Fetch;
}

/** A key given inline (name+hex+base64) or as a file holding it. */
export function readKeyArg(value: string): string {
  if (/^[^\s+]+\+[0-9a-f]{8}\+/.test(value.trim())) return value.trim();
  return readFileSync(value, 'utf8').trim();
}

export function writeFileAtomic(file: string, content: string) {
  writeFileSync(`${file}.tmp`, content, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export async function runVerifyLog(args: string[], io: CliIo): Promise<number> {
  let values: { url?: string; key?: string; state?: string; full?: boolean; witness?: string[] };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        state: { type: 'string' },
        full: { type: 'boolean', default: false },
        witness: { type: 'string', multiple: true, default: [] },
      },
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${VERIFY_LOG_HELP}`);
    return 2;
  }
  if (!values.url || !values.key) {
    io.stderr(VERIFY_LOG_HELP);
    return 2;
  }
  const fail = (message: string) => {
    io.stderr(`transparency log verification FAILED: ${message}`);
    return 1;
  };
  const log = verifierFromKey(readKeyArg(values.key));
  const witnesses = (values.witness ?? []).map((w) => verifierFromKey(readKeyArg(w)));
  const client = new LogClient(values.url, io.fetch);

  let verified: ReturnType<typeof verifyCheckpoint>;
  try {
    verified = verifyCheckpoint(await client.checkpoint(), log, witnesses);
  } catch (error) {
    return fail(`checkpoint: ${(error as Error).message}`);
  }
  const { checkpoint } = verified;
  io.stdout(
    `checkpoint of ${checkpoint.origin}: size ${checkpoint.size}, root ${checkpoint.root.toString('base64')}, signed by the log${witnesses.length ? ` and cosigned by ${witnesses.map((w) => w.name).join(', ')}` : ''}`,
  );

  if (values.state && existsSync(values.state)) {
    const saved = JSON.parse(readFileSync(values.state, 'utf8')) as { checkpoint: string };
    let previous: ReturnType<typeof parseCheckpoint>;
    try {
      previous = parseCheckpoint(verifyCheckpoint(saved.checkpoint, log).opened.text);
    } catch (error) {
      return fail(`the checkpoint saved in ${values.state} does not verify: ${(error as Error).message}`);
    }
    const consistency = await checkConsistency(client, previous, checkpoint);
    if (!consistency.ok)
      return fail(`not consistent with the checkpoint saved in ${values.state}: ${consistency.message}`);
    io.stdout(
      `consistent with the saved checkpoint of size ${previous.size} (proof of ${consistency.proofLength} hashes from the tiles)`,
    );
  }

  if (values.full) {
    const started = Date.now();
    const full = await verifyFull(client, checkpoint);
    if (!full.ok) return fail(full.message);
    io.stdout(
      `full verification: ${full.entries} entries in ${full.tiles} tiles match the signed root (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  }

  if (values.state)
    writeFileAtomic(
      values.state,
      `${JSON.stringify({ origin: checkpoint.origin, checkpoint: verified.note }, null, 2)}\n`,
    );
  io.stdout('transparency log verified');
  return 0;
}
