/**
 * 公开日志 (public): the audit trail's transparency log — its verifier key, the latest signed
 * checkpoint (its signature checked by this browser), the witnesses, and how anyone verifies the
 * whole log without trusting the platform.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Space, Tag, Typography } from 'antd';
import { LogProofError, openCheckpoint } from '../../../domain/log-proof';
import { api, requestRaw } from '../../api';
import { formatNumber } from '../../format';

const LOG = '/api/transparency/log';

async function loadLog() {
  const [key, note, witnesses] = await Promise.all([
    requestRaw('GET', `${LOG}/key`).then((r) => r.text()),
    requestRaw('GET', `${LOG}/checkpoint`).then((r) => r.text()),
    api.get<{ witnesses: string[] }>('/api/transparency/witnesses'),
  ]);
  const signatures = note.slice(note.lastIndexOf('\n\n') + 2, -1).split('\n');
  const cosigners = witnesses.witnesses
    .map((w) => w.split('+')[0])
    .filter((name) => signatures.some((line) => line.startsWith(`— ${name} `)));
  try {
    const checkpoint = await openCheckpoint(note, key);
    return { key: key.trim(), note, checkpoint, witnesses: witnesses.witnesses, cosigners, error: null };
  } catch (error) {
    const message = error instanceof LogProofError ? error.message : '无法验证检查点签名';
    return {
      key: key.trim(),
      note,
      checkpoint: null,
      witnesses: witnesses.witnesses,
      cosigners,
      error: message,
    };
  }
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function TransparencyPage() {
  const log = useQuery({ queryKey: ['transparency-log'], queryFn: loadLog, refetchInterval: 30_000 });
  const data = log.data;
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  return (
    <div className="public-page">
      <Typography.Title level={2}>公开日志</Typography.Title>
      <Typography.Paragraph>
        平台的每一条审计记录都按顺序写入一棵只增不改的默克尔树（RFC 6962 / RFC
        9162），平台每隔数秒用下方公钥签署一次“检查点”（树的大小和根哈希）。
        公开记录写入其公开内容；内部记录只写入时间、操作类型和对全部内容的加盐承诺值。任何人都可以下载全部日志自行核对：
        若有人改写或删除历史记录，新旧检查点将无法相互印证。纪委监委、财政、审计等监督部门可作为“见证方”联署检查点。
      </Typography.Paragraph>
      {log.error ? <Alert type="error" showIcon message="日志暂时无法读取，请稍后再试" /> : null}
      {data ? (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Card title="最新检查点" data-testid="log-checkpoint">
            {data.checkpoint ? (
              <Alert
                type="success"
                showIcon
                message="本浏览器已用日志公钥验证了该检查点的签名"
                style={{ marginBottom: 16 }}
              />
            ) : (
              <Alert
                type="error"
                showIcon
                message={`检查点验证失败：${data.error}`}
                style={{ marginBottom: 16 }}
              />
            )}
            {data.checkpoint ? (
              <Descriptions column={1} size="small" bordered>
                <Descriptions.Item label="日志名称">{data.checkpoint.origin}</Descriptions.Item>
                <Descriptions.Item label="已记入条目">
                  {formatNumber(data.checkpoint.size)} 条
                </Descriptions.Item>
                <Descriptions.Item label="根哈希（SHA-256）">
                  <Typography.Text code copyable className="break-all">
                    {hex(data.checkpoint.root)}
                  </Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label="见证方联署">
                  {data.witnesses.length === 0
                    ? '尚未配置见证方'
                    : `${data.cosigners.length} / ${data.witnesses.length}`}
                  {data.cosigners.map((name) => (
                    <Tag key={name} color="success" style={{ marginLeft: 8 }}>
                      {name}
                    </Tag>
                  ))}
                </Descriptions.Item>
              </Descriptions>
            ) : null}
          </Card>
          <Card title="日志公钥">
            <Typography.Paragraph type="secondary">
              请将此公钥与平台在其他渠道（如政府网站公告）公布的公钥比对；核验时只需此公钥和本站地址。
            </Typography.Paragraph>
            <Typography.Paragraph code copyable className="break-all" data-testid="log-key">
              {data.key}
            </Typography.Paragraph>
          </Card>
          <Card title="自行核验">
            <Typography.Paragraph>
              在任意一台电脑上，用本平台的命令行工具核验签名、一致性以及每一条记录：
            </Typography.Paragraph>
            <Typography.Paragraph code copyable className="break-all">
              {`npm run cli -- verify-log --url ${origin} --key '${data.key}' --state 日志状态.json --full`}
            </Typography.Paragraph>
            <Typography.Paragraph>
              日志采用公开规范（C2SP tlog-tiles、tlog-checkpoint、signed-note），也可用 Go 语言校验和数据库的
              note 与 tlog 程序包等独立实现核验。接口：
            </Typography.Paragraph>
            <ul className="plain-list">
              <li>
                <Typography.Text code>{`${LOG}/checkpoint`}</Typography.Text> 最新检查点（签名文本）
              </li>
              <li>
                <Typography.Text code>{`${LOG}/tile/<层>/<编号>`}</Typography.Text> 哈希瓦片
              </li>
              <li>
                <Typography.Text code>{`${LOG}/tile/entries/<编号>`}</Typography.Text> 条目包
              </li>
              <li>
                <Typography.Text code>{`${LOG}/key`}</Typography.Text> 日志公钥
              </li>
            </ul>
            <Typography.Paragraph type="secondary">
              每个项目的“项目进展”中，每一步都标有“已记入公开日志 第 n 条”，由您的浏览器当场验证其包含证明。
            </Typography.Paragraph>
          </Card>
        </Space>
      ) : null}
    </div>
  );
}
