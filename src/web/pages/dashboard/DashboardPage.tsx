/**
 * 工作台: a welcome card per role, with what the role does here and links to where it is done,
 * the evaluator's waiting work, and shortcuts to the user's areas.
 */
import { Card, Col, Row, Typography } from 'antd';
import { createElement } from 'react';
import { Link } from 'react-router';
import { orgKindLabels, type Role, roleLabels } from '../../../domain/enums';
import { PageHeader } from '../../components/PageHeader';
import { formatDate, formatDateLong } from '../../format';
import { navFor, roleDescriptions } from '../../navigation';
import { useSession } from '../../session';
import { CommunityWork } from '../community/CommunityWork';
import { useAssignedEvaluations } from '../evaluations/MyEvaluationsPage';

/** Where the work each role card names is done. */
const ROLE_LINKS: Partial<Record<Role, { to: string; label: string }[]>> = {
  provider: [
    { to: '/app/projects', label: '实施动态' },
    { to: '/app/projects', label: '资金使用' },
    { to: '/app/projects', label: '整改' },
  ],
  buyer: [
    { to: '/app/projects', label: '拨付资金' },
    { to: '/app/projects', label: '项目监管' },
  ],
  admin: [{ to: '/app/templates', label: '指标模板' }],
  community: [{ to: '/app/activities/pending', label: '待确认活动' }],
  evaluator: [{ to: '/app/evaluations', label: '我的评估' }],
};

/** The evaluator's evaluations still to score and submit, and rectifications to re-check. */
function EvaluatorWork() {
  const work = useAssignedEvaluations();
  const waiting = work.data?.evaluations.filter((e) => e.waiting) ?? [];
  const rechecks = work.data?.rechecks ?? [];
  return (
    <Card title="待办评估" style={{ marginTop: 16 }} loading={work.isLoading} data-testid="evaluator-work">
      {waiting.length === 0 && rechecks.length === 0 ? (
        <Typography.Text type="secondary">暂无待办</Typography.Text>
      ) : (
        <ul className="plain-list">
          {waiting.map((e) => (
            <li key={e.id}>
              <Link to={`/app/evaluations/${e.id}`}>
                {e.projectTitle}（{e.stage === 'midterm' ? '中期评估' : '末期评估'}，{formatDate(e.dueOn)}{' '}
                截止）
              </Link>
            </li>
          ))}
          {rechecks.map((p) => (
            <li key={p.id}>
              <Link to={`/app/projects/${p.id}`}>{p.projectTitle}（整改待复核）</Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function DashboardPage() {
  const user = useSession().data?.user;
  if (!user) return null;
  const shortcuts = navFor(user.roles).filter((i) => i.path !== '/app');
  return (
    <>
      <PageHeader title="工作台" subTitle={formatDateLong(new Date())} />
      <Card className="welcome-card" data-testid="welcome-card">
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          欢迎，{user.displayName}
        </Typography.Title>
        {user.org ? (
          <Typography.Paragraph type="secondary">
            {user.org.name}（{orgKindLabels[user.org.kind]}）
          </Typography.Paragraph>
        ) : null}
        <Row gutter={[16, 16]}>
          {user.roles.map((role) => (
            <Col key={role} xs={24} md={12}>
              <div className="role-card" data-testid={`role-card-${role}`}>
                <div className="role-card-title">{roleLabels[role]}</div>
                <div className="role-card-who">{roleDescriptions[role].who}</div>
                <div className="role-card-what">{roleDescriptions[role].what}</div>
                {ROLE_LINKS[role] ? (
                  <div className="role-card-links">
                    {ROLE_LINKS[role].map((l) => (
                      <Link key={l.label} to={l.to}>
                        {l.label}
                      </Link>
                    ))}
                  </div>
                ) : null}
              </div>
            </Col>
          ))}
        </Row>
      </Card>
      {user.roles.includes('evaluator') ? <EvaluatorWork /> : null}
      {user.roles.includes('community') ? <CommunityWork /> : null}
      {shortcuts.length > 0 ? (
        <Card title="常用功能" style={{ marginTop: 16 }}>
          <Row gutter={[12, 12]}>
            {shortcuts.map((item) => (
              <Col key={item.path} xs={12} sm={8} lg={6}>
                <Link to={item.path} className="shortcut">
                  <span className="shortcut-icon">{createElement(item.icon)}</span>
                  <span>{item.label}</span>
                </Link>
              </Col>
            ))}
          </Row>
        </Card>
      ) : (
        <Card style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">
            更多功能（项目征集、申报、评审、实施、评估等）将陆续开放。
          </Typography.Text>
        </Card>
      )}
    </>
  );
}
