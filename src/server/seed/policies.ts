/**
 * The demo policy library: real national documents with their real numbers and dates; the
 * summaries are written for the demo (a short paraphrase, not the documents' text).
 */
import type { POLICY_CATEGORIES, PolicyLevel, PolicyStatus } from '../../domain/policies.js';
import { searchText } from '../../domain/search.js';
import type { Tx } from '../db/client.js';
import { policies } from '../db/schema.js';

type Demo = {
  title: string;
  level: PolicyLevel;
  issuer: string;
  docNumber: string;
  issuedOn: string;
  effectiveOn: string | null;
  category: (typeof POLICY_CATEGORIES)[number];
  summary: string;
  status?: PolicyStatus;
  statusReason?: string;
};

const DEMO_POLICIES: Demo[] = [
  {
    title: '政府购买服务管理办法',
    level: 'central',
    issuer: '财政部',
    docNumber: '财政部令第102号',
    issuedOn: '2020-01-03',
    effectiveOn: '2020-03-01',
    category: '政府购买服务',
    summary:
      '规定政府购买服务的购买主体、承接主体、购买内容和指导性目录、购买活动的实施、合同及履行、监督管理和法律责任，是区级购买社会工作服务的基本依据。',
  },
  {
    title: '政府购买服务管理办法（暂行）',
    level: 'central',
    issuer: '财政部 民政部 工商总局',
    docNumber: '财综〔2014〕96号',
    issuedOn: '2014-12-15',
    effectiveOn: '2015-01-01',
    category: '政府购买服务',
    summary: '首次对政府购买服务的主体、内容、程序、预算管理和绩效评价作出系统规定。',
    status: 'repealed',
    statusReason: '财政部令第102号《政府购买服务管理办法》自2020年3月1日起施行，本办法同时废止。',
  },
  {
    title: '国务院办公厅关于政府向社会力量购买服务的指导意见',
    level: 'central',
    issuer: '国务院办公厅',
    docNumber: '国办发〔2013〕96号',
    issuedOn: '2013-09-26',
    effectiveOn: null,
    category: '政府购买服务',
    summary: '提出政府向社会力量购买服务的总体方向、购买主体和承接主体、购买内容、机制和资金管理等要求。',
  },
  {
    title: '民政部 财政部关于政府购买社会工作服务的指导意见',
    level: 'central',
    issuer: '民政部 财政部',
    docNumber: '民发〔2012〕196号',
    issuedOn: '2012-11-14',
    effectiveOn: null,
    category: '社会工作',
    summary:
      '明确政府购买社会工作服务的重点领域、购买主体与承接主体、购买程序和监督管理，推动社会工作专业服务纳入政府购买服务范围。',
  },
  {
    title: '社会组织信用信息管理办法',
    level: 'central',
    issuer: '民政部',
    docNumber: '民政部令第60号',
    issuedOn: '2018-01-24',
    effectiveOn: '2018-03-01',
    category: '社会组织管理',
    summary:
      '规定社会组织信用信息的采集、公开、活动异常名录和严重违法失信名单的列入与移出，是平台红黑榜的依据。',
  },
  {
    title: '中华人民共和国慈善法',
    level: 'central',
    issuer: '全国人民代表大会',
    docNumber: '中华人民共和国主席令第四十三号',
    issuedOn: '2016-03-16',
    effectiveOn: '2016-09-01',
    category: '慈善与志愿服务',
    summary:
      '规范慈善组织、慈善募捐、慈善捐赠、慈善信托、慈善财产、慈善服务和信息公开，保护慈善参与者的合法权益。',
    status: 'revised',
    statusReason:
      '2023年12月29日第十四届全国人民代表大会常务委员会第七次会议修正，修正后的法律自2024年9月5日起施行。',
  },
  {
    title: '志愿服务条例',
    level: 'central',
    issuer: '国务院',
    docNumber: '国务院令第685号',
    issuedOn: '2017-08-22',
    effectiveOn: '2017-12-01',
    category: '慈善与志愿服务',
    summary: '规定志愿者和志愿服务组织的权利义务、志愿服务活动的开展、促进措施和法律责任。',
  },
  {
    title: '社会救助暂行办法',
    level: 'central',
    issuer: '国务院',
    docNumber: '国务院令第649号',
    issuedOn: '2014-02-21',
    effectiveOn: '2014-05-01',
    category: '民生保障',
    summary:
      '确立最低生活保障、特困人员供养、受灾人员救助、医疗救助、临时救助等社会救助制度，并规定社会力量参与。',
  },
  {
    title: '社会团体登记管理条例',
    level: 'central',
    issuer: '国务院',
    docNumber: '国务院令第250号',
    issuedOn: '1998-10-25',
    effectiveOn: '1998-10-25',
    category: '社会组织管理',
    summary: '规定社会团体的成立登记、变更和注销登记、监督管理和罚则。',
  },
  {
    title: '民办非企业单位登记管理暂行条例',
    level: 'central',
    issuer: '国务院',
    docNumber: '国务院令第251号',
    issuedOn: '1998-10-25',
    effectiveOn: '1998-10-25',
    category: '社会组织管理',
    summary: '规定民办非企业单位（社会服务机构）的登记、监督管理和罚则，多数社工机构依此登记。',
  },
  {
    title: '基金会管理条例',
    level: 'central',
    issuer: '国务院',
    docNumber: '国务院令第400号',
    issuedOn: '2004-03-08',
    effectiveOn: '2004-06-01',
    category: '社会组织管理',
    summary: '规定基金会的设立、变更和注销、组织机构、财产的管理和使用、监督管理和法律责任。',
  },
  {
    title: '关于加强社会工作专业人才队伍建设的意见',
    level: 'central',
    issuer: '中央组织部 民政部等18个部门',
    docNumber: '中组发〔2011〕25号',
    issuedOn: '2011-11-08',
    effectiveOn: null,
    category: '社会工作',
    summary:
      '提出社会工作专业人才队伍建设的指导思想、目标任务和政策措施，推动社会工作岗位开发和服务机构发展。',
  },
];

export async function seedPolicies(tx: Tx) {
  await tx.insert(policies).values(
    DEMO_POLICIES.map((p) => ({
      ...p,
      status: p.status ?? 'current',
      statusReason: p.statusReason ?? null,
      body: p.summary,
      searchText: searchText(p.title, p.docNumber, p.issuer, p.summary),
    })),
  );
}
