/**
 * "已记入公开日志 第 n 条": each public step's audit entry, checked by this browser itself against the
 * transparency log's signed checkpoint (WebCrypto: the Ed25519 signature under the log's published
 * key, and the entry's RFC 9162 inclusion proof). Nothing here trusts the page's own server beyond
 * the key, which anyone can compare with the one the platform publishes elsewhere.
 */
import { useQuery } from '@tanstack/react-query';
import { Tag, Tooltip } from 'antd';
import { decodeLogBase64, LogProofError, openCheckpoint, verifyInclusionProof } from '../../domain/log-proof';
import { api, requestRaw } from '../api';

interface ProofsResponse {
  checkpoint: string | null;
  treeSize: number;
  entries: { auditId: number; leafIndex: number; entry: string; inclusionProof: string[] }[];
  pending: number[];
}

export type LogStatus =
  | { state: 'verified'; leafIndex: number; treeSize: number }
  | { state: 'pending' }
  | { state: 'failed'; reason: string };

/** Fetches and verifies the inclusion of the given audit entries; one status per audit id. */
export async function verifyLogInclusion(auditIds: readonly number[]): Promise<Map<number, LogStatus>> {
  const statuses = new Map<number, LogStatus>();
  if (auditIds.length === 0) return statuses;
  const [key, proofs] = await Promise.all([
    requestRaw('GET', '/api/transparency/log/key').then((r) => r.text()),
    api.get<ProofsResponse>('/api/transparency/log/proofs', { audit: auditIds.join(',') }),
  ]);
  for (const id of proofs.pending) statuses.set(id, { state: 'pending' });
  if (!proofs.checkpoint) return statuses;
  let checkpoint: Awaited<ReturnType<typeof openCheckpoint>>;
  try {
    checkpoint = await openCheckpoint(proofs.checkpoint, key);
  } catch (error) {
    const reason = error instanceof LogProofError ? error.message : '无法验证检查点签名';
    for (const e of proofs.entries) statuses.set(e.auditId, { state: 'failed', reason });
    return statuses;
  }
  for (const e of proofs.entries) {
    const entry = decodeLogBase64(e.entry);
    const ok = entry && (await verifyInclusionProof(checkpoint, e.leafIndex, entry, e.inclusionProof));
    statuses.set(
      e.auditId,
      ok
        ? { state: 'verified', leafIndex: e.leafIndex, treeSize: checkpoint.size }
        : { state: 'failed', reason: '包含证明与签名检查点不符' },
    );
  }
  return statuses;
}

export function useLogInclusion(auditIds: readonly number[]) {
  return useQuery({
    queryKey: ['log-inclusion', auditIds.join(',')],
    queryFn: () => verifyLogInclusion(auditIds),
    enabled: auditIds.length > 0,
    staleTime: 60_000,
    retry: 1,
    // A step just taken is signed into the log within seconds: look again until it is.
    refetchInterval: (query) =>
      [...(query.state.data?.values() ?? [])].some((s) => s.state === 'pending') ? 5_000 : false,
  });
}

export function LogInclusionTag({ status }: { status: LogStatus | undefined }) {
  if (!status) return null;
  if (status.state === 'pending')
    return (
      <Tooltip title="新的公开步骤会在数秒内写入下一个签名检查点">
        <Tag data-testid="log-inclusion" data-state="pending">
          待记入公开日志
        </Tag>
      </Tooltip>
    );
  if (status.state === 'failed')
    return (
      <Tag data-testid="log-inclusion" data-state="failed" color="error">
        公开日志验证失败：{status.reason}
      </Tag>
    );
  return (
    <Tooltip
      title={`本浏览器已用日志公钥验证检查点签名（树大小 ${status.treeSize}），并验证了该条目（日志索引 ${status.leafIndex}）的包含证明`}
    >
      <Tag data-testid="log-inclusion" data-state="verified" color="success">
        已记入公开日志 第 {status.leafIndex + 1} 条 · 已验证
      </Tag>
    </Tooltip>
  );
}
