/** 工作台: a welcome card per role, with what the role does here, and shortcuts to its areas. */
import { Card, Col, Row, Typography } from 'antd';
import { createElement } from 'react';
import { Link } from 'react-router';
import { orgKindLabels, roleLabels } from '../../../domain/enums';
import { PageHeader } from '../../components/PageHeader';
import { formatDateLong } from '../../format';
import { navFor, roleDescriptions } from '../../navigation';
import { useSession } from '../../session';

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
              </div>
            </Col>
          ))}
        </Row>
      </Card>
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
