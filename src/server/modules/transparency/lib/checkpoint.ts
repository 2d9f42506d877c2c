/** C2SP tlog-checkpoint note text: origin, tree size, base64 root hash (https://c2sp.org/tlog-checkpoint). */
import { HASH_SIZE } from './merkle.js';
import { decodeBase64, NoteError } from './note.js';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** Extension lines (this log writes none). */
  extensions: string[];
}

export function formatCheckpoint(origin: string, size: number, root: Uint8Array): string {
  return `${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
}

export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new NoteError('malformed checkpoint: no final newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((l) => l === '')) throw new NoteError('malformed checkpoint');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (!/^(0|[1-9]\d*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine)))
    throw new NoteError(`malformed checkpoint tree size ${JSON.stringify(sizeLine)}`);
  const root = decodeBase64(rootLine);
  if (!root || root.length !== HASH_SIZE) throw new NoteError('malformed checkpoint root hash');
  return { origin, size: Number(sizeLine), root, extensions };
}
