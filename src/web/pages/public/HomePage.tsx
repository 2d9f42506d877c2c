/**
 * Public home page: what the platform is, and the way in. Plain headings and a CSS grid rather
 * than antd's Typography, Card and Grid: it is the page every visitor loads first, and those bring
 * the code of editable text, tabs and skeletons with them.
 */
import {
  AuditOutlined,
  EyeOutlined,
  FileSearchOutlined,
  FormOutlined,
  LoginOutlined,
  NotificationOutlined,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { Button, Space } from 'antd';
import { useNavigate } from 'react-router';
import { PLATFORM_NAME } from '../../components/Brand';
import { useSession } from '../../session';

const STAGES = [
  {
    icon: NotificationOutlined,
    title: '发布',
    text: '购买主体公开年度发布计划和项目征集公告，渠道统一，不再零散。',
  },
  {
    icon: FormOutlined,
    title: '申报',
    text: '社区 + 社会组织 + 项目社工 + 社区参与力量“1+1+1+N”联合申报，系统自动查重。',
  },
  {
    icon: FileSearchOutlined,
    title: '评审',
    text: '从专家库随机抽取评审专家路演评审，回避利益冲突，去掉最高分和最低分。',
  },
  {
    icon: SafetyCertificateOutlined,
    title: '监管',
    text: '资金按节点拨付、动态监管，异常自动预警，杜绝重复申报和重复资助。',
  },
  {
    icon: AuditOutlined,
    title: '评估',
    text: '第三方评估机构开展中期、末期评估，评定等级，不合格项目整改或终止。',
  },
  {
    icon: EyeOutlined,
    title: '公开',
    text: '立项和评估结果公示，居民留言评价，纪检、财政、审计随时查阅，开放数据下载。',
  },
];

export function HomePage() {
  const navigate = useNavigate();
  const session = useSession();
  const signedIn = !!session.data?.user;
  return (
    <div className="home">
      <section className="home-hero">
        <h1 className="home-title">{PLATFORM_NAME}</h1>
        <p className="home-lead">政府购买社会工作服务，一站式发布、申报、评审、监管、评估、公开。</p>
        <p className="home-sub">
          区、街道（乡镇）、社区（村）三级社会工作服务项目全部纳入同一平台：资金动态监管，项目全程留痕，接受纪检监察、财政、审计和社会监督。
        </p>
        <Space wrap size={12} className="home-actions">
          {signedIn ? (
            <Button type="primary" size="large" onClick={() => navigate('/app')}>
              进入工作台
            </Button>
          ) : (
            <Button type="primary" size="large" icon={<LoginOutlined />} onClick={() => navigate('/login')}>
              登录
            </Button>
          )}
          <Button size="large" icon={<NotificationOutlined />} onClick={() => navigate('/calls')}>
            项目征集
          </Button>
          <Button size="large" icon={<EyeOutlined />} onClick={() => navigate('/publicity')}>
            立项公示
          </Button>
        </Space>
      </section>
      <section className="home-stages" aria-label="平台功能">
        <ul className="stage-grid">
          {STAGES.map((s) => (
            <li key={s.title} className="stage-card">
              <div className="stage-icon" aria-hidden="true">
                <s.icon />
              </div>
              <h4 className="stage-title">{s.title}</h4>
              <p className="stage-text">{s.text}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
