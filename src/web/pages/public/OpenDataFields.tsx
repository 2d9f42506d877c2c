/** Every OCDS field the platform's open data uses, in Chinese (the /open-data page's tables). */

export const OCDS_TAGS = [
  { step: '年度发布计划', tag: 'planning' },
  { step: '年度计划调整', tag: 'planningUpdate' },
  { step: '发布项目征集', tag: 'tender' },
  { step: '征集公告变更', tag: 'tenderAmendment' },
  { step: '申报截止；流标', tag: 'tenderUpdate' },
  { step: '取消项目', tag: 'tenderCancellation' },
  { step: '开始立项公示', tag: 'award' },
  { step: '公示结束、立项（或异议成立撤销）', tag: 'awardUpdate' },
  { step: '合同签订', tag: 'contract' },
  { step: '合同变更', tag: 'contractAmendment' },
  { step: '资金拨付；评估结果生效', tag: 'implementation' },
  { step: '结项；终止项目', tag: 'contractTermination' },
];

export const TABLES = [
  {
    dataset: 'projects',
    label: '项目',
    description: '所有已发布的项目征集：编号、年度、名称、类别、购买主体、状态、预算。',
  },
  {
    dataset: 'awards',
    label: '立项',
    description: '立项公示中的、已立项的和被撤销的项目：承接主体及其统一社会信用代码、排名、得分、金额。',
  },
  {
    dataset: 'contracts',
    label: '合同',
    description: '已签订的合同：合同金额为变更后的当前金额，以及服务期、签订时间、状态。',
  },
  { dataset: 'payments', label: '资金拨付', description: '已拨付的每一笔项目资金：拨付节点、金额、日期。' },
] as const;

export const OCDS_FIELDS = [
  { field: 'uri', meaning: '本数据包的网址' },
  { field: 'version', meaning: '所用 OCDS 版本，固定为 1.1' },
  { field: 'publishedDate', meaning: '数据包发布时间（最新一条发布的时间）' },
  { field: 'publisher.name', meaning: '数据发布者' },
  { field: 'links.next', meaning: '下一页的地址；最后一页没有此字段' },
  { field: 'releases', meaning: '发布列表，按时间从早到晚' },
  { field: 'records[].ocid / records[].releases', meaning: '记录包中一个项目的标识和它的全部发布' },
  {
    field: 'records[].compiledRelease',
    meaning: '把该项目全部发布按 OCDS 合并规则合并后的当前状态（tag 为 compiled）',
  },
  { field: 'ocid', meaning: '开放合同标识：前缀加项目编号，一个项目（一次征集）一个，始终不变' },
  { field: 'id', meaning: '发布编号，在同一 ocid 内唯一且不变' },
  { field: 'date', meaning: '该环节发生的时间（北京时间）' },
  { field: 'tag', meaning: '发布类型，见上表' },
  { field: 'initiationType', meaning: '发起方式，固定为 tender（公开征集）' },
  { field: 'parties[].id', meaning: '单位标识：CN-USCC- 加统一社会信用代码' },
  { field: 'parties[].name', meaning: '单位名称' },
  {
    field: 'parties[].identifier.scheme / id / legalName',
    meaning: '登记标识：CN-USCC（统一社会信用代码）、代码、单位全称',
  },
  {
    field: 'parties[].roles',
    meaning:
      '单位角色：buyer 购买主体、procuringEntity 组织采购的单位、payer 付款方；tenderer 申报单位、supplier 承接主体、payee 收款方',
  },
  { field: 'buyer.id / buyer.name', meaning: '购买主体' },
  { field: 'planning.rationale', meaning: '年度发布计划中的项目说明（年度、名称、计划季度）' },
  { field: 'planning.budget.description / amount', meaning: '计划项目名称和计划预算金额' },
  { field: 'tender.id', meaning: '项目编号' },
  { field: 'tender.title', meaning: '项目名称' },
  {
    field: 'tender.status',
    meaning: '征集状态：active 征集中或已截止待立项，cancelled 已取消，unsuccessful 流标',
  },
  { field: 'tender.statusDetails', meaning: '取消或流标的原因' },
  { field: 'tender.procuringEntity', meaning: '组织征集的单位（购买主体）' },
  { field: 'tender.value', meaning: '本次征集的预算总额' },
  {
    field: 'tender.procurementMethod / procurementMethodDetails',
    meaning: '采购方式：open 公开征集，路演评审',
  },
  { field: 'tender.mainProcurementCategory', meaning: '采购类别：services 服务' },
  { field: 'tender.awardCriteria', meaning: '评审方式：ratedCriteria 按评分标准评审' },
  { field: 'tender.tenderPeriod.startDate / endDate', meaning: '申报开始时间和申报截止时间' },
  { field: 'tender.contractPeriod.startDate / endDate', meaning: '计划服务期' },
  { field: 'tender.numberOfTenderers', meaning: '申报截止时已提交的申报数量（只有数量，不列出申报单位）' },
  {
    field: 'tender.amendments[].id / date / rationale / description',
    meaning: '征集公告的每次变更：编号、时间、原因、变更了哪些内容',
  },
  { field: 'awards[].id', meaning: '立项编号' },
  { field: 'awards[].title', meaning: '立项项目名称' },
  {
    field: 'awards[].status',
    meaning: '立项状态：pending 公示中，active 已立项，cancelled 因异议成立被撤销',
  },
  { field: 'awards[].date', meaning: '公示开始或结束的时间' },
  { field: 'awards[].value', meaning: '立项金额' },
  { field: 'awards[].suppliers', meaning: '承接主体' },
  { field: 'contracts[].id / awardID', meaning: '合同编号（平台内部标识）和对应的立项编号' },
  { field: 'contracts[].title', meaning: '项目名称' },
  { field: 'contracts[].status', meaning: '合同状态：active 履行中，terminated 已结项或已终止' },
  { field: 'contracts[].description', meaning: '结项或终止的说明' },
  { field: 'contracts[].value', meaning: '合同金额；合同变更后为变更后的金额' },
  { field: 'contracts[].period.startDate / endDate', meaning: '合同服务期' },
  { field: 'contracts[].dateSigned', meaning: '双方确认签订的时间' },
  {
    field: 'contracts[].milestones[]（type 为 payment）',
    meaning:
      '合同约定的资金拨付节点：名称、比例和金额（description），status 为 scheduled 待拨付、met 已拨付，dateMet 拨付日期',
  },
  {
    field: 'contracts[].milestones[]（type 为 assessment）',
    meaning:
      '项目评估：title 中期评估或末期评估，description 评估等级（优秀、良好、合格、不合格），dateMet 评估结果生效时间',
  },
  {
    field: 'contracts[].amendments[].id / date / rationale / description',
    meaning: '合同的每次变更：第几次、时间、原因、变更了哪些内容',
  },
  {
    field: 'contracts[].implementation.transactions[].id / date / value',
    meaning: '每一笔资金拨付：编号、拨付日期、金额（人民币元，两位小数）',
  },
  {
    field: 'contracts[].implementation.transactions[].payer / payee',
    meaning: '付款方（购买主体）和收款方（承接主体）',
  },
  { field: '*.amount / *.currency', meaning: '金额（元，两位小数）和币种（CNY 人民币）' },
];
